#include "api/json/initiative_json.h"

#include "api/json/json_util.h"
#include "api/json/json_writer.h"
#include "api/request_parsing.h"

namespace zusammen::api {

void write_initiative(JsonWriter& out, const service::InitiativeInput& i, const service::Initiative* stored,
                      std::optional<std::string_view> company) {
  out.begin_object();
  out.field("category", i.category).field("city", i.city);
  if (company) out.key("company").raw(*company);
  out.field("company_id", i.company_id);
  if (stored) out.field("created_at", stored->created_at);
  out.field("description", i.description).field("end_date", i.end_date);
  if (stored) out.field("id", stored->id);
  out.field("participants", i.participants)
      .field("published", i.published)
      .field("start_date", i.start_date)
      .field("state", i.state)
      .field("summary", i.summary)
      .field("target_group", i.target_group)
      .field("title", i.title);
  if (stored) out.field("updated_at", stored->updated_at);
  out.field("url", i.url);
  if (stored) out.field("version", stored->version);
  out.end_object();
}

nlohmann::json initiative_writable_json(const service::InitiativeInput& i) {
  return written([&](JsonWriter& out) { write_initiative(out, i, nullptr); });
}

nlohmann::json initiative_to_json(const service::Initiative& i) {
  return written([&](JsonWriter& out) { write_initiative(out, i, &i); });
}

service::Result<service::InitiativeInput> initiative_from_json(const nlohmann::json& object, bool partial) {
  service::InitiativeInput i;
  BodyReader reader(object, partial, {"id", "created_at", "updated_at", "version", "company"});
  reader.integer("company_id", i.company_id);
  reader.text("title", i.title);
  reader.text("summary", i.summary);
  reader.text("description", i.description);
  reader.text("category", i.category);
  reader.text("target_group", i.target_group);
  reader.text("city", i.city);
  reader.text("state", i.state);
  reader.text("start_date", i.start_date);
  reader.text("end_date", i.end_date);
  reader.integer("participants", i.participants, false);
  reader.text("url", i.url);
  reader.boolean("published", i.published);
  if (auto error = reader.finish(partial ? std::vector<service::FieldError>{} : service::validate(i))) return *error;
  return i;
}

}  // namespace zusammen::api
