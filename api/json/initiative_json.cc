#include "api/json/initiative_json.h"

#include "api/json/json_util.h"
#include "api/request_parsing.h"

namespace zusammen::api {

nlohmann::json initiative_writable_json(const service::InitiativeInput& i) {
  return {{"company_id", i.company_id},
          {"title", i.title},
          {"summary", nullable(i.summary)},
          {"description", nullable(i.description)},
          {"category", i.category},
          {"target_group", nullable(i.target_group)},
          {"city", nullable(i.city)},
          {"state", nullable(i.state)},
          {"start_date", nullable(i.start_date)},
          {"end_date", nullable(i.end_date)},
          {"participants", i.participants},
          {"url", nullable(i.url)},
          {"published", i.published}};
}

nlohmann::json initiative_to_json(const service::Initiative& i) {
  nlohmann::json out = initiative_writable_json(i);
  out["id"] = i.id;
  out["created_at"] = i.created_at;
  out["updated_at"] = i.updated_at;
  out["version"] = i.version;
  return out;
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
