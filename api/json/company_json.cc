#include "api/json/company_json.h"

#include "api/json/json_util.h"
#include "api/json/json_writer.h"
#include "api/request_parsing.h"

namespace zusammen::api {

void write_company(JsonWriter& out, const service::CompanyInput& c, const service::Company* stored, bool internal) {
  out.begin_object();
  out.field("city", c.city);
  if (internal) out.field("contact_email", c.contact_email);
  if (stored) out.field("created_at", stored->created_at);
  out.field("description", c.description);
  if (stored) out.field("id", stored->id);
  out.field("logo_url", c.logo_url)
      .field("member_since", c.member_since)
      .field("name", c.name)
      .field("sector", c.sector)
      .field("slug", c.slug)
      .field("state", c.state)
      .field("status", c.status);
  if (stored) out.field("updated_at", stored->updated_at).field("version", stored->version);
  out.field("website", c.website);
  out.end_object();
}

nlohmann::json company_writable_json(const service::CompanyInput& c) {
  return written([&](JsonWriter& out) { write_company(out, c, nullptr, true); });
}

nlohmann::json company_to_json(const service::Company& c, bool internal) {
  return written([&](JsonWriter& out) { write_company(out, c, &c, internal); });
}

service::Result<service::CompanyInput> company_from_json(const nlohmann::json& object, bool partial) {
  service::CompanyInput c;
  BodyReader reader(object, partial, {"id", "created_at", "updated_at", "version"});
  reader.text("slug", c.slug);
  reader.text("name", c.name);
  reader.text("sector", c.sector);
  reader.text("website", c.website);
  reader.text("logo_url", c.logo_url);
  reader.text("city", c.city);
  reader.text("state", c.state);
  reader.text("description", c.description);
  reader.text("member_since", c.member_since);
  reader.text("status", c.status, false);
  reader.text("contact_email", c.contact_email);
  if (auto error = reader.finish(partial ? std::vector<service::FieldError>{} : service::validate(c))) return *error;
  return c;
}

}  // namespace zusammen::api
