// The application without the socket: routes, authentication and error
// rendering. server.cc feeds it requests from Pistache.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api/cors.h"
#include "api/http.h"
#include "api/idempotency.h"
#include "api/metrics.h"
#include "api/rate_limit.h"
#include "api/response_cache.h"
#include "api/router.h"
#include "service/api_keys.h"
#include "service/catalogue.h"
#include "service/changes.h"
#include "service/companies.h"
#include "service/database.h"
#include "service/initiatives.h"
#include "service/meetings.h"
#include "service/registrations.h"
#include "service/testimonials.h"

namespace zusammen::api {

struct Services {
  // catalogue: answers initiative and company reads where it can (service/catalogue.h).
  explicit Services(service::Pool& primary, service::Catalogue* catalogue = nullptr)
      : pool(primary),
        companies(primary, catalogue),
        initiatives(primary, catalogue),
        meetings(primary),
        api_keys(primary),
        changes(primary),
        testimonials(primary),
        registrations(primary) {}
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
  std::size_t cache_bytes = std::size_t{16} * 1024 * 1024;  // bodies, headers and keys together
  // Served this long past the TTL while one request refreshes the entry (see response_cache.h).
  std::chrono::milliseconds cache_stale{0};
  // How often the change feed's counter is read to see other processes' writes (0: not watched).
  std::chrono::milliseconds cache_watch{0};
  // Anonymous initiative and company reads from memory while there are at most this many public
  // initiatives (0: no catalogue); kept current by the watcher above and by this process's writes.
  std::size_t catalogue_max_rows = 0;
  // Idempotency-Key records are honoured (and kept) for this long; see api/idempotency.h.
  std::chrono::hours idempotency_ttl{24};
  // Allowed origins (api/cors.h) and rate limits (api/rate_limit.h): both off by default.
  std::string cors_origins;
  RateLimitOptions rate_limits;
  // A read replica (ZUSAMMEN_DATABASE_READ_URL): anonymous GET and HEAD under /v1/ read from it.
  // Its pool should fall back to the primary (Pool::fall_back_to). None: everything uses the primary.
  service::Pool* read_pool = nullptr;
};

// The order every request goes through, in one place (server.cc feeds requests in; each step
// may answer and end the list):
//
//   on the reactor thread (handle_now), without waiting for anything:
//     1. the catalogue       anonymous initiative and company reads, from memory  answer_from_memory
//     2. the response cache  anonymous /v1/ reads seen within the TTL               cached
//   on a worker (handle), where waiting holds up no other connection:
//     2. the response cache  again, and a miss fills it once for all who ask together  respond
//     3. the router          404, 405 with Allow, OPTIONS                           dispatch
//     4. the start gate      503 while migrations at start are pending              dispatch
//     5. authentication      Bearer key -> principal, or 401                        authenticate
//     6. the rate limit      per key (after 5) or per address, 429                  RateLimiter::admit
//     7. idempotency         POST with Idempotency-Key: replay or run once           Idempotency::run
//     8. the handler         api/handlers/, one service call
//   on the way out, for every answer, cached or not:
//     9. rate-limit headers  this caller's, never stored in the cache               RateLimiter::settle
//    10. CORS headers        this origin's                                           Cors::apply
class App {
 public:
  explicit App(service::Pool& pool, const AppOptions& options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Routes, authenticates and runs the handler; never throws. route is set to the
  // matched template (for logs and metrics), or "unmatched". May wait for the database.
  HttpResponse handle(const HttpRequest& request, std::string& route);
  // The answer when it needs no database (probes, /metrics, the docs, a cached response),
  // given at once; nullopt: call handle(), where waiting does not hold up other requests.
  std::optional<HttpResponse> handle_now(const HttpRequest& request, std::string& route);

  // Runs a task off the caller's thread; false when it cannot (stopped). The server passes its
  // workers here, for the cache's background refreshes; without one there are none.
  using Background = std::function<bool(std::function<void()>)>;
  void set_background(Background background);

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
  // The response cache's and the catalogue's counters, in the exposition format (part of /metrics).
  std::string cache_metrics() const;
  // Null without one (AppOptions::catalogue_max_rows 0).
  service::Catalogue* catalogue() { return catalogue_.get(); }

 private:
  HttpResponse respond(const HttpRequest& request, std::string& route, RateCharge& charge);
  // charge_caller false: a background refresh, which no caller pays for in its rate limit.
  HttpResponse dispatch(const HttpRequest& request, std::string& route, RateCharge& charge, bool charge_caller = true);
  bool cacheable(const HttpRequest& request) const;
  // An anonymous read the catalogue may answer without the database (service/catalogue.h).
  bool from_memory(const HttpRequest& request) const;
  // Its answer, given on the caller's thread without waiting for anything; nullopt when the
  // database was needed after all (nothing was charged then). Not stored in the response cache.
  std::optional<HttpResponse> answer_from_memory(const HttpRequest& request, std::string& route);
  // The cached answer of key as this caller gets it (and a background refresh started when the
  // entry is due); nullopt on a miss.
  std::optional<HttpResponse> cached(const HttpRequest& request, const std::string& key, std::string& route,
                                     RateCharge& charge);
  // A cached answer as this caller gets it: its rate limit, If-None-Match and HEAD applied.
  HttpResponse from_cache(const HttpRequest& request, const ResponseCache::Hit& hit, std::string& route,
                          RateCharge& charge);
  void refresh_later(const HttpRequest& request, const std::shared_ptr<ResponseCache::Fill>& ticket);
  // Brings the catalogue up to date and empties the cache when the change feed moved (another
  // process wrote); runs on watcher_.
  void watch_changes(std::chrono::milliseconds interval);
  // The routes over the replica for anonymous reads, the primary's for everything else.
  const Router& router_for(const HttpRequest& request) const;

  std::unique_ptr<service::Catalogue> catalogue_;  // before the services that use it
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
  std::mutex background_mutex_;
  Background background_;
  std::mutex watcher_mutex_;
  std::condition_variable watcher_wake_;
  bool watcher_stop_ = false;
  std::thread watcher_;  // last: started when everything it uses exists
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
