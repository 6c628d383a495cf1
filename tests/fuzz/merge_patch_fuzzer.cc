// A PATCH body through the JSON Merge Patch loop of api/handlers/crud.h (parse, read the patch,
// merge into the writable representation, read and validate the result, render), with the
// resource held in memory instead of the database: a company, and a meeting (its venue merges
// member by member).
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/handlers/crud.h"
#include "api/json/company_json.h"
#include "api/json/meeting_json.h"

namespace {

using namespace zusammen;

service::Company stored_company() {
  service::Company company;
  company.id = 7;
  company.slug = "beispiel-ag";
  company.name = "Beispiel AG";
  company.city = "München";
  company.state = "BY";
  company.version = 3;
  return company;
}

service::Meeting stored_meeting() {
  service::Meeting meeting;
  meeting.id = 9;
  meeting.title = "Netzwerktreffen";
  meeting.kind = "network";
  meeting.starts_at = "2024-03-01T09:00:00Z";
  meeting.ends_at = "2024-03-01T17:00:00Z";
  meeting.venue = service::Venue{"Rathaus", "Marienplatz 8", "80331", "München"};
  meeting.version = 2;
  return meeting;
}

// Writes succeed in memory: the entity takes the input and the next version.
template <typename Entity, typename Input>
api::MergePatchSteps<Entity, Input> in_memory(Entity stored, nlohmann::json (*writable)(const Input&),
                                              service::Result<Input> (*read)(const nlohmann::json&, bool),
                                              nlohmann::json (*render)(const Entity&)) {
  return {[stored] { return service::Result<Entity>(stored); }, [writable](const Entity& e) { return writable(e); },
          read,
          [stored](int version, const Input& input) {
            Entity updated = stored;
            static_cast<Input&>(updated) = input;
            updated.version = version + 1;
            return service::Result<Entity>(updated);
          },
          render};
}

nlohmann::json render_company(const service::Company& c) { return api::company_to_json(c, true); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  api::HttpRequest request;
  request.method = "PATCH";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  request.headers["content-type"] = "application/merge-patch+json";
  api::RequestContext context{request, {}, {}};
  auto company = api::merge_patch(
      context, in_memory<service::Company, service::CompanyInput>(stored_company(), api::company_writable_json,
                                                                  api::company_from_json, render_company));
  auto meeting = api::merge_patch(
      context, in_memory<service::Meeting, service::MeetingInput>(stored_meeting(), api::meeting_writable_json,
                                                                  api::meeting_from_json, api::meeting_to_json));
  // Every answer is a JSON document.
  for (const auto* response : {&company, &meeting}) {
    if (nlohmann::json::parse(response->body, nullptr, false).is_discarded()) __builtin_trap();
    if (response->status >= 500) __builtin_trap();
  }
  return 0;
}
