#include "api/json/initiative_json.h"

#include "api/json/json_util.h"
#include "api/json/json_writer.h"
#include "api/request_parsing.h"

namespace zusammen::api {

namespace {

void write_texts(JsonWriter& out, const std::vector<std::string>& texts) {
  out.begin_array();
  for (const auto& text : texts) out.string(text);
  out.end_array();
}

// location: the place's own fields and, as the API reads it (not in a writable form, where they
// would be written twice), the initiative's city and state.
void write_location(JsonWriter& out, const service::InitiativeInput& i, bool with_city) {
  const service::Place& l = i.page->location;
  out.begin_object();
  if (with_city) out.field("city", i.city);
  out.field("lat", l.lat).field("lon", l.lon).field("postcode", l.postcode);
  if (with_city) out.field("state", i.state);
  out.field("street", l.street);
  out.end_object();
}

}  // namespace

void write_initiative(JsonWriter& out, const service::InitiativeInput& i, const service::Initiative* stored,
                      std::optional<std::string_view> company) {
  const service::PageDetails& page = i.page.get();
  out.begin_object();
  out.field("category", i.category).field("city", i.city);
  if (company) out.key("company").raw(*company);
  out.field("company_id", i.company_id);
  out.key("contact");
  if (page.contact) {
    out.begin_object()
        .field("email", page.contact->email)
        .field("name", page.contact->name)
        .field("phone", page.contact->phone)
        .end_object();
  } else {
    out.null();
  }
  if (stored) out.field("created_at", stored->created_at);
  out.field("description", i.description).field("end_date", i.end_date);
  if (stored) out.field("id", stored->id);
  out.key("image");
  if (page.image) {
    out.begin_object().field("alt", page.image->alt).field("url", page.image->url).end_object();
  } else {
    out.null();
  }
  out.key("languages_offered");
  write_texts(out, page.languages_offered);
  out.key("location");
  write_location(out, i, stored != nullptr);
  out.field("participants", i.participants)
      .field("published", i.published)
      .field("signup_url", page.signup_url)
      .field("slug", i.slug)
      .field("start_date", i.start_date)
      .field("state", i.state)
      .field("summary", i.summary)
      .field("target_group", i.target_group);
  out.key("target_groups");
  write_texts(out, page.target_groups);
  out.field("title", i.title);
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
  reader.text("slug", i.slug);
  service::PageDetails& page = i.page.edit();
  service::Image image;
  if (reader.object("image", [&](BodyReader& in) {
        in.text("url", image.url);
        in.text("alt", image.alt);
      }) == BodyReader::Member::object) {
    page.image = std::move(image);
  }
  service::PublicContact contact;
  if (reader.object("contact", [&](BodyReader& in) {
        in.text("name", contact.name);
        in.text("email", contact.email);
        in.text("phone", contact.phone);
      }) == BodyReader::Member::object) {
    page.contact = std::move(contact);
  }
  reader.object("location",
                [&](BodyReader& in) {
                  in.text("street", page.location.street);
                  in.text("postcode", page.location.postcode);
                  in.number("lat", page.location.lat);
                  in.number("lon", page.location.lon);
                },
                {"city", "state"});
  reader.texts("languages_offered", page.languages_offered);
  reader.texts("target_groups", page.target_groups);
  reader.text("signup_url", page.signup_url);
  i.page.shrink();
  if (auto error = reader.finish(partial ? std::vector<service::FieldError>{} : service::validate(i))) return *error;
  return i;
}

}  // namespace zusammen::api
