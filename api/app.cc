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

App::App(service::Pool& pool, AppOptions options)
    : services_(pool),
      cache_(options.cache_ttl, options.cache_entries),
      idempotency_(pool, options.idempotency_ttl),
      cors_(options.cors_origins),
      rate_limits_(options.rate_limits) {
  mount_health(router_, *this);
  metrics_.add_pool("primary", pool);
  mount_metrics(router_, *this);
  mount_docs(router_);
  mount_resources(router_, services_);
  if (options.read_pool != nullptr) {
    read_services_ = std::make_unique<Services>(*options.read_pool);
    mount_resources(read_router_, *read_services_);
    metrics_.add_pool("replica", *options.read_pool);
  }
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

HttpResponse App::respond(const HttpRequest& request, std::string& route, RateCharge& charge) {
  bool read = request.method == "GET" || request.method == "HEAD";
  bool cacheable = cache_.enabled() && read && request.path.rfind("/v1/", 0) == 0 && !request.header("authorization");
  std::string key;
  if (cacheable) {
    key = ResponseCache::key_of(request);
    if (auto hit = cache_.find(key, route)) {
      if (auto limited = rate_limits_.admit(request, Principal{}, charge)) return *limited;
      auto etag = hit->header("ETag");
      if (etag && if_none_match_hits(request, *etag)) return not_modified(*hit);
      if (request.method == "HEAD") hit->body.clear();
      return *hit;
    }
  }
  HttpResponse response = dispatch(request, route, charge);
  if (cacheable && request.method == "GET" && response.status == 200) cache_.store(key, response, route);
  if (!read && request.method != "OPTIONS" && response.status < 300) cache_.invalidate();
  return response;
}

HttpResponse App::dispatch(const HttpRequest& request, std::string& route, RateCharge& charge) {
  route = "unmatched";
  try {
    bool head = request.method == "HEAD";
    RouteMatch match = router_for(request).match(head ? "GET" : request.method, request.path);
    if (match.route == nullptr) {
      if (match.allowed.empty()) return problem(404, "There is nothing at " + request.path + ".");
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
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
      if (auto limited = rate_limits_.admit(request, context.principal, charge)) return *limited;
      if (failure) return *failure;
    }
    // Every POST honours Idempotency-Key (after authentication: keys are scoped per API key).
    HttpResponse response = api && request.method == "POST"
                                ? idempotency_.run(context, [&] { return match.route->handler(context); })
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
