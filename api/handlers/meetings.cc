// /v1/meetings and /v1/meetings/{id}/agenda: network meetings and their programme.
#include <chrono>
#include <cstdio>

#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/json/meeting_json.h"
#include "service/validation.h"

namespace zusammen::api {
namespace {

using service::Audience;
using service::FieldError;

// The {item_id} path parameter, strictly; a 400 problem otherwise.
service::Result<long long> path_item_id(const RequestContext& context) {
  auto id = parse_id(context.params.at("item_id"));
  if (!id) {
    return service::Error::invalid("The agenda item id in the path is not valid.",
                                   {{"item_id", "must be a positive integer"}});
  }
  return *id;
}

std::string item_location(long long meeting_id, long long item_id) {
  return "/v1/meetings/" + std::to_string(meeting_id) + "/agenda/" + std::to_string(item_id);
}

// from / to: an RFC 3339 date-time, or a date for the whole UTC day (from: its first instant;
// to: the first instant after it). Returned as SQL UTC.
std::optional<std::string> instant_or_day(const HttpRequest& request, const char* name, bool day_end,
                                          std::vector<FieldError>& errors) {
  auto value = request.param(name);
  if (!value) return std::nullopt;
  if (service::is_valid_date(*value)) {
    if (!day_end) return *value + " 00:00:00";
    using namespace std::chrono;
    int y = std::stoi(value->substr(0, 4));
    unsigned m = static_cast<unsigned>(std::stoi(value->substr(5, 2)));
    unsigned d = static_cast<unsigned>(std::stoi(value->substr(8, 2)));
    year_month_day next{sys_days{year{y} / month{m} / day{d}} + days{1}};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u 00:00:00", static_cast<int>(next.year()),
                  static_cast<unsigned>(next.month()), static_cast<unsigned>(next.day()));
    return std::string(buffer);
  }
  if (auto instant = service::timestamp_to_sql(*value)) return instant;
  errors.push_back({name, "must be an RFC 3339 date-time such as 2018-11-13T09:00:00Z or a date (YYYY-MM-DD)"});
  return std::nullopt;
}

nlohmann::json agenda_json(const std::vector<service::AgendaItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(agenda_item_to_json(item));
  return out;
}

// --- meetings ---------------------------------------------------------------------------------

HttpResponse list(const RequestContext& context, Services& services) {
  QueryReader query(context.request, {"from", "to", "kind", "city", "host_company_id", "status", "upcoming", "q",
                                      "updated_since", "sort", "limit", "cursor"});
  service::MeetingFilter filter;
  std::vector<FieldError> range_errors;
  filter.from = instant_or_day(context.request, "from", false, range_errors);
  filter.to = instant_or_day(context.request, "to", true, range_errors);
  if (filter.from && filter.to && *filter.to <= *filter.from) range_errors.push_back({"to", "must be after from"});
  filter.kind = query.one_of("kind", service::kMeetingKinds);
  filter.city = query.text("city", 100);
  filter.host_company_id = query.id("host_company_id");
  filter.status = query.one_of("status", service::kMeetingStatuses);
  filter.upcoming = query.boolean("upcoming");
  filter.q = query.text("q");
  filter.updated_since = query.timestamp("updated_since");
  auto page = query.page(service::kMeetingSortKeys);
  if (auto error = query.error(); error || !range_errors.empty()) {
    std::vector<FieldError> errors = error ? error->errors : std::vector<FieldError>{};
    errors.insert(errors.end(), range_errors.begin(), range_errors.end());
    return problem(service::Error::invalid("The request has invalid query parameters.", std::move(errors)));
  }
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  auto result = take(services.meetings.list(filter, *page, *audience));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : result.items) items.push_back(meeting_to_json(m));
  return list_response(context, items, result.next_cursor);
}

HttpResponse get(const RequestContext& context, Services& services) {
  auto id = take(path_id(context));
  QueryReader query(context.request, {"include"});
  auto include = query.include({"agenda"});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  if (!include.contains("agenda")) {
    auto meeting = take(services.meetings.get(id, *audience));
    return item_response(context, meeting_to_json(meeting), meeting.version);
  }
  auto found = take(services.meetings.get_with_agenda(id, *audience));
  nlohmann::json item = meeting_to_json(found.meeting);
  item["agenda"] = agenda_json(found.agenda);
  return item_response(context, item, found.meeting.version);
}

// A meeting as its create answers it (and a lost answer's replay).
nlohmann::json created_json(const service::Meeting& m) { return meeting_to_json(m); }

HttpResponse create(const RequestContext& context, Services& services) {
  return create_resource<service::MeetingInput, service::Meeting>(
      context, meeting_from_json, [&](const service::MeetingInput& input) { return services.meetings.create(input); },
      created_json, "/v1/meetings");
}

HttpResponse patch(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  MergePatchSteps<service::Meeting, service::MeetingInput> steps{
      [&] { return services.meetings.get(id, Audience::internal); },
      [](const service::Meeting& m) { return meeting_writable_json(m); }, meeting_from_json,
      [&](int version, const service::MeetingInput& input) { return services.meetings.update(id, version, input); },
      [](const service::Meeting& m) { return meeting_to_json(m); }};
  return merge_patch(context, steps);
}

HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return services.meetings.remove(id, version); });
}

// --- agenda -----------------------------------------------------------------------------------

HttpResponse list_agenda(const RequestContext& context, Services& services) {
  auto id = take(path_id(context));
  QueryReader query(context.request, {});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  auto items = take(services.meetings.agenda(id, *audience));
  // The whole programme at once: a meeting has a handful of items, so there are no pages.
  HttpResponse response = json_response(200, {{"items", agenda_json(items)}});
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

HttpResponse get_agenda_item(const RequestContext& context, Services& services) {
  auto id = take(path_id(context));
  auto item_id = take(path_item_id(context));
  QueryReader query(context.request, {});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  auto item = take(services.meetings.get_agenda_item(id, item_id, *audience));
  return item_response(context, agenda_item_to_json(item), item.version);
}

HttpResponse created_agenda_item(long long meeting_id, const service::AgendaItem& item) {
  return created(agenda_item_to_json(item), item.version, item_location(meeting_id, item.id));
}

HttpResponse create_agenda_item(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  auto body = parse_json_object(context.request, false);
  if (body.failure) return *body.failure;
  auto input = take(agenda_item_from_json(*body.value, false));
  return created_agenda_item(id, take(services.meetings.add_agenda_item(id, input)));
}

// A lost answer's replay: the item, read again, answered as its create did.
HttpResponse agenda_item_again(const RequestContext& context, Services& services, long long item_id) {
  auto id = take(path_id(context));
  return created_agenda_item(id, take(services.meetings.get_agenda_item(id, item_id, Audience::internal)));
}

HttpResponse patch_agenda_item(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  auto item_id = take(path_item_id(context));
  MergePatchSteps<service::AgendaItem, service::AgendaItemInput> steps{
      [&] { return services.meetings.get_agenda_item(id, item_id, Audience::internal); },
      [](const service::AgendaItem& a) { return agenda_item_writable_json(a); }, agenda_item_from_json,
      [&](int version, const service::AgendaItemInput& input) {
        return services.meetings.update_agenda_item(id, item_id, version, input);
      },
      [](const service::AgendaItem& a) { return agenda_item_to_json(a); }};
  return merge_patch(context, steps);
}

HttpResponse remove_agenda_item(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  auto item_id = take(path_item_id(context));
  take(services.meetings.remove_agenda_item(id, item_id, if_match_version(context.request)));
  return no_content();
}

}  // namespace

void mount_meetings(Router& router, Services& services) {
  router.add("GET", "/v1/meetings", [&services](const RequestContext& c) { return list(c, services); });
  router.add(
      "POST", "/v1/meetings", [&services](const RequestContext& c) { return create(c, services); },
      created_again<service::Meeting>(
          "meeting", [&services](long long id) { return services.meetings.get(id, Audience::internal); }, created_json,
          "/v1/meetings"));
  router.add("GET", "/v1/meetings/{id}", [&services](const RequestContext& c) { return get(c, services); });
  router.add("PATCH", "/v1/meetings/{id}", [&services](const RequestContext& c) { return patch(c, services); });
  router.add("DELETE", "/v1/meetings/{id}", [&services](const RequestContext& c) { return remove(c, services); });
  router.add("GET", "/v1/meetings/{id}/agenda",
             [&services](const RequestContext& c) { return list_agenda(c, services); });
  router.add(
      "POST", "/v1/meetings/{id}/agenda",
      [&services](const RequestContext& c) { return create_agenda_item(c, services); },
      Replay{"agenda_item",
             [&services](const RequestContext& c, long long id) { return agenda_item_again(c, services, id); }});
  router.add("GET", "/v1/meetings/{id}/agenda/{item_id}",
             [&services](const RequestContext& c) { return get_agenda_item(c, services); });
  router.add("PATCH", "/v1/meetings/{id}/agenda/{item_id}",
             [&services](const RequestContext& c) { return patch_agenda_item(c, services); });
  router.add("DELETE", "/v1/meetings/{id}/agenda/{item_id}",
             [&services](const RequestContext& c) { return remove_agenda_item(c, services); });
}

}  // namespace zusammen::api
