// /v1/meetings.ics and /v1/meetings/{id}.ics: published meetings as iCalendar (RFC 5545) for
// partner websites' calendars. A public feed: every caller, with a key or without, gets the
// published meetings only.
#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/ical.h"
#include "service/validation.h"

namespace zusammen::api {
namespace {

constexpr std::string_view kFeedName = "Wir zusammen – Treffen";

HttpResponse calendar_response(const RequestContext& context, std::string body) {
  HttpResponse response;
  response.status = 200;
  response.content_type = std::string(ical::kContentType);
  response.body = std::move(body);
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

HttpResponse feed(const RequestContext& context, Services& services) {
  QueryReader query(context.request, {"from", "kind"});
  service::MeetingFilter filter;
  filter.kind = query.one_of("kind", service::kMeetingKinds);
  std::vector<service::FieldError> errors;
  // from: meetings that end after this instant, or after the start of this UTC day.
  if (auto from = context.request.param("from")) {
    if (service::is_valid_date(*from)) {
      filter.from = *from + " 00:00:00";
    } else if (auto instant = service::timestamp_to_sql(*from)) {
      filter.from = *instant;
    } else {
      errors.push_back({"from", "must be an RFC 3339 date-time such as 2018-11-13T09:00:00Z or a date (YYYY-MM-DD)"});
    }
  }
  if (auto error = query.error(); error || !errors.empty()) {
    if (error) errors.insert(errors.begin(), error->errors.begin(), error->errors.end());
    return problem(service::Error::invalid("The request has invalid query parameters.", std::move(errors)));
  }
  auto meetings = take(services.meetings.list_with_agendas(filter, service::Audience::public_only));
  return calendar_response(context, ical::render_calendar(kFeedName, meetings));
}

HttpResponse one(const RequestContext& context, Services& services) {
  auto id = take(path_id(context));
  QueryReader query(context.request, {});
  if (auto error = query.error()) return problem(*error);
  auto found = take(services.meetings.get_with_agenda(id, service::Audience::public_only));
  std::string name = found.meeting.title;
  std::vector<service::MeetingWithAgenda> meetings;
  meetings.push_back(std::move(found));
  return calendar_response(context, ical::render_calendar(name, meetings));
}

}  // namespace

void mount_calendar(Router& router, Services& services) {
  router.add("GET", "/v1/meetings.ics", [&services](const RequestContext& c) { return feed(c, services); });
  router.add("GET", "/v1/meetings/{id}.ics", [&services](const RequestContext& c) { return one(c, services); });
}

}  // namespace zusammen::api
