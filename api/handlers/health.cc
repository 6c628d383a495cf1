// Probes and the contract: /healthz, /readyz, /openapi.yaml.
#include <string_view>

#include "api/app.h"
#include "api/problem.h"
#include "api/responses.h"

namespace zusammen::embedded {
extern const std::string_view kOpenApiDocument;
}

namespace zusammen::api {

void mount_health(Router& router, App& app) {
  router.add("GET", "/healthz", [](const RequestContext&) {
    return json_response(200, {{"status", "ok"}}).with_header("Cache-Control", "no-store");
  });

  router.add("GET", "/readyz", [&app](const RequestContext&) {
    HttpResponse response = json_response(200, {{"status", "ready"}});
    if (app.draining()) {
      response = problem(503, "The service is shutting down.");
    } else if (app.starting()) {
      response = problem(503, "The database schema is not ready yet.");
    } else if (!service::ping(app.services().pool).ok()) {
      response = problem(503, "The database is not reachable.");
    }
    return response.with_header("Cache-Control", "no-store");
  });

  router.add("GET", "/openapi.yaml", [](const RequestContext& context) {
    HttpResponse response;
    response.content_type = "application/yaml; charset=utf-8";
    response.body = std::string(embedded::kOpenApiDocument);
    std::string etag = content_etag(response.body);
    return cacheable(context, std::move(response), etag);
  });
}

}  // namespace zusammen::api
