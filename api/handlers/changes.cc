// /v1/changes: what changed since a cursor, in commit order, deletions as tombstones.
#include "api/app.h"
#include "api/handlers/crud.h"

namespace zusammen::api {
namespace {

constexpr int kDefaultFeedLimit = 100;
constexpr int kMaxFeedLimit = 1000;

// Registrations are personal data: their changes need registrations:read; everything else content:read.
std::string_view scope_for(std::string_view type) {
  return type == "registration" ? "registrations:read" : "content:read";
}

HttpResponse list(const RequestContext& context, Services& services) {
  if (!context.principal.key) return problem(401, "The change feed needs an API key.");
  QueryReader query(context.request, {"since", "types", "limit"});
  auto since = query.text("since", 200);
  auto types_param = query.text("types", 200);
  std::optional<long long> limit;
  if (auto raw = context.request.param("limit")) {
    limit = parse_id(*raw);
    if (!limit || *limit > kMaxFeedLimit) {
      return bad_request("limit", "must be an integer from 1 to " + std::to_string(kMaxFeedLimit));
    }
  }
  if (auto error = query.error()) return problem(*error);

  std::set<std::string> types;
  if (types_param) {
    std::string_view rest(*types_param);
    while (true) {
      auto comma = rest.find(',');
      std::string type(rest.substr(0, comma));
      if (std::find(service::kChangeTypes.begin(), service::kChangeTypes.end(), type) == service::kChangeTypes.end()) {
        std::string list;
        for (auto t : service::kChangeTypes) list += (list.empty() ? "" : ", ") + std::string(t);
        return bad_request("types", "must be a comma-separated list of: " + list);
      }
      if (!context.principal.can(scope_for(type))) {
        return problem(403,
                       "The API key lacks the scope " + std::string(scope_for(type)) + " for " + type + " changes.");
      }
      types.insert(type);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else {
    for (auto type : service::kChangeTypes) {
      if (context.principal.can(scope_for(type))) types.insert(std::string(type));
    }
    if (types.empty()) return problem(403, "The API key has no scope that reads any kind of change.");
  }

  auto page =
      take(services.changes.list(since.value_or(""), types, static_cast<int>(limit.value_or(kDefaultFeedLimit))));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& change : page.items) {
    items.push_back({{"type", change.type}, {"id", change.id}, {"op", change.op}, {"at", change.at}});
  }
  HttpResponse response = json_response(200, {{"items", std::move(items)}, {"next_cursor", page.next_cursor}});
  std::string link = "/v1/changes?since=" + url_encode(page.next_cursor);
  if (types_param) link += "&types=" + url_encode(*types_param);
  if (limit) link += "&limit=" + std::to_string(*limit);
  response.with_header("Link", "<" + link + ">; rel=\"next\"");
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

}  // namespace

void mount_changes(Router& router, Services& services) {
  router.add("GET", "/v1/changes", [&services](const RequestContext& c) { return list(c, services); });
}

}  // namespace zusammen::api
