#include "api/json/company_json.h"

#include "api/json/json_util.h"
#include "api/request_parsing.h"

namespace zusammen::api {

nlohmann::json company_writable_json(const service::CompanyInput& c) {
  return {{"slug", c.slug},
          {"name", c.name},
          {"sector", nullable(c.sector)},
          {"website", nullable(c.website)},
          {"logo_url", nullable(c.logo_url)},
          {"city", nullable(c.city)},
          {"state", nullable(c.state)},
          {"description", nullable(c.description)},
          {"member_since", nullable(c.member_since)},
          {"status", c.status},
          {"contact_email", nullable(c.contact_email)}};
}

nlohmann::json company_to_json(const service::Company& c, bool internal) {
  nlohmann::json out = company_writable_json(c);
  if (!internal) out.erase("contact_email");
  out["id"] = c.id;
  out["created_at"] = c.created_at;
  out["updated_at"] = c.updated_at;
  out["version"] = c.version;
  return out;
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
