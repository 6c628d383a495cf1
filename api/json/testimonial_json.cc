#include "api/json/testimonial_json.h"

#include "api/json/json_util.h"
#include "api/request_parsing.h"

namespace zusammen::api {
namespace {

constexpr const char* kLinks[] = {"company_id", "meeting_id", "initiative_id"};

}  // namespace

nlohmann::json testimonial_writable_json(const service::TestimonialInput& t) {
  return {{"quote", t.quote},
          {"author_name", t.author_name},
          {"author_role", nullable(t.author_role)},
          {"author_organization", nullable(t.author_organization)},
          {"company_id", nullable(t.company_id)},
          {"meeting_id", nullable(t.meeting_id)},
          {"initiative_id", nullable(t.initiative_id)},
          {"language", t.language},
          {"published", t.published}};
}

nlohmann::json testimonial_to_json(const service::Testimonial& t) {
  nlohmann::json out = testimonial_writable_json(t);
  out["id"] = t.id;
  out["created_at"] = t.created_at;
  out["updated_at"] = t.updated_at;
  out["version"] = t.version;
  return out;
}

service::Result<service::TestimonialInput> testimonial_from_json(const nlohmann::json& object, bool partial) {
  service::TestimonialInput t;
  // The links are nullable integers, which BodyReader does not read: null (a clear) is taken here, and
  // anything else goes through the reader, strictly typed.
  nlohmann::json readable = object;
  for (const char* name : kLinks) {
    auto it = readable.find(name);
    if (it != readable.end() && it->is_null()) readable.erase(it);
  }
  BodyReader reader(readable, partial, {"id", "created_at", "updated_at", "version", "company"});
  reader.text("quote", t.quote);
  reader.text("author_name", t.author_name);
  reader.text("author_role", t.author_role);
  reader.text("author_organization", t.author_organization);
  auto link = [&](const char* name, std::optional<long long>& out) {
    if (!readable.contains(name)) return;
    long long value = 0;
    reader.integer(name, value, false);
    if (readable.at(name).is_number_integer()) out = value;
  };
  link("company_id", t.company_id);
  link("meeting_id", t.meeting_id);
  link("initiative_id", t.initiative_id);
  reader.text("language", t.language, false);
  reader.boolean("published", t.published);
  if (auto error = reader.finish(partial ? std::vector<service::FieldError>{} : service::validate(t))) return *error;
  return t;
}

}  // namespace zusammen::api
