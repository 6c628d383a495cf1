// The application without the socket: routes, authentication and error
// rendering. server.cc feeds it requests from Pistache.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "api/cors.h"
#include "api/http.h"
#include "api/idempotency.h"
#include "api/rate_limit.h"
#include "api/metrics.h"
#include "api/response_cache.h"
#include "api/router.h"
#include "service/api_keys.h"
#include "service/changes.h"
#include "service/companies.h"
#include "service/database.h"
#include "service/initiatives.h"
#include "service/meetings.h"
#include "service/registrations.h"
#include "service/testimonials.h"

namespace zusammen::api {

struct Services {
  explicit Services(service::Pool& primary)
      : pool(primary), companies(primary), initiatives(primary), meetings(primary), api_keys(primary), changes(primary),
        testimonials(primary), registrations(primary) {}
  service::Pool& pool;
  service::CompanyService companies;
  service::InitiativeService initiatives;
  service::MeetingService meetings;
  service::ApiKeyService api_keys;
  service::ChangeService changes;
  service::TestimonialService testimonials;
  service::RegistrationService registrations;
};

struct AppOptions {
  // Anonymous GET responses are reused for this long (0: no cache); see response_cache.h.
  std::chrono::milliseconds cache_ttl{0};
  std::size_t cache_entries = 10000;
  // Idempotency-Key records are honoured (and kept) for this long; see api/idempotency.h.
  std::chrono::hours idempotency_ttl{24};
  // Allowed origins (api/cors.h) and rate limits (api/rate_limit.h): both off by default.
  std::string cors_origins;
  RateLimitOptions rate_limits;
  // A read replica (ZUSAMMEN_DATABASE_READ_URL): anonymous GET and HEAD under /v1/ read from it.
  // Its pool should fall back to the primary (Pool::fall_back_to). None: everything uses the primary.
  service::Pool* read_pool = nullptr;
};

class App {
 public:
  explicit App(service::Pool& pool, AppOptions options = {});

  // Routes, authenticates and runs the handler; never throws. route is set to the
  // matched template (for logs and metrics), or "unmatched".
  HttpResponse handle(const HttpRequest& request, std::string& route);

  // While draining, /readyz answers 503 so load balancers stop sending traffic.
  void set_draining(bool draining) { draining_ = draining; }
  bool draining() const { return draining_; }
  // While starting (migrations at start not applied yet), /readyz and the API answer 503.
  void set_starting(bool starting) { starting_ = starting; }
  bool starting() const { return starting_; }
  Services& services() { return services_; }
  const Router& router() const { return router_; }
  // For answers given before routing (server.cc): the CORS headers every response carries.
  const Cors& cors() const { return cors_; }
  // What /metrics reports; the server records every request here.
  Metrics& metrics() { return metrics_; }

 private:
  HttpResponse respond(const HttpRequest& request, std::string& route, RateCharge& charge);
  HttpResponse dispatch(const HttpRequest& request, std::string& route, RateCharge& charge);
  // The routes over the replica for anonymous reads, the primary's for everything else.
  const Router& router_for(const HttpRequest& request) const;

  Services services_;
  Router router_;
  std::unique_ptr<Services> read_services_;
  Router read_router_;
  ResponseCache cache_;
  Idempotency idempotency_;
  Cors cors_;
  RateLimiter rate_limits_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> starting_{false};
  Metrics metrics_;
};

void mount_health(Router& router, App& app);
void mount_metrics(Router& router, App& app);
void mount_docs(Router& router);
// Every /v1 resource.
void mount_resources(Router& router, Services& services);
void mount_companies(Router& router, Services& services);
void mount_initiatives(Router& router, Services& services);
void mount_meetings(Router& router, Services& services);
void mount_testimonials(Router& router, Services& services);
void mount_changes(Router& router, Services& services);
void mount_registrations(Router& router, Services& services);
void mount_calendar(Router& router, Services& services);
void mount_stats(Router& router, Services& services);
void mount_people(Router& router, Services& services);

}  // namespace zusammen::api
