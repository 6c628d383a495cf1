// GET /v1/stats: network totals for internal dashboards. It carries registration figures, so it
// needs registrations:read (or registrations:write / admin, as the other registration reads).
#include "service/stats.h"

#include <memory>

#include "api/app.h"
#include "api/handlers/crud.h"

namespace zusammen::api {
namespace {

nlohmann::json network_stats_to_json(const service::NetworkStats& stats) {
  nlohmann::json by_category = nlohmann::json::object();
  for (const auto& [category, count] : stats.initiatives_by_category) by_category[category] = count;
  nlohmann::json by_status = nlohmann::json::object();
  for (const auto& [status, count] : stats.registrations_by_status) by_status[status] = count;
  return {{"active_companies", stats.active_companies},
          {"initiatives_by_category", by_category},
          {"people_reached", stats.people_reached},
          {"meetings_held", stats.meetings_held},
          {"year", stats.year},
          {"registrations_by_status", by_status}};
}

HttpResponse network(const RequestContext& context, service::StatsService& stats) {
  if (auto denied = require_scope(context, "registrations:read")) return *denied;
  QueryReader query(context.request, std::initializer_list<const char*>{});
  if (auto error = query.error()) return problem(*error);
  auto result = take(stats.network());
  HttpResponse response = json_response(200, network_stats_to_json(result));
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

}  // namespace

void mount_stats(Router& router, Services& services) {
  auto stats = std::make_shared<service::StatsService>(services.pool);
  router.add("GET", "/v1/stats", [stats](const RequestContext& c) { return network(c, *stats); });
}

}  // namespace zusammen::api
