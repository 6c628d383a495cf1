#include "api/json/testimonial_json.h"

#include "api/json/json_util.h"
#include "api/json/json_writer.h"
#include "api/request_parsing.h"

namespace zusammen::api {
namespace {

constexpr const char* kLinks[] = {"company_id", "meeting_id", "initiative_id"};

}  // namespace

void write_testimonial(JsonWriter& out, const service::TestimonialInput& t, const service::Testimonial* stored,
                       std::optional<std::string_view> company) {
  out.begin_object();
  out.field("author_name", t.author_name)
      .field("author_organization", t.author_organization)
      .field("author_role", t.author_role);
  if (company) out.key("company").raw(*company);
  out.field("company_id", t.company_id);
  if (stored) out.field("created_at", stored->created_at).field("id", stored->id);
  out.field("initiative_id", t.initiative_id)
      .field("language", t.language)
      .field("meeting_id", t.meeting_id)
      .field("published", t.published)
      .field("quote", t.quote);
  if (stored) out.field("updated_at", stored->updated_at).field("version", stored->version);
  out.end_object();
}

nlohmann::json testimonial_writable_json(const service::TestimonialInput& t) {
  return written([&](JsonWriter& out) { write_testimonial(out, t, nullptr); });
}

nlohmann::json testimonial_to_json(const service::Testimonial& t) {
  return written([&](JsonWriter& out) { write_testimonial(out, t, &t); });
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
