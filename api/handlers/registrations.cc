// /v1/registrations and /v1/meetings/{id}/registrations: people attending meetings (personal data:
// registrations:read to read, registrations:write to write), as JSON pages or a whole CSV export.
// Never log names or emails here.
#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/json/registration_json.h"

namespace zusammen::api {
namespace {

constexpr std::string_view kCsv = "text/csv; charset=utf-8";

bool wants_csv(const HttpRequest& request) {
  auto accept = request.header("accept");
  return accept && accept->find("text/csv") != std::string::npos;
}

// The list of both paths; meeting_id comes from the path on the nested one.
HttpResponse list_of(const RequestContext& context, Services& services, std::optional<long long> meeting_id) {
  if (auto denied = require_scope(context, "registrations:read")) return *denied;
  HttpRequest request = context.request;
  std::optional<QueryReader> reader;
  if (meeting_id) {
    reader.emplace(request, std::initializer_list<const char*>{"status", "company_id", "q", "updated_since", "sort",
                                                               "limit", "cursor"});
  } else {
    reader.emplace(request, std::initializer_list<const char*>{"meeting_id", "status", "company_id", "q",
                                                               "updated_since", "sort", "limit", "cursor"});
  }
  QueryReader& query = *reader;
  service::RegistrationFilter filter;
  filter.meeting_id = meeting_id ? meeting_id : query.id("meeting_id");
  filter.status = query.one_of("status", service::kRegistrationStatuses);
  filter.company_id = query.id("company_id");
  filter.q = query.text("q");
  filter.updated_since = query.timestamp("updated_since");
  auto page = query.page(service::kRegistrationSortKeys);
  if (auto error = query.error()) return problem(*error);
  if (meeting_id) {
    take(services.meetings.get(*meeting_id, service::Audience::internal));
  }
  if (wants_csv(context.request)) {
    // The whole export, not a page: limit and cursor do not apply.
    auto rows = take(services.registrations.export_all(filter, page->sort));
    HttpResponse response;
    response.status = 200;
    response.content_type = std::string(kCsv);
    response.body = registrations_to_csv(rows);
    response.with_header("Content-Disposition", "attachment; filename=\"registrations.csv\"");
    std::string etag = content_etag(response.body);
    return cacheable(context, std::move(response), etag);
  }
  auto result = take(services.registrations.list(filter, *page));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& g : result.items) items.push_back(registration_to_json(g));
  return list_response(context, items, result.next_cursor);
}

HttpResponse list(const RequestContext& context, Services& services) {
  return list_of(context, services, std::nullopt);
}

HttpResponse list_of_meeting(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "registrations:read")) return *denied;
  auto id = take(path_id(context));
  return list_of(context, services, id);
}

HttpResponse stats(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "registrations:read")) return *denied;
  auto id = take(path_id(context));
  auto result = take(services.registrations.stats(id));
  HttpResponse response = json_response(200, meeting_stats_to_json(result));
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

HttpResponse get(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "registrations:read")) return *denied;
  auto id = take(path_id(context));
  auto registration = take(services.registrations.get(id));
  return item_response(context, registration_to_json(registration), registration.version);
}

// A registration as its create answers it (and a lost answer's replay).
nlohmann::json created_json(const service::Registration& r) { return registration_to_json(r); }

HttpResponse create(const RequestContext& context, Services& services) {
  return create_resource<service::RegistrationInput, service::Registration>(
      context, registration_from_json,
      [&](const service::RegistrationInput& input) { return services.registrations.create(input); }, created_json,
      "/v1/registrations", "registrations:write");
}

// POST /v1/registrations/bulk: the whole request is 400 when it cannot be read (not an object, items not
// an array), 413 above kMaxBulkItems, 422 when empty; otherwise 200 with one result per item, in order.
// An item's problem names its fields relative to the item ("/email"), as a single create would.
HttpResponse bulk(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "registrations:write")) return *denied;
  auto body = parse_json_object(context.request, false);
  if (body.failure) return *body.failure;
  const nlohmann::json& object = *body.value;
  std::vector<service::FieldError> unknown;
  for (const auto& [key, value] : object.items()) {
    if (key != "items") unknown.push_back({"/" + key, "is not a field of a bulk request"});
  }
  if (!unknown.empty()) return problem(400, "The body has unknown fields.", unknown);
  auto items = object.find("items");
  if (items == object.end()) {
    return problem(service::Error::validation({{"/items", "is required"}}));
  }
  if (!items->is_array()) return bad_request("/items", "must be an array of registrations");
  if (items->empty()) return problem(service::Error::validation({{"/items", "must hold at least one item"}}));
  if (items->size() > service::kMaxBulkItems) {
    return problem(413,
                   "A bulk request holds at most " + std::to_string(service::kMaxBulkItems) +
                       " items; this one holds " + std::to_string(items->size()) + ". Split it into batches.",
                   {{"/items", "must hold at most " + std::to_string(service::kMaxBulkItems) + " items"}});
  }
  std::vector<service::Result<service::RegistrationInput>> inputs;
  inputs.reserve(items->size());
  for (const auto& item : *items) {
    if (!item.is_object()) {
      inputs.emplace_back(
          service::Error::invalid("The item is not a JSON object; each item must be a registration object."));
      continue;
    }
    if (item.contains("status")) {
      inputs.emplace_back(
          service::Error::invalid("The item has a field bulk sync does not write.",
                                  {{"/status",
                                    "is decided by the service in bulk sync (registered or waitlisted by capacity); "
                                    "change it with PATCH /v1/registrations/{id}"}}));
      continue;
    }
    inputs.push_back(registration_from_json(item, false));
  }
  auto outcomes = take(services.registrations.bulk_upsert(inputs));
  nlohmann::json results = nlohmann::json::array();
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& outcome = outcomes[i];
    nlohmann::json result = {{"index", i}, {"status", outcome.status}, {"id", nullptr}, {"problem", nullptr}};
    if (outcome.error) {
      result["problem"] = nlohmann::json::parse(problem(*outcome.error).body);
    } else {
      result["id"] = outcome.id;
    }
    results.push_back(std::move(result));
  }
  return json_response(200, {{"results", std::move(results)}});
}

HttpResponse patch(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "registrations:write")) return *denied;
  auto id = take(path_id(context));
  MergePatchSteps<service::Registration, service::RegistrationInput> steps{
      [&] { return services.registrations.get(id); },
      [](const service::Registration& g) { return registration_writable_json(g); }, registration_from_json,
      [&](int version, const service::RegistrationInput& input) {
        return services.registrations.update(id, version, input);
      },
      [](const service::Registration& g) { return registration_to_json(g); }};
  return merge_patch(context, steps);
}

HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return services.registrations.remove(id, version); },
      "registrations:write");
}

}  // namespace

void mount_registrations(Router& router, Services& services) {
  router.add("GET", "/v1/registrations", [&services](const RequestContext& c) { return list(c, services); });
  router.add(
      "POST", "/v1/registrations", [&services](const RequestContext& c) { return create(c, services); },
      created_again<service::Registration>(
          "registration", [&services](long long id) { return services.registrations.get(id); }, created_json,
          "/v1/registrations"));
  router.add("POST", "/v1/registrations/bulk", [&services](const RequestContext& c) { return bulk(c, services); });
  router.add("GET", "/v1/registrations/{id}", [&services](const RequestContext& c) { return get(c, services); });
  router.add("PATCH", "/v1/registrations/{id}", [&services](const RequestContext& c) { return patch(c, services); });
  router.add("DELETE", "/v1/registrations/{id}", [&services](const RequestContext& c) { return remove(c, services); });
  router.add("GET", "/v1/meetings/{id}/registrations",
             [&services](const RequestContext& c) { return list_of_meeting(c, services); });
  router.add("GET", "/v1/meetings/{id}/stats", [&services](const RequestContext& c) { return stats(c, services); });
}

}  // namespace zusammen::api
