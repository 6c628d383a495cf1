// GET /metrics: Prometheus text for the scraper. Unauthenticated like the probes;
// the deployment's reverse proxy keeps it from the outside world.
#include "api/metrics.h"

#include "api/app.h"

namespace zusammen::api {

void mount_metrics(Router& router, App& app) {
  router.add("GET", "/metrics", [&app](const RequestContext&) {
    HttpResponse response;
    response.status = 200;
    response.content_type = std::string(Metrics::kContentType);
    response.body = app.metrics().render() + app.cache_metrics();
    return response.with_header("Cache-Control", "no-store");
  });
}

}  // namespace zusammen::api
