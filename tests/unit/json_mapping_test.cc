// Companies and initiatives on the wire: exactly the fields openapi.yaml
// documents, strict reading, and JSON Merge Patch (RFC 7396) on the writable
// representation, as the PATCH handlers apply it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api/json/company_json.h"
#include "api/json/initiative_json.h"

namespace zusammen::api {
namespace {

using service::ErrorCode;
using service::FieldError;

std::set<std::string> keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

service::CompanyInput deutsche_bahn_input() {
  service::CompanyInput c;
  c.slug = "deutsche-bahn";
  c.name = "Deutsche Bahn AG";
  c.sector = "Mobilität und Logistik";
  c.website = "https://www.deutschebahn.com";
  c.logo_url = "https://www.deutschebahn.com/logo.svg";
  c.city = "Berlin";
  c.state = "DE-BE";
  c.description = "„Gelungene Integration geht nur zusammen!“ – Martin Seiler";
  c.member_since = "2016-02-19";
  c.status = "active";
  c.contact_email = "wir-zusammen@deutschebahn.com";
  return c;
}

service::Company deutsche_bahn() {
  service::Company c;
  static_cast<service::CompanyInput&>(c) = deutsche_bahn_input();
  c.id = 1;
  c.created_at = "2018-11-13T09:00:00Z";
  c.updated_at = "2018-11-15T10:30:00Z";
  c.version = 3;
  return c;
}

service::InitiativeInput chance_plus_input() {
  service::InitiativeInput i;
  i.company_id = 1;
  i.title = "Chance plus";
  i.summary = "Einstiegsqualifizierung für junge Geflüchtete";
  i.description = "Sprachunterricht, Praxiseinsätze und Paten.";
  i.category = "qualification";
  i.target_group = "Junge Geflüchtete";
  i.city = "Berlin";
  i.state = "DE-BE";
  i.start_date = "2016-09-01";
  i.end_date = "2019-08-31";
  i.participants = 120;
  i.url = "https://www.deutschebahn.com/chance-plus";
  i.published = true;
  i.slug = "db-chance-plus";
  service::PageDetails& page = i.page.edit();
  page.image =
      service::Image{"https://www.deutschebahn.com/bilder/chance-plus.jpg", "Auszubildende in einer Werkstatt"};
  page.contact = service::PublicContact{"Team Chance plus", std::nullopt, "+49 30 1234567"};
  page.location = {"Potsdamer Platz 2", "10785", 52.5096, 13.3759};
  page.languages_offered = {"de", "ar", "fa"};
  page.target_groups = {"young_refugees"};
  page.signup_url = "https://www.deutschebahn.com/chance-plus/anmelden";
  return i;
}

service::Initiative chance_plus() {
  service::Initiative i;
  static_cast<service::InitiativeInput&>(i) = chance_plus_input();
  i.id = 7;
  i.created_at = "2018-11-13T09:00:00Z";
  i.updated_at = "2018-11-13T09:30:00Z";
  i.version = 2;
  return i;
}

const std::set<std::string> kCompanyPublicFields = {
    "id",    "slug",        "name",         "sector", "website",    "logo_url",   "city",
    "state", "description", "member_since", "status", "created_at", "updated_at", "version"};

const std::set<std::string> kInitiativeFields = {
    "id",           "company_id", "title",      "summary",           "description",   "category",
    "target_group", "city",       "state",      "start_date",        "end_date",      "participants",
    "url",          "published",  "created_at", "updated_at",        "version",       "slug",
    "image",        "contact",    "location",   "languages_offered", "target_groups", "signup_url"};

// ---------------------------------------------------------------- companies

TEST(CompanyJson, AnonymousCallersSeeEverythingButContactEmail) {
  auto json = company_to_json(deutsche_bahn(), false);
  EXPECT_EQ(keys(json), kCompanyPublicFields);
  EXPECT_FALSE(json.contains("contact_email"));
  EXPECT_EQ(json.dump().find("wir-zusammen@"), std::string::npos);
}

TEST(CompanyJson, InternalCallersSeeContactEmail) {
  auto json = company_to_json(deutsche_bahn(), true);
  auto expected = kCompanyPublicFields;
  expected.insert("contact_email");
  EXPECT_EQ(keys(json), expected);
  EXPECT_EQ(json["contact_email"], "wir-zusammen@deutschebahn.com");
}

TEST(CompanyJson, ValuesAndTypes) {
  auto json = company_to_json(deutsche_bahn(), true);
  EXPECT_EQ(json["id"], 1);
  EXPECT_TRUE(json["id"].is_number_integer());
  EXPECT_EQ(json["version"], 3);
  EXPECT_TRUE(json["version"].is_number_integer());
  EXPECT_EQ(json["slug"], "deutsche-bahn");
  EXPECT_EQ(json["name"], "Deutsche Bahn AG");
  EXPECT_EQ(json["sector"], "Mobilität und Logistik");
  EXPECT_EQ(json["description"], "„Gelungene Integration geht nur zusammen!“ – Martin Seiler");
  EXPECT_EQ(json["member_since"], "2016-02-19");
  EXPECT_EQ(json["status"], "active");
  EXPECT_EQ(json["state"], "DE-BE");
  EXPECT_EQ(json["created_at"], "2018-11-13T09:00:00Z");
  EXPECT_EQ(json["updated_at"], "2018-11-15T10:30:00Z");
}

TEST(CompanyJson, AbsentOptionalFieldsAreNullNotMissing) {
  service::Company c;
  c.id = 2;
  c.slug = "basf";
  c.name = "BASF SE";
  c.created_at = c.updated_at = "2018-11-13T09:00:00Z";
  c.version = 1;
  auto anonymous = company_to_json(c, false);
  EXPECT_EQ(keys(anonymous), kCompanyPublicFields);
  for (const char* field : {"sector", "website", "logo_url", "city", "state", "description", "member_since"}) {
    EXPECT_TRUE(anonymous[field].is_null()) << field;
  }
  auto internal = company_to_json(c, true);
  ASSERT_TRUE(internal.contains("contact_email"));
  EXPECT_TRUE(internal["contact_email"].is_null());
}

TEST(CompanyJson, WritableFieldsAreTheDocumentedOnes) {
  auto json = company_writable_json(deutsche_bahn_input());
  EXPECT_EQ(keys(json), (std::set<std::string>{"slug", "name", "sector", "website", "logo_url", "city", "state",
                                               "description", "member_since", "status", "contact_email"}));
}

TEST(CompanyJson, RoundTripThroughTheWritableRepresentation) {
  auto input = deutsche_bahn_input();
  auto read = company_from_json(company_writable_json(input), false);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(*read, input);

  service::CompanyInput minimal;
  minimal.slug = "basf";
  minimal.name = "BASF SE";
  auto again = company_from_json(company_writable_json(minimal), false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, minimal);
}

TEST(CompanyJson, StatusDefaultsToActive) {
  auto read = company_from_json({{"slug", "basf"}, {"name", "BASF SE"}}, false);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, "active");
  EXPECT_FALSE(read->sector.has_value());
}

TEST(CompanyJson, TheFullRepresentationCannotBeWrittenBack) {
  auto read = company_from_json(company_to_json(deutsche_bahn(), true), false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(read.error().errors), (std::vector<std::string>{"/created_at", "/id", "/updated_at", "/version"}));
  for (const auto& e : read.error().errors) EXPECT_EQ(e.message, "is read-only");
}

TEST(CompanyJson, UnknownFieldsAndWrongTypesAre400) {
  auto unknown = company_from_json({{"slug", "basf"}, {"name", "BASF SE"}, {"email", "x@y.de"}}, false);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(unknown.error().errors), (std::vector<std::string>{"/email"}));

  auto types = company_from_json({{"slug", "basf"}, {"name", 5}, {"member_since", 2016}}, false);
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(types.error().errors), (std::vector<std::string>{"/name", "/member_since"}));
}

TEST(CompanyJson, EveryBrokenRuleIsNamedAtOnce) {
  auto read = company_from_json({{"slug", "Deutsche Bahn"},
                                 {"name", " "},
                                 {"website", "www.bahn.de"},
                                 {"state", "BE"},
                                 {"member_since", "2016-02-30"},
                                 {"status", "gone"},
                                 {"contact_email", "nobody"}},
                                false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields(read.error().errors), (std::vector<std::string>{"/slug", "/name", "/website", "/state",
                                                                   "/member_since", "/status", "/contact_email"}));
}

TEST(CompanyJson, MissingRequiredFieldsAre422) {
  auto read = company_from_json(nlohmann::json::object(), false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(read.error().errors, (std::vector<FieldError>{{"/slug", "is required"}, {"/name", "is required"}}));
}

TEST(CompanyJson, PartialReadSkipsTheDomainRules) {
  // A patch is checked for shape only; the rules run on the merged result.
  auto read = company_from_json({{"website", "not a url"}}, true);
  EXPECT_TRUE(read.ok());
  auto empty = company_from_json(nlohmann::json::object(), true);
  EXPECT_TRUE(empty.ok());
}

// The PATCH path of api/handlers/crud.h: check the patch, merge it into the writable
// representation, then read the result strictly.
service::Result<service::CompanyInput> patch_company(const service::Company& current, const nlohmann::json& patch) {
  if (auto check = company_from_json(patch, true); !check.ok()) return check.error();
  nlohmann::json merged = company_writable_json(current);
  merged.merge_patch(patch);
  return company_from_json(merged, false);
}

TEST(CompanyMergePatch, ChangesOnlyWhatThePatchNames) {
  auto patched = patch_company(deutsche_bahn(), {{"city", "Potsdam"}, {"state", "DE-BB"}});
  ASSERT_TRUE(patched.ok());
  auto expected = deutsche_bahn_input();
  expected.city = "Potsdam";
  expected.state = "DE-BB";
  EXPECT_EQ(*patched, expected);
}

TEST(CompanyMergePatch, NullClearsNullableFields) {
  auto patched = patch_company(deutsche_bahn(), {{"sector", nullptr},
                                                 {"website", nullptr},
                                                 {"logo_url", nullptr},
                                                 {"city", nullptr},
                                                 {"state", nullptr},
                                                 {"description", nullptr},
                                                 {"member_since", nullptr},
                                                 {"contact_email", nullptr}});
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(patched->slug, "deutsche-bahn");
  EXPECT_EQ(patched->name, "Deutsche Bahn AG");
  EXPECT_EQ(patched->status, "active");
  EXPECT_FALSE(patched->sector.has_value());
  EXPECT_FALSE(patched->website.has_value());
  EXPECT_FALSE(patched->logo_url.has_value());
  EXPECT_FALSE(patched->city.has_value());
  EXPECT_FALSE(patched->state.has_value());
  EXPECT_FALSE(patched->description.has_value());
  EXPECT_FALSE(patched->member_since.has_value());
  EXPECT_FALSE(patched->contact_email.has_value());
}

TEST(CompanyMergePatch, NullOnARequiredFieldIs422) {
  for (const char* field : {"slug", "name", "status"}) {
    service::Company former = deutsche_bahn();
    former.status = "former";
    auto patched = patch_company(former, {{field, nullptr}});
    ASSERT_FALSE(patched.ok()) << field;
    EXPECT_EQ(patched.error().code, ErrorCode::validation_failed) << field;
    EXPECT_EQ(patched.error().errors, (std::vector<FieldError>{{std::string("/") + field, "must not be null"}}));
  }
}

TEST(CompanyMergePatch, ReadOnlyAndUnknownFieldsAre400) {
  auto read_only = patch_company(deutsche_bahn(), {{"version", 4}});
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.error().code, ErrorCode::invalid_argument);
  auto unknown = patch_company(deutsche_bahn(), {{"nmae", "typo"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
}

TEST(CompanyMergePatch, MergedResultMustPassTheRules) {
  auto patched = patch_company(deutsche_bahn(), {{"website", "not a url"}});
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields(patched.error().errors), (std::vector<std::string>{"/website"}));
}

TEST(CompanyMergePatch, EmptyPatchChangesNothing) {
  auto patched = patch_company(deutsche_bahn(), nlohmann::json::object());
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(*patched, deutsche_bahn_input());
}

// ---------------------------------------------------------------- initiatives

TEST(InitiativeJson, FieldsAreExactlyTheDocumentedOnes) {
  auto json = initiative_to_json(chance_plus());
  EXPECT_EQ(keys(json), kInitiativeFields);
  EXPECT_FALSE(json.contains("company"));  // only with include=company, added by the handler
  EXPECT_EQ(json["id"], 7);
  EXPECT_EQ(json["company_id"], 1);
  EXPECT_TRUE(json["company_id"].is_number_integer());
  EXPECT_EQ(json["participants"], 120);
  EXPECT_TRUE(json["participants"].is_number_integer());
  EXPECT_EQ(json["published"], true);
  EXPECT_TRUE(json["published"].is_boolean());
  EXPECT_EQ(json["version"], 2);
  EXPECT_EQ(json["category"], "qualification");
  EXPECT_EQ(json["start_date"], "2016-09-01");
  EXPECT_EQ(json["created_at"], "2018-11-13T09:00:00Z");
}

TEST(InitiativeJson, AbsentOptionalFieldsAreNull) {
  service::Initiative i;
  i.id = 8;
  i.company_id = 1;
  i.title = "Sprachkurs";
  i.category = "language";
  i.version = 1;
  auto json = initiative_to_json(i);
  EXPECT_EQ(keys(json), kInitiativeFields);
  for (const char* field :
       {"summary", "description", "target_group", "city", "state", "start_date", "end_date", "url"}) {
    EXPECT_TRUE(json[field].is_null()) << field;
  }
  EXPECT_EQ(json["participants"], 0);
  EXPECT_EQ(json["published"], false);
  for (const char* field : {"slug", "image", "contact", "signup_url"}) EXPECT_TRUE(json[field].is_null()) << field;
  EXPECT_EQ(json["languages_offered"], nlohmann::json::array());
  EXPECT_EQ(json["target_groups"], nlohmann::json::array());
  // The place is always an object: its own fields null, the initiative's city and state in it.
  EXPECT_EQ(json["location"], (nlohmann::json{{"street", nullptr},
                                              {"postcode", nullptr},
                                              {"city", nullptr},
                                              {"state", nullptr},
                                              {"lat", nullptr},
                                              {"lon", nullptr}}));
}

TEST(InitiativeJson, ThePlaceCarriesTheInitiativesCityAndStateOnlyWhenRead) {
  auto read = initiative_to_json(chance_plus());
  EXPECT_EQ(read["location"]["city"], "Berlin");
  EXPECT_EQ(read["location"]["state"], "DE-BE");
  EXPECT_EQ(read["location"]["lat"], 52.5096);
  auto writable = initiative_writable_json(chance_plus_input());
  EXPECT_FALSE(writable["location"].contains("city"));
  EXPECT_FALSE(writable["location"].contains("state"));
}

// The pointer of each refused nested member, and whether it is a 400 (type, unknown, read-only)
// or a 422 (a rule).
TEST(InitiativeJson, NestedMembersAreReadAsStrictlyAsTheBody) {
  struct Case {
    nlohmann::json patch;
    std::string pointer;
    service::ErrorCode code;
  };
  const std::vector<Case> cases = {
      {{{"image", {{"url", 5}, {"alt", ""}}}}, "/image/url", service::ErrorCode::invalid_argument},
      {{{"image", {{"url", "https://a.example/b.jpg"}, {"alt", "x"}, {"title", "y"}}}},
       "/image/title",
       service::ErrorCode::invalid_argument},
      {{{"image", "https://a.example/b.jpg"}}, "/image", service::ErrorCode::invalid_argument},
      {{{"image", {{"alt", "x"}}}}, "/image/url", service::ErrorCode::validation_failed},
      {{{"location", {{"city", "Potsdam"}}}}, "/location/city", service::ErrorCode::invalid_argument},
      {{{"location", {{"lat", "52.1"}}}}, "/location/lat", service::ErrorCode::invalid_argument},
      {{{"target_groups", {"women", 3}}}, "/target_groups/1", service::ErrorCode::invalid_argument},
      {{{"target_groups", "women"}}, "/target_groups", service::ErrorCode::invalid_argument},
      {{{"target_groups", {"women", "kids"}}}, "/target_groups/1", service::ErrorCode::validation_failed},
      {{{"languages_offered", {"de", "de"}}}, "/languages_offered/1", service::ErrorCode::validation_failed},
      {{{"languages_offered", {"DE"}}}, "/languages_offered/0", service::ErrorCode::validation_failed},
      {{{"contact", nlohmann::json::object()}}, "/contact", service::ErrorCode::validation_failed},
      {{{"contact", {{"phone", "(030) 123"}}}}, "/contact/phone", service::ErrorCode::validation_failed},
      {{{"location", {{"postcode", "1234"}}}}, "/location/postcode", service::ErrorCode::validation_failed},
      {{{"location", {{"lat", 52.1}}}}, "/location/lon", service::ErrorCode::validation_failed},
      {{{"slug", "Chance_Plus"}}, "/slug", service::ErrorCode::validation_failed},
  };
  for (const auto& c : cases) {
    auto body = initiative_writable_json(service::InitiativeInput{});
    body["company_id"] = 1;
    body["title"] = "Sprachkurs";
    body["category"] = "language";
    body.merge_patch(c.patch);
    auto read = initiative_from_json(body, false);
    ASSERT_FALSE(read.ok()) << c.patch;
    EXPECT_EQ(read.error().code, c.code) << c.patch;
    ASSERT_FALSE(read.error().errors.empty()) << c.patch;
    EXPECT_EQ(read.error().errors.front().field, c.pointer) << c.patch;
  }
}

TEST(InitiativeJson, RoundTripThroughTheWritableRepresentation) {
  auto input = chance_plus_input();
  auto writable = initiative_writable_json(input);
  auto expected_keys = kInitiativeFields;
  for (const char* ro : {"id", "created_at", "updated_at", "version"}) expected_keys.erase(ro);
  EXPECT_EQ(keys(writable), expected_keys);
  auto read = initiative_from_json(writable, false);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(*read, input);
}

TEST(InitiativeJson, DefaultsAndRequiredFields) {
  auto read = initiative_from_json({{"company_id", 1}, {"title", "Sprachkurs"}, {"category", "language"}}, false);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->participants, 0);
  EXPECT_FALSE(read->published);

  auto missing = initiative_from_json(nlohmann::json::object(), false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields(missing.error().errors), (std::vector<std::string>{"/company_id", "/title", "/category"}));
}

TEST(InitiativeJson, CompanyIsReadOnly) {
  auto json = initiative_writable_json(chance_plus_input());
  json["company"] = {{"id", 1}};
  auto read = initiative_from_json(json, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(read.error().errors, (std::vector<FieldError>{{"/company", "is read-only"}}));
}

TEST(InitiativeJson, EveryBrokenRuleIsNamedAtOnce) {
  auto read = initiative_from_json({{"company_id", 0},
                                    {"title", ""},
                                    {"category", "sports"},
                                    {"state", "DE-XX"},
                                    {"start_date", "2019-01-01"},
                                    {"end_date", "2018-12-31"},
                                    {"participants", -1},
                                    {"url", "ftp://x"}},
                                   false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields(read.error().errors), (std::vector<std::string>{"/company_id", "/title", "/category", "/state",
                                                                   "/end_date", "/participants", "/url"}));
}

TEST(InitiativeJson, WrongTypesAre400) {
  auto read = initiative_from_json(
      {{"company_id", "1"}, {"title", "x"}, {"category", "language"}, {"published", 1}, {"participants", "5"}}, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(read.error().errors), (std::vector<std::string>{"/company_id", "/participants", "/published"}));
}

service::Result<service::InitiativeInput> patch_initiative(const service::Initiative& current,
                                                           const nlohmann::json& patch) {
  if (auto check = initiative_from_json(patch, true); !check.ok()) return check.error();
  nlohmann::json merged = initiative_writable_json(current);
  merged.merge_patch(patch);
  return initiative_from_json(merged, false);
}

TEST(InitiativeMergePatch, NullClearsNullableFields) {
  auto patched = patch_initiative(
      chance_plus(),
      {{"end_date", nullptr}, {"url", nullptr}, {"summary", nullptr}, {"published", false}, {"participants", 150}});
  ASSERT_TRUE(patched.ok());
  auto expected = chance_plus_input();
  expected.end_date.reset();
  expected.url.reset();
  expected.summary.reset();
  expected.published = false;
  expected.participants = 150;
  EXPECT_EQ(*patched, expected);
}

TEST(InitiativeMergePatch, NullOnNonNullableFieldsIs422) {
  for (const char* field : {"company_id", "title", "category", "participants", "published"}) {
    auto patched = patch_initiative(chance_plus(), {{field, nullptr}});
    ASSERT_FALSE(patched.ok()) << field;
    EXPECT_EQ(patched.error().code, ErrorCode::validation_failed) << field;
    EXPECT_EQ(patched.error().errors, (std::vector<FieldError>{{std::string("/") + field, "must not be null"}}));
  }
}

TEST(InitiativeMergePatch, CrossFieldRulesRunOnTheMergedResult) {
  // end_date alone is fine, but not before the stored start_date.
  auto patched = patch_initiative(chance_plus(), {{"end_date", "2015-01-01"}});
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields(patched.error().errors), (std::vector<std::string>{"/end_date"}));
  // Clearing the start date makes the same end date acceptable.
  auto cleared = patch_initiative(chance_plus(), {{"end_date", "2015-01-01"}, {"start_date", nullptr}});
  EXPECT_TRUE(cleared.ok());
}

}  // namespace
}  // namespace zusammen::api
