#include "api/app.h"

#include <spdlog/spdlog.h>

#include "api/problem.h"
#include "api/responses.h"

namespace zusammen::api {

void mount_resources(Router& router, Services& services) {
  mount_companies(router, services);
  mount_initiatives(router, services);
  mount_meetings(router, services);
  mount_calendar(router, services);
  mount_testimonials(router, services);
  mount_changes(router, services);
  mount_registrations(router, services);
  mount_stats(router, services);
  mount_people(router, services);
}

App::App(service::Pool& pool, const AppOptions& options)
    : catalogue_(options.catalogue_max_rows > 0
                     ? std::make_unique<service::Catalogue>(options.read_pool ? *options.read_pool : pool,
                                                            options.catalogue_max_rows, options.read_pool == nullptr)
                     : nullptr),
      services_(pool, catalogue_.get()),
      cache_(options.cache_ttl, options.cache_entries, options.cache_stale, options.cache_bytes),
      idempotency_(pool, options.idempotency_ttl),
      cors_(options.cors_origins),
      rate_limits_(options.rate_limits) {
  mount_health(router_, *this);
  metrics_.add_pool("primary", pool);
  mount_metrics(router_, *this);
  mount_docs(router_);
  mount_resources(router_, services_);
  if (options.read_pool != nullptr) {
    read_services_ = std::make_unique<Services>(*options.read_pool, catalogue_.get());
    mount_resources(read_router_, *read_services_);
    metrics_.add_pool("replica", *options.read_pool);
  }
  // The catalogue is loaded by the watcher (once, without a watch interval).
  if ((cache_.enabled() && options.cache_watch.count() > 0) || catalogue_) {
    watcher_ = std::thread([this, interval = options.cache_watch] { watch_changes(interval); });
  }
}

App::~App() {
  {
    std::lock_guard lock(watcher_mutex_);
    watcher_stop_ = true;
  }
  watcher_wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void App::set_background(Background background) {
  std::lock_guard lock(background_mutex_);
  background_ = std::move(background);
}

// The change feed's counter moves with every committed write of any process. It is read from
// the pool that anonymous reads use: when a replica shows the change, refills see it too.
void App::watch_changes(std::chrono::milliseconds interval) {
  auto& changes = read_services_ ? read_services_->changes : services_.changes;
  std::optional<long long> seen;
  std::unique_lock lock(watcher_mutex_);
  while (!watcher_stop_) {
    lock.unlock();
    auto last = changes.last_sequence();
    // The catalogue first: a response refilled after the cache is emptied must not come from
    // a catalogue that has not seen the change yet.
    if (catalogue_ && last.ok()) {
      if (seen && *last < *seen) {
        (void)catalogue_->reload();  // the feed went backwards: a restore
      } else if (!seen || *seen != *last || !catalogue_->serving()) {
        (void)catalogue_->refresh();
      }
    }
    lock.lock();
    if (last.ok()) {
      if (seen && *seen != *last) cache_.invalidate(ResponseCache::Cause::change_feed);
      seen = *last;
    }
    if (interval.count() == 0 && catalogue_ && catalogue_->stats().loads > 0) break;
    // Without an interval, only until the catalogue's first load (retried every 100 ms).
    watcher_wake_.wait_for(lock, interval.count() > 0 ? interval : std::chrono::milliseconds(100),
                           [this] { return watcher_stop_; });
  }
}

std::string App::cache_metrics() const {
  std::string out = cache_.render_metrics();
  if (catalogue_) out += render_catalogue_metrics(catalogue_->stats());
  return out;
}

// Anonymous reads are the partner websites' content reads: they may be a little stale, so the
// replica serves them. Authenticated requests read their own writes from the primary.
const Router& App::router_for(const HttpRequest& request) const {
  bool read = request.method == "GET" || request.method == "HEAD";
  bool replica = read_services_ && read && request.path.rfind("/v1/", 0) == 0 && !request.header("authorization");
  return replica ? read_router_ : router_;
}

namespace {

// Authorization: Bearer <key>. No header: anonymous. Anything else that is not a live key: 401.
std::optional<HttpResponse> authenticate(const HttpRequest& request, service::ApiKeyService& keys,
                                         Principal& principal) {
  auto header = request.header("authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view scheme = "Bearer ";
  if (header->size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), header->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return problem(401, "The Authorization header must be \"Bearer <api key>\".");
  }
  auto key = keys.authenticate(header->substr(scheme.size()));
  if (!key.ok()) return problem(key.error());
  if (!*key) return problem(401, "The API key is unknown or revoked.");
  principal.key = **key;
  return std::nullopt;
}

}  // namespace

HttpResponse App::handle(const HttpRequest& request, std::string& route) {
  RateCharge charge;
  HttpResponse response = respond(request, route, charge);
  // After the response cache: these headers belong to this caller alone.
  rate_limits_.settle(charge, response);
  cors_.apply(request, response);
  return response;
}

std::optional<HttpResponse> App::handle_now(const HttpRequest& request, std::string& route) {
  // Outside /v1/ only /readyz asks the database: the rest is answered from memory.
  if (request.path.rfind("/v1/", 0) != 0 && request.path != "/readyz") return handle(request, route);
  // The catalogue first: it answers as fast as the response cache and is always current, so
  // its answers are not stored there too (the cache keeps what the database answers).
  if (from_memory(request)) {
    if (auto response = answer_from_memory(request, route)) return response;
  }
  if (cacheable(request)) {
    RateCharge charge;
    if (auto response = cached(request, ResponseCache::key_of(request), route, charge)) {
      rate_limits_.settle(charge, *response);
      cors_.apply(request, *response);
      return response;
    }
  }
  return std::nullopt;
}

bool App::from_memory(const HttpRequest& request) const {
  bool read = request.method == "GET" || request.method == "HEAD";
  return catalogue_ && catalogue_->serving() && read && !starting_ && !request.header("authorization") &&
         (request.path.rfind("/v1/initiatives", 0) == 0 || request.path.rfind("/v1/companies", 0) == 0);
}

std::optional<HttpResponse> App::answer_from_memory(const HttpRequest& request, std::string& route) {
  service::NoDatabaseHere here;
  RateCharge charge;
  HttpResponse response = dispatch(request, route, charge);
  if (here.asked()) {
    // A worker answers it, charged there.
    rate_limits_.refund(charge);
    return std::nullopt;
  }
  rate_limits_.settle(charge, response);
  cors_.apply(request, response);
  return response;
}

std::optional<HttpResponse> App::cached(const HttpRequest& request, const std::string& key, std::string& route,
                                        RateCharge& charge) {
  auto hit = cache_.find(key);
  if (!hit) return std::nullopt;
  if (hit->refresh) refresh_later(request, hit->refresh);
  return from_cache(request, *hit, route, charge);
}

bool App::cacheable(const HttpRequest& request) const {
  bool read = request.method == "GET" || request.method == "HEAD";
  return cache_.enabled() && read && request.path.rfind("/v1/", 0) == 0 && !request.header("authorization");
}

HttpResponse App::from_cache(const HttpRequest& request, const ResponseCache::Hit& hit, std::string& route,
                             RateCharge& charge) {
  route = hit.route;
  if (auto limited = rate_limits_.admit(request, Principal{}, charge)) return *limited;
  auto etag = hit.response->header("ETag");
  if (etag && if_none_match_hits(request, *etag)) return not_modified(*hit.response);
  HttpResponse response = *hit.response;
  if (request.method == "HEAD") response.body.clear();
  return response;
}

void App::refresh_later(const HttpRequest& request, const std::shared_ptr<ResponseCache::Fill>& ticket) {
  std::lock_guard lock(background_mutex_);
  // Without workers the entry simply expires, and the next request fills it.
  if (!background_) return;
  HttpRequest refill = request;
  refill.method = "GET";
  refill.headers.erase("if-none-match");
  background_([this, refill = std::move(refill), ticket] {
    std::string route;
    RateCharge charge;
    HttpResponse response = dispatch(refill, route, charge, false);
    cache_.complete(ticket, response, route);
  });
}

HttpResponse App::respond(const HttpRequest& request, std::string& route, RateCharge& charge) {
  if (cacheable(request)) {
    std::string key = ResponseCache::key_of(request);
    if (auto hit = cached(request, key, route, charge)) return *hit;
    // A GET fills the entry, once for all who miss it together; a HEAD (no body) never does.
    if (request.method == "GET") {
      auto claim = cache_.claim(key, std::chrono::seconds(5));
      if (claim.shared) return from_cache(request, *claim.shared, route, charge);
      HttpResponse response = dispatch(request, route, charge);
      cache_.complete(claim.ticket, response, route);
      return response;
    }
  }
  HttpResponse response = dispatch(request, route, charge);
  bool read = request.method == "GET" || request.method == "HEAD";
  if (!read && request.method != "OPTIONS" && response.status < 300) cache_.invalidate();
  return response;
}

HttpResponse App::dispatch(const HttpRequest& request, std::string& route, RateCharge& charge, bool charge_caller) {
  route = "unmatched";
  try {
    bool head = request.method == "HEAD";
    RouteMatch match = router_for(request).match(head ? "GET" : request.method, request.path);
    if (match.route == nullptr) {
      if (match.allowed.empty()) return problem(404, "There is nothing at " + request.path + ".");
      std::string allow;
      for (const auto& m : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += m;
      }
      if (std::find(match.allowed.begin(), match.allowed.end(), "GET") != match.allowed.end()) allow += ", HEAD";
      allow += ", OPTIONS";
      if (request.method == "OPTIONS") {
        HttpResponse response;
        response.status = 204;
        return response.with_header("Allow", allow);
      }
      return problem(405, "The method " + request.method + " is not allowed here.").with_header("Allow", allow);
    }
    route = match.route->pattern;
    RequestContext context{request, std::move(match.params), {}};
    // Probes and the contract answer everyone, whatever credentials they carry.
    bool api = request.path.rfind("/v1/", 0) == 0;
    if (api && starting_) return problem(503, "The service is starting: the database schema is not ready yet.");
    if (api) {
      auto failure = authenticate(request, services_.api_keys, context.principal);
      // After authentication, so a live key is charged on its own; an unknown key counts against the address.
      if (charge_caller) {
        if (auto limited = rate_limits_.admit(request, context.principal, charge)) return *limited;
      }
      if (failure) return *failure;
    }
    // Every POST honours Idempotency-Key (after authentication: keys are scoped per API key).
    HttpResponse response = api && request.method == "POST"
                                ? idempotency_.run(
                                      context, [&] { return match.route->handler(context); },
                                      match.route->replay ? &*match.route->replay : nullptr)
                                : match.route->handler(context);
    if (head) response.body.clear();
    return response;
  } catch (const std::exception& e) {
    spdlog::error("request {} {} failed: {}", request.method, route, service::redact_for_log(e.what()));
  } catch (...) {
    spdlog::error("request {} {} failed with an unknown exception", request.method, route);
  }
  return problem(500, "An internal error occurred; the request id identifies it in the logs.");
}

}  // namespace zusammen::api
