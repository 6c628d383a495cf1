// JsonWriter and the representations written with it (initiatives, companies, testimonials,
// list pages) against nlohmann: each is built here a second time as an nlohmann object from the
// same values, field by field as openapi.yaml names them, and both must serialise to the same
// bytes, with texts full of what escaping gets wrong and with every optional field absent.
#include "api/json/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "api/json/company_json.h"
#include "api/json/initiative_json.h"
#include "api/json/json_util.h"
#include "api/json/testimonial_json.h"

namespace zusammen::api {
namespace {

nlohmann::json or_null(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
nlohmann::json or_null(const std::optional<long long>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

const std::vector<std::string> kTexts = {"",
                                         "Deutsche Bahn AG",
                                         "„Gelungene Integration geht nur zusammen!“ – Martin Seiler",
                                         "Straße, Größe, Übung",
                                         "quote \" and backslash \\ and slash /",
                                         "tab\tnew line\ncarriage\r\x01\x1f end",
                                         "eight bytes then \" a quote",
                                         "جسر — Мост — 😀",
                                         std::string(200, 'x') + "\"",
                                         "a\xff broken"};  // last: the only invalid UTF-8

// Only valid UTF-8 texts while set: what parses back into nlohmann unchanged.
bool valid_only = false;

std::string text(std::mt19937& random) { return kTexts[random() % (kTexts.size() - (valid_only ? 1 : 0))]; }
std::optional<std::string> maybe_text(std::mt19937& random) {
  if (random() % 3 == 0) return std::nullopt;
  return text(random);
}

// nlohmann's serialisation of the same document, as the service wrote it before JsonWriter.
std::string reference(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typename Write>
std::string written_text(Write write) {
  std::string out;
  JsonWriter writer(out);
  write(writer);
  return out;
}

service::Initiative random_initiative(std::mt19937& random) {
  service::Initiative i;
  i.company_id = static_cast<long long>(random() % 1000) + 1;
  i.title = text(random);
  i.summary = maybe_text(random);
  i.description = maybe_text(random);
  i.category = text(random);
  i.target_group = maybe_text(random);
  i.city = maybe_text(random);
  i.state = maybe_text(random);
  i.start_date = maybe_text(random);
  i.end_date = maybe_text(random);
  i.participants = static_cast<int>(random() % 500);
  i.url = maybe_text(random);
  i.published = random() % 2 == 0;
  i.slug = maybe_text(random);
  if (random() % 2 == 0) {  // page details, each part present or not
    service::PageDetails& p = i.page.edit();
    if (random() % 2 == 0) p.image = service::Image{text(random), text(random)};
    if (random() % 2 == 0)
      p.contact = service::PublicContact{maybe_text(random), maybe_text(random), maybe_text(random)};
    p.location.street = maybe_text(random);
    p.location.postcode = maybe_text(random);
    if (random() % 2 == 0) {
      p.location.lat = static_cast<double>(random() % 180000000) / 1e6 - 90;
      p.location.lon = static_cast<double>(random() % 360000000) / 1e6 - 180;
    }
    for (auto n = random() % 3; n > 0; --n) p.languages_offered.push_back(text(random));
    for (auto n = random() % 3; n > 0; --n) p.target_groups.push_back(text(random));
    p.signup_url = maybe_text(random);
  }
  i.id = static_cast<long long>(random());
  i.created_at = "2026-12-07T10:00:00Z";
  i.updated_at = "2026-12-07T11:00:00.123456Z";
  i.version = static_cast<int>(random() % 9) + 1;
  return i;
}

nlohmann::json initiative_object(const service::Initiative& i, bool stored) {
  nlohmann::json o = {{"company_id", i.company_id},
                      {"title", i.title},
                      {"summary", or_null(i.summary)},
                      {"description", or_null(i.description)},
                      {"category", i.category},
                      {"target_group", or_null(i.target_group)},
                      {"city", or_null(i.city)},
                      {"state", or_null(i.state)},
                      {"start_date", or_null(i.start_date)},
                      {"end_date", or_null(i.end_date)},
                      {"participants", i.participants},
                      {"url", or_null(i.url)},
                      {"published", i.published}};
  const service::PageDetails& p = i.page.get();
  o["slug"] = or_null(i.slug);
  o["image"] = p.image ? nlohmann::json{{"url", p.image->url}, {"alt", p.image->alt}} : nlohmann::json(nullptr);
  o["contact"] = p.contact ? nlohmann::json{{"name", or_null(p.contact->name)},
                                            {"email", or_null(p.contact->email)},
                                            {"phone", or_null(p.contact->phone)}}
                           : nlohmann::json(nullptr);
  auto number_or_null = [](const std::optional<double>& d) { return d ? nlohmann::json(*d) : nlohmann::json(nullptr); };
  o["location"] = {{"street", or_null(p.location.street)},
                   {"postcode", or_null(p.location.postcode)},
                   {"lat", number_or_null(p.location.lat)},
                   {"lon", number_or_null(p.location.lon)}};
  if (stored) {  // the initiative's city and state, read-only in the place
    o["location"]["city"] = or_null(i.city);
    o["location"]["state"] = or_null(i.state);
  }
  o["languages_offered"] = p.languages_offered;
  o["target_groups"] = p.target_groups;
  o["signup_url"] = or_null(p.signup_url);
  if (stored) {
    o["id"] = i.id;
    o["created_at"] = i.created_at;
    o["updated_at"] = i.updated_at;
    o["version"] = i.version;
  }
  return o;
}

service::Company random_company(std::mt19937& random) {
  service::Company c;
  c.slug = text(random);
  c.name = text(random);
  c.sector = maybe_text(random);
  c.website = maybe_text(random);
  c.logo_url = maybe_text(random);
  c.city = maybe_text(random);
  c.state = maybe_text(random);
  c.description = maybe_text(random);
  c.member_since = maybe_text(random);
  c.status = random() % 2 == 0 ? "active" : "former";
  c.contact_email = maybe_text(random);
  c.id = static_cast<long long>(random());
  c.created_at = "2026-12-07T10:00:00Z";
  c.updated_at = "2026-12-07T12:00:00Z";
  c.version = static_cast<int>(random() % 9) + 1;
  return c;
}

nlohmann::json company_object(const service::Company& c, bool stored, bool internal) {
  nlohmann::json o = {{"slug", c.slug},
                      {"name", c.name},
                      {"sector", or_null(c.sector)},
                      {"website", or_null(c.website)},
                      {"logo_url", or_null(c.logo_url)},
                      {"city", or_null(c.city)},
                      {"state", or_null(c.state)},
                      {"description", or_null(c.description)},
                      {"member_since", or_null(c.member_since)},
                      {"status", c.status}};
  if (internal) o["contact_email"] = or_null(c.contact_email);
  if (stored) {
    o["id"] = c.id;
    o["created_at"] = c.created_at;
    o["updated_at"] = c.updated_at;
    o["version"] = c.version;
  }
  return o;
}

service::Testimonial random_testimonial(std::mt19937& random) {
  service::Testimonial t;
  t.quote = text(random);
  t.author_name = text(random);
  t.author_role = maybe_text(random);
  t.author_organization = maybe_text(random);
  if (random() % 2 == 0) t.company_id = static_cast<long long>(random() % 50);
  if (random() % 2 == 0) t.meeting_id = static_cast<long long>(random() % 50);
  if (random() % 2 == 0) t.initiative_id = static_cast<long long>(random() % 50);
  t.language = random() % 2 == 0 ? "de" : "en";
  t.published = random() % 2 == 0;
  t.id = static_cast<long long>(random());
  t.created_at = "2026-12-07T10:00:00Z";
  t.updated_at = "2026-12-07T10:30:00Z";
  t.version = static_cast<int>(random() % 9) + 1;
  return t;
}

nlohmann::json testimonial_object(const service::Testimonial& t, bool stored) {
  nlohmann::json o = {{"quote", t.quote},
                      {"author_name", t.author_name},
                      {"author_role", or_null(t.author_role)},
                      {"author_organization", or_null(t.author_organization)},
                      {"company_id", or_null(t.company_id)},
                      {"meeting_id", or_null(t.meeting_id)},
                      {"initiative_id", or_null(t.initiative_id)},
                      {"language", t.language},
                      {"published", t.published}};
  if (stored) {
    o["id"] = t.id;
    o["created_at"] = t.created_at;
    o["updated_at"] = t.updated_at;
    o["version"] = t.version;
  }
  return o;
}

TEST(JsonWriter, InitiativesAreWrittenAsNlohmannWritesThem) {
  std::mt19937 random(7);
  for (int n = 0; n < 2000; ++n) {
    auto i = random_initiative(random);
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_initiative(w, i, &i); }), reference(initiative_object(i, true)));
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_initiative(w, i, nullptr); }),
              reference(initiative_object(i, false)));
    // include=company: the company goes in at its place among the keys.
    auto c = random_company(random);
    auto with_company = initiative_object(i, true);
    with_company["company"] = company_object(c, true, false);
    std::string company_text = written_text([&](JsonWriter& w) { write_company(w, c, &c, false); });
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_initiative(w, i, &i, company_text); }), reference(with_company));
    with_company["company"] = nullptr;
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_initiative(w, i, &i, "null"); }), reference(with_company));
  }
}

TEST(JsonWriter, CompaniesAreWrittenAsNlohmannWritesThemForEitherAudience) {
  std::mt19937 random(11);
  for (int n = 0; n < 2000; ++n) {
    auto c = random_company(random);
    for (bool internal : {false, true}) {
      ASSERT_EQ(written_text([&](JsonWriter& w) { write_company(w, c, &c, internal); }),
                reference(company_object(c, true, internal)));
    }
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_company(w, c, nullptr, true); }),
              reference(company_object(c, false, true)));
  }
}

TEST(JsonWriter, TestimonialsAreWrittenAsNlohmannWritesThem) {
  std::mt19937 random(13);
  for (int n = 0; n < 2000; ++n) {
    auto t = random_testimonial(random);
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_testimonial(w, t, &t); }),
              reference(testimonial_object(t, true)));
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_testimonial(w, t, nullptr); }),
              reference(testimonial_object(t, false)));
    auto with_company = testimonial_object(t, true);
    with_company["company"] = nullptr;
    ASSERT_EQ(written_text([&](JsonWriter& w) { write_testimonial(w, t, &t, "null"); }), reference(with_company));
  }
}

TEST(JsonWriter, TheNlohmannFormsAreTheWrittenOnes) {
  std::mt19937 random(17);
  valid_only = true;
  for (int n = 0; n < 200; ++n) {
    auto i = random_initiative(random);
    ASSERT_EQ(initiative_to_json(i), initiative_object(i, true));
    ASSERT_EQ(initiative_writable_json(i), initiative_object(i, false));
    auto c = random_company(random);
    ASSERT_EQ(company_to_json(c, false), company_object(c, true, false));
    ASSERT_EQ(company_to_json(c, true), company_object(c, true, true));
    ASSERT_EQ(company_writable_json(c), company_object(c, false, true));
    auto t = random_testimonial(random);
    ASSERT_EQ(testimonial_to_json(t), testimonial_object(t, true));
    ASSERT_EQ(testimonial_writable_json(t), testimonial_object(t, false));
  }
  valid_only = false;
}

TEST(JsonWriter, CommasSeparateElementsAtEveryDepthAndNeverFollowAKey) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  w.begin_object().field("a", 1).key("b").begin_array().number(1).null().begin_array().end_array().end_array();
  w.key("c").begin_object().end_object().end_object();
  w.string("x").boolean(false).raw("{\"r\":1}").value("literal");
  w.end_array();
  EXPECT_EQ(out, R"([{"a":1,"b":[1,null,[]],"c":{}},"x",false,{"r":1},"literal"])");
  EXPECT_EQ(nlohmann::json::parse(out).size(), 5U);
}

TEST(JsonWriter, EscapesFoundAtEveryOffsetOfAnEightByteStep) {
  // A character to escape at each place of the first, second and a partial third step.
  for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string value(20, 'a');
      value[at] = special;
      value += "ü";
      std::string out;
      JsonWriter(out).string(value);
      ASSERT_EQ(out, reference(nlohmann::json(value))) << "at " << at;
    }
  }
  // Bytes just outside the escaped set are copied as they are.
  std::string edge = " !#[]^~\x7f";
  std::string out;
  JsonWriter(out).string(edge);
  EXPECT_EQ(out, "\"" + edge + "\"");
}

}  // namespace
}  // namespace zusammen::api
