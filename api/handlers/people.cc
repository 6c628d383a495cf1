// /v1/people?email=: the personal-data rights of one person (admin only): GET exports what the service
// holds about the address, DELETE erases it. The address is compared case-insensitively; an unknown
// one is answered like a known one that holds nothing (200 with empty collections, 204), so the
// endpoint does not tell whether someone ever registered. Never log the address.
#include "service/people.h"

#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/json/json_util.h"
#include "api/json/registration_json.h"

namespace zusammen::api {
namespace {

// ?email=<address>, the only parameter: 400 when missing, unknown parameters or not an address.
service::Result<std::string> person_email(const RequestContext& context) {
  QueryReader query(context.request, {"email"});
  auto email = query.text("email", 254);
  if (auto error = query.error()) return *error;
  if (!email) {
    return service::Error::invalid("The email query parameter is required.", {{"email", "is required"}});
  }
  if (auto errors = service::validate_person_email(*email); !errors.empty()) {
    return service::Error::invalid("The email query parameter is not an email address.", std::move(errors));
  }
  return *email;
}

nlohmann::json person_to_json(const service::PersonData& data) {
  nlohmann::json registrations = nlohmann::json::array();
  for (const auto& g : data.registrations) registrations.push_back(registration_to_json(g));
  nlohmann::json meetings = nlohmann::json::array();
  for (const auto& m : data.meetings)
    meetings.push_back({{"id", m.id}, {"title", m.title}, {"starts_at", m.starts_at}});
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : data.idempotency_records) {
    records.push_back(
        {{"method", r.method}, {"path", r.path}, {"status", nullable(r.status)}, {"created_at", r.created_at}});
  }
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : data.changes) changes.push_back({{"type", c.type}, {"id", c.id}, {"op", c.op}, {"at", c.at}});
  return {{"email", data.email},
          {"registrations", std::move(registrations)},
          {"meetings", std::move(meetings)},
          {"idempotency_records", std::move(records)},
          {"changes", std::move(changes)}};
}

HttpResponse export_person(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "admin")) return *denied;
  auto email = take(person_email(context));
  auto data = take(service::PeopleService(services.pool).export_data(email));
  // Personal data: never kept by caches on the way.
  return json_response(200, person_to_json(data)).with_header("Cache-Control", "no-store");
}

HttpResponse erase_person(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "admin")) return *denied;
  auto email = take(person_email(context));
  take(service::PeopleService(services.pool).erase(email));
  return no_content();
}

}  // namespace

void mount_people(Router& router, Services& services) {
  router.add("GET", "/v1/people", [&services](const RequestContext& c) { return export_person(c, services); });
  router.add("DELETE", "/v1/people", [&services](const RequestContext& c) { return erase_person(c, services); });
}

}  // namespace zusammen::api
