// /v1/testimonials end to end: the real App and Pistache on port 0 over a private
// MariaDB, every write (and every refused write) checked through MySQL Connector/C++.
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../support/api_test.h"
#include "service/seed.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

// From the press release of 15 November 2018: typographic quotes and umlauts.
const std::string kGebersQuote =
    "Gute Sprachkenntnisse, Ausbildung und Arbeit sind wesentliche Treiber für eine erfolgreiche Integration in die "
    "Gesellschaft. Daher ist das Engagement des Netzwerks „Wir zusammen“ so wertvoll und wichtig.";
const std::string kSeilerQuote =
    "Unsere Überzeugung: Gelungene Integration geht nur zusammen! Deshalb engagiert sich die Deutsche Bahn "
    "gemeinsam mit vielen anderen Unternehmen im Netzwerk „Wir zusammen“.";

class TestimonialsTest : public ApiTest<TestimonialsTest> {
 public:
  static constexpr SuiteSettings kSuite = {
      .database = "testimonials", .writer = "content:write", .reader = "content:read"};

 protected:
  long long create_company(const std::string& slug, const std::string& name, const std::string& status = "active") {
    return created_id(client(), "/v1/companies", company_body(slug, name, status), writer());
  }

  long long create_initiative(long long company_id, const std::string& title) {
    return created_id(client(), "/v1/initiatives",
                      {{"company_id", company_id}, {"title", title}, {"category", "qualification"}}, writer());
  }

  // Straight into the table: the meetings resource is not this file's subject.
  long long create_meeting(const std::string& title) {
    return insert_meeting(db(), {.title = title,
                                 .starts_at = "2018-11-13 08:00:00",
                                 .ends_at = "2018-11-13 16:00:00",
                                 .registration_open = false,
                                 .status = "held"});
  }

  static json testimonial(const std::string& quote, const std::string& author, const json& extra = json::object()) {
    json body = {{"quote", quote}, {"author_name", author}};
    body.update(extra);
    return body;
  }

  long long create_testimonial(const json& body) { return created_id(client(), "/v1/testimonials", body, writer()); }

  std::string column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM testimonials WHERE id = " + std::to_string(id));
  }
  std::string stamp(long long id) {
    return scalar("SELECT CONCAT(version, ' ', updated_at) FROM testimonials WHERE id = " + std::to_string(id));
  }
  long long changes_of(long long id, const std::string& op) { return testing::changes_of(db(), "testimonial", id, op); }

  // POST /v1/testimonials body is refused: a problem with this status and type that names exactly fields.
  void expect_refused(const json& body, int status, const std::string& type, const std::set<std::string>& fields,
                      const std::string& what) {
    SCOPED_TRACE(what);
    auto response = client().post("/v1/testimonials", body, writer());
    EXPECT_TRUE(IsProblem(response, status));
    EXPECT_EQ(response.json().value("type", ""), type);
    EXPECT_TRUE(NamesExactly(response, fields));
  }
};

// --- create ---------------------------------------------------------------------------------

TEST_F(TestimonialsTest, CreateStoresGermanTypographyByteExactAndAnswers201) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long initiative = create_initiative(company, "Qualifizierungsprogramm für junge Geflüchtete");
  long long meeting = create_meeting("Drittes Netzwerktreffen 2018");
  json body = {{"quote", kGebersQuote},
               {"author_name", "Leonie Gebers"},
               {"author_role", "Staatssekretärin"},
               {"author_organization", "Bundesministerium für Arbeit und Soziales"},
               {"company_id", company},
               {"meeting_id", meeting},
               {"initiative_id", initiative},
               {"language", "de"},
               {"published", true}};
  auto response = client().post("/v1/testimonials", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(IsCreated(response, "/v1/testimonials"));
  json created = response.json();
  long long id = created.at("id").get<long long>();
  for (const auto& [name, value] : body.items()) EXPECT_EQ(created.at(name), value) << name;
  EXPECT_EQ(created.at("created_at"), created.at("updated_at"));
  EXPECT_FALSE(created.contains("company"));
  EXPECT_EQ(created.size(), 13u) << created.dump();
  // UTF-8 on the wire, not \u escapes.
  EXPECT_NE(response.body.find("„Wir zusammen“"), std::string::npos) << response.body;

  // Byte for byte in the database, read past the service.
  EXPECT_EQ(db().count("testimonials"), 1);
  EXPECT_EQ(column("HEX(quote)", id), hex_of(kGebersQuote));
  EXPECT_EQ(column("HEX(author_role)", id), hex_of("Staatssekretärin"));
  EXPECT_EQ(column("author_organization", id), "Bundesministerium für Arbeit und Soziales");
  EXPECT_EQ(column("company_id", id), std::to_string(company));
  EXPECT_EQ(column("meeting_id", id), std::to_string(meeting));
  EXPECT_EQ(column("initiative_id", id), std::to_string(initiative));
  EXPECT_EQ(column("language", id), "de");
  EXPECT_EQ(column("published", id), "1");
  EXPECT_EQ(column("version", id), "1");
  // The change feed holds the create, written with it.
  EXPECT_EQ(changes_of(id, "upsert"), 1);

  auto read = client().get("/v1/testimonials/" + std::to_string(id));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);
  EXPECT_EQ(read.json().at("quote").get<std::string>(), kGebersQuote);
}

TEST_F(TestimonialsTest, CreateWithOnlyRequiredFieldsFillsTheDefaults) {
  auto response = client().post("/v1/testimonials", testimonial(kSeilerQuote, "Martin Seiler"), writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  EXPECT_EQ(created.at("language"), "de");
  EXPECT_EQ(created.at("published"), false);
  for (const char* name : {"author_role", "author_organization", "company_id", "meeting_id", "initiative_id"}) {
    EXPECT_TRUE(created.at(name).is_null()) << name;
  }
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(column("language", id), "de");
  EXPECT_EQ(column("published", id), "0");
  EXPECT_EQ(column("company_id", id), "");
  EXPECT_EQ(column("HEX(quote)", id), hex_of(kSeilerQuote));

  auto english =
      client().post("/v1/testimonials",
                    testimonial("Integration only works together.", "Martin Seiler", {{"language", "en"}}), writer());
  ASSERT_EQ(english.status, 201) << english.body;
  EXPECT_EQ(english.json().at("language"), "en");
  EXPECT_EQ(db().count("testimonials"), 2);
}

// --- validation -----------------------------------------------------------------------------

TEST_F(TestimonialsTest, EveryRuleIsCheckedAndNothingIsWritten) {
  struct Case {
    json extra;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"quote", ""}}, "/quote"},
      {{{"quote", " \n\t "}}, "/quote"},
      {{{"quote", repeat("ä", 5001)}}, "/quote"},
      {{{"author_name", ""}}, "/author_name"},
      {{{"author_name", "   "}}, "/author_name"},
      {{{"author_name", repeat("Ö", 201)}}, "/author_name"},
      {{{"author_role", repeat("r", 201)}}, "/author_role"},
      {{{"author_organization", repeat("ü", 201)}}, "/author_organization"},
      {{{"language", "fr"}}, "/language"},
      {{{"language", "DE"}}, "/language"},
      {{{"language", ""}}, "/language"},
      {{{"company_id", 0}}, "/company_id"},
      {{{"meeting_id", -1}}, "/meeting_id"},
      {{{"initiative_id", 0}}, "/initiative_id"},
      {{{"quote", nullptr}}, "/quote"},
      {{{"author_name", nullptr}}, "/author_name"},
      {{{"language", nullptr}}, "/language"},
      {{{"published", nullptr}}, "/published"},
  };
  for (const auto& c : cases) {
    expect_refused(testimonial("Zitat", "Autorin", c.extra), 422, "/problems/validation-error", {c.field},
                   c.extra.dump().substr(0, 80));
  }
  EXPECT_EQ(db().count("testimonials"), 0);
  EXPECT_EQ(db().count("changes", "entity_type = 'testimonial'"), 0);

  // The limits count characters, not bytes: 5000 umlauts (10000 bytes) and 200-character names fit.
  auto longest =
      client().post("/v1/testimonials",
                    testimonial(repeat("ä", 5000), repeat("Ö", 200),
                                {{"author_role", repeat("r", 200)}, {"author_organization", repeat("ü", 200)}}),
                    writer());
  ASSERT_EQ(longest.status, 201) << longest.body.substr(0, 300);
  long long id = longest.json().at("id").get<long long>();
  EXPECT_EQ(column("CHAR_LENGTH(quote)", id), "5000");
  EXPECT_EQ(column("LENGTH(quote)", id), "10000");
  EXPECT_EQ(db().count("testimonials"), 1);
}

TEST_F(TestimonialsTest, SeveralBadFieldsAreNamedAtOnce) {
  json body = {{"quote", ""},
               {"author_name", repeat("x", 201)},
               {"author_role", repeat("y", 201)},
               {"language", "fr"},
               {"company_id", 0},
               {"meeting_id", 0}};
  auto response = client().post("/v1/testimonials", body, writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(
      NamesExactly(response, {"/quote", "/author_name", "/author_role", "/language", "/company_id", "/meeting_id"}));

  auto missing = client().post("/v1/testimonials", json::object(), writer());
  EXPECT_TRUE(IsProblem(missing, 422));
  EXPECT_TRUE(NamesExactly(missing, {"/quote", "/author_name"}));
  EXPECT_EQ(db().count("testimonials"), 0);
}

TEST_F(TestimonialsTest, UnknownRelationsAre422NamingEachField) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long initiative = create_initiative(company, "Umschulung");
  long long meeting = create_meeting("Netzwerktreffen");

  struct Case {
    json links;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {{{"company_id", company + 1000}}, {"/company_id"}},
      {{{"meeting_id", meeting + 1000}}, {"/meeting_id"}},
      {{{"initiative_id", initiative + 1000}}, {"/initiative_id"}},
      {{{"company_id", company}, {"meeting_id", meeting + 1000}, {"initiative_id", initiative}}, {"/meeting_id"}},
      {{{"company_id", company + 1000}, {"meeting_id", meeting + 1000}, {"initiative_id", initiative + 1000}},
       {"/company_id", "/meeting_id", "/initiative_id"}},
      // An initiative id is no company id.
      {{{"company_id", initiative + 1000}, {"initiative_id", company + 1000}}, {"/company_id", "/initiative_id"}},
  };
  for (const auto& c : cases) {
    expect_refused(testimonial("Zitat", "Autor", c.links), 422, "/problems/validation-error", c.fields, c.links.dump());
  }
  EXPECT_EQ(db().count("testimonials"), 0);
  EXPECT_EQ(db().count("changes", "entity_type = 'testimonial'"), 0);

  // The same on a patch; the testimonial stays as it was.
  long long id = create_testimonial(testimonial("Zitat", "Autor", {{"company_id", company}}));
  auto moved = client().patch("/v1/testimonials/" + std::to_string(id),
                              {{"company_id", company + 1000}, {"initiative_id", initiative + 1000}}, writer());
  EXPECT_TRUE(IsProblem(moved, 422));
  EXPECT_TRUE(NamesExactly(moved, {"/company_id", "/initiative_id"}));
  EXPECT_EQ(column("company_id", id), std::to_string(company));
  EXPECT_EQ(column("initiative_id", id), "");
  EXPECT_EQ(column("version", id), "1");
  EXPECT_EQ(changes_of(id, "upsert"), 1);
}

TEST_F(TestimonialsTest, WrongJsonTypesAre400) {
  long long company = create_company("lidl", "Lidl");
  struct Case {
    json extra;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {{{"quote", 42}}, {"/quote"}},
      {{{"author_name", json::array({"Leonie", "Gebers"})}}, {"/author_name"}},
      {{{"author_role", 7}}, {"/author_role"}},
      {{{"author_organization", false}}, {"/author_organization"}},
      {{{"company_id", std::to_string(company)}}, {"/company_id"}},
      {{{"meeting_id", 1.5}}, {"/meeting_id"}},
      {{{"initiative_id", json::object()}}, {"/initiative_id"}},
      {{{"language", true}}, {"/language"}},
      {{{"published", "yes"}}, {"/published"}},
      {{{"published", 1}, {"company_id", "1"}, {"quote", 3}}, {"/published", "/company_id", "/quote"}}};
  for (const auto& c : cases) {
    expect_refused(testimonial("Zitat", "Autor", c.extra), 400, "/problems/bad-request", c.fields, c.extra.dump());
  }
  EXPECT_EQ(db().count("testimonials"), 0);

  long long id = create_testimonial(testimonial("Zitat", "Autor"));
  for (const auto& c : cases) {
    auto response = client().patch("/v1/testimonials/" + std::to_string(id), c.extra, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.extra.dump();
    EXPECT_TRUE(NamesExactly(response, c.fields)) << c.extra.dump();
  }
  EXPECT_EQ(column("version", id), "1");
  EXPECT_EQ(column("quote", id), "Zitat");
}

TEST_F(TestimonialsTest, ReadOnlyAndUnknownFieldsAre400OnCreateAndPatch) {
  long long company = create_company("rewe", "REWE Group");
  std::vector<std::pair<std::string, json>> fields = {
      {"id", 99},       {"created_at", "2018-11-13T09:00:00Z"}, {"updated_at", "2018-11-13T09:00:00Z"},
      {"version", 3},   {"company", json{{"id", company}}},     {"author", "Leonie Gebers"},
      {"text", "Zitat"}};
  for (const auto& [name, value] : fields) {
    auto response = client().post("/v1/testimonials", testimonial("Zitat", "Autor", {{name, value}}), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(NamesExactly(response, {"/" + name})) << name;
  }
  EXPECT_EQ(db().count("testimonials"), 0);

  long long id = create_testimonial(testimonial("Zitat", "Autor"));
  for (const auto& [name, value] : fields) {
    auto response = client().patch("/v1/testimonials/" + std::to_string(id), {{name, value}}, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(NamesExactly(response, {"/" + name})) << name;
  }
  EXPECT_EQ(column("version", id), "1");
}

TEST_F(TestimonialsTest, UnreadableBodiesAre400AndWrongMediaTypeIs415) {
  ExpectUnreadableBodiesRefused(client(), "/v1/testimonials", writer(),
                                {"{\"quote\": ", "[]", "\"Zitat\"", "", "{\"quote\": \"\xff\xfe\"}"},
                                testimonial("Zitat", "Autor"));
  EXPECT_EQ(db().count("testimonials"), 0);
}

TEST_F(TestimonialsTest, BadIdsInThePathAre400AndUnknownIdsAre404) {
  ExpectBadIdsRefused(client(), "/v1/testimonials", reader(),
                      {"12abc", "0", "-1", "1.5", "abc", "99999999999999999999"},
                      /*names_exactly=*/true);
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials/4711", reader()), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials/4711"), 404));
  EXPECT_TRUE(IsProblem(client().patch("/v1/testimonials/4711", {{"quote", "x"}}, writer()), 404));
  EXPECT_TRUE(IsProblem(client().del("/v1/testimonials/4711", writer()), 404));
  EXPECT_TRUE(IsProblem(client().patch("/v1/testimonials/12abc", {{"quote", "x"}}, writer()), 400));
  EXPECT_TRUE(IsProblem(client().del("/v1/testimonials/abc", writer()), 400));
  EXPECT_EQ(db().count("testimonials"), 0);
}

// --- merge patch ----------------------------------------------------------------------------

TEST_F(TestimonialsTest, MergePatchSetsClearsAndKeepsFieldsAndBumpsTheVersion) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long meeting = create_meeting("Netzwerktreffen Potsdam");
  long long id = create_testimonial(testimonial(kSeilerQuote, "Martin Seiler",
                                                {{"author_role", "Vorstand Personal & Recht"},
                                                 {"author_organization", "Deutsche Bahn AG"},
                                                 {"company_id", company}}));
  std::string path = "/v1/testimonials/" + std::to_string(id);

  auto patched =
      client().patch(path, {{"meeting_id", meeting}, {"author_organization", nullptr}, {"published", true}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  json after = patched.json();
  EXPECT_EQ(after.at("meeting_id"), meeting);
  EXPECT_TRUE(after.at("author_organization").is_null());
  EXPECT_EQ(after.at("published"), true);
  EXPECT_EQ(after.at("version"), 2);
  EXPECT_EQ(after.at("quote"), kSeilerQuote);
  EXPECT_EQ(after.at("author_role"), "Vorstand Personal & Recht");
  EXPECT_EQ(after.at("company_id"), company);
  EXPECT_TRUE(matches(patched.header("etag").value_or(""), R"("2-[0-9a-f]{16}")"));
  EXPECT_EQ(column("meeting_id", id), std::to_string(meeting));
  EXPECT_EQ(column("author_organization", id), "");
  EXPECT_EQ(column("published", id), "1");
  EXPECT_EQ(column("version", id), "2");
  EXPECT_EQ(column("HEX(quote)", id), hex_of(kSeilerQuote));
  EXPECT_EQ(changes_of(id, "upsert"), 2);

  // null clears a link; application/json is accepted as well.
  Headers plain_json = writer();
  plain_json["Content-Type"] = "application/json";
  auto cleared = client().patch(path, {{"company_id", nullptr}, {"language", "en"}}, plain_json);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json().at("company_id").is_null());
  EXPECT_EQ(cleared.json().at("language"), "en");
  EXPECT_EQ(column("company_id", id), "");
  EXPECT_EQ(column("language", id), "en");
  EXPECT_EQ(column("version", id), "3");

  // null for what is not nullable is a 422 naming each; rule breaks of the merged result too.
  auto nulls =
      client().patch(path, {{"quote", nullptr}, {"language", nullptr}, {"author_role", repeat("r", 201)}}, writer());
  EXPECT_TRUE(IsProblem(nulls, 422));
  EXPECT_TRUE(NamesExactly(nulls, {"/quote", "/language", "/author_role"}));
  auto bad_language = client().patch(path, {{"language", "fr"}}, writer());
  EXPECT_TRUE(IsProblem(bad_language, 422));
  EXPECT_TRUE(NamesExactly(bad_language, {"/language"}));
  EXPECT_EQ(column("version", id), "3");
  EXPECT_EQ(column("language", id), "en");
  EXPECT_EQ(changes_of(id, "upsert"), 3);
}

TEST_F(TestimonialsTest, EmptyOrUnchangingMergePatchWritesNothing) {
  long long id = create_testimonial(testimonial(kGebersQuote, "Leonie Gebers"));
  std::string path = "/v1/testimonials/" + std::to_string(id);
  std::string before = stamp(id);
  auto empty = client().patch(path, json::object(), writer());
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json().at("version"), 1);
  auto same = client().patch(path, {{"quote", kGebersQuote}, {"published", false}, {"company_id", nullptr}}, writer());
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json().at("version"), 1);
  EXPECT_EQ(stamp(id), before);
  EXPECT_EQ(changes_of(id, "upsert"), 1);
}

// --- delete ---------------------------------------------------------------------------------

TEST_F(TestimonialsTest, DeleteAnswers204AndRecordsATombstone) {
  long long keep = create_testimonial(testimonial("Bleibt", "Autorin"));
  long long id = create_testimonial(testimonial("Geht", "Autor"));
  std::string path = "/v1/testimonials/" + std::to_string(id);

  ExpectDeletes(client(), db(), "/v1/testimonials", "testimonials", id, keep, writer());
  EXPECT_EQ(changes_of(id, "delete"), 1);
  EXPECT_EQ(changes_of(keep, "delete"), 0);

  EXPECT_TRUE(IsProblem(client().del(path, writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(path, reader()), 404));
  EXPECT_EQ(changes_of(id, "delete"), 1);
}

TEST_F(TestimonialsTest, ALinkedCompanyOrInitiativeCannotBeDeleted) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long other = create_company("bosch", "Robert Bosch GmbH");
  long long initiative = create_initiative(other, "Umschulung");
  long long meeting = create_meeting("Netzwerktreffen");
  long long id = create_testimonial(testimonial(kSeilerQuote, "Martin Seiler", {{"company_id", company}}));
  create_testimonial(testimonial("Zitat", "Autorin", {{"initiative_id", initiative}, {"meeting_id", meeting}}));

  // The company has no initiatives: only the testimonial's foreign key holds it.
  auto company_delete = client().del("/v1/companies/" + std::to_string(company), writer());
  EXPECT_TRUE(IsProblem(company_delete, 409));
  EXPECT_EQ(company_delete.json().value("type", ""), "/problems/conflict");
  EXPECT_EQ(db().count("companies", "id = " + std::to_string(company)), 1);
  EXPECT_EQ(column("company_id", id), std::to_string(company));

  auto initiative_delete = client().del("/v1/initiatives/" + std::to_string(initiative), writer());
  EXPECT_TRUE(IsProblem(initiative_delete, 409));
  EXPECT_EQ(db().count("initiatives", "id = " + std::to_string(initiative)), 1);

  // Unlinked, the company goes.
  ASSERT_EQ(client().patch("/v1/testimonials/" + std::to_string(id), {{"company_id", nullptr}}, writer()).status, 200);
  EXPECT_EQ(client().del("/v1/companies/" + std::to_string(company), writer()).status, 204);
  EXPECT_EQ(db().count("companies", "id = " + std::to_string(company)), 0);
  EXPECT_EQ(db().count("testimonials"), 2);
}

// --- access ---------------------------------------------------------------------------------

TEST_F(TestimonialsTest, AnonymousCallersSeeOnlyPublishedTestimonials) {
  long long published = create_testimonial(testimonial(kGebersQuote, "Leonie Gebers", {{"published", true}}));
  long long draft = create_testimonial(testimonial(kSeilerQuote, "Martin Seiler", {{"published", false}}));

  EXPECT_EQ(client().get("/v1/testimonials/" + std::to_string(published)).status, 200);
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials/" + std::to_string(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials/" + std::to_string(draft) + "?include=company"), 404));

  auto anonymous = client().get("/v1/testimonials");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  EXPECT_EQ(ids_of(anonymous), (std::set<long long>{published}));
  EXPECT_TRUE(anonymous.json().at("next_cursor").is_null());
  EXPECT_EQ(anonymous.header("cache-control").value_or(""), "public, max-age=60");
  EXPECT_TRUE(ids_of(client().get("/v1/testimonials?published=false")).empty());
  EXPECT_TRUE(ids_of(client().get("/v1/testimonials?q=Seiler")).empty());

  for (const auto& headers : {reader(), writer()}) {
    EXPECT_EQ(client().get("/v1/testimonials/" + std::to_string(draft), headers).status, 200);
    auto keyed = client().get("/v1/testimonials", headers);
    ASSERT_EQ(keyed.status, 200);
    EXPECT_EQ(ids_of(keyed), (std::set<long long>{published, draft}));
  }

  // Unpublishing takes it out of public view at once.
  ASSERT_EQ(client().patch("/v1/testimonials/" + std::to_string(published), {{"published", false}}, writer()).status,
            200);
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials/" + std::to_string(published)), 404));
  EXPECT_TRUE(ids_of(client().get("/v1/testimonials")).empty());
}

TEST_F(TestimonialsTest, WritesNeedContentWriteAndReadsWithAKeyNeedContentRead) {
  long long id = create_testimonial(testimonial("Zitat", "Autor", {{"published", true}}));
  std::string path = "/v1/testimonials/" + std::to_string(id);
  json body = testimonial("Neu", "Autorin");

  // Anonymous writes: 401 with a Bearer challenge.
  for (const auto& response :
       {client().post("/v1/testimonials", body), client().patch(path, {{"quote", "x"}}), client().del(path)}) {
    EXPECT_TRUE(IsProblem(response, 401));
    EXPECT_EQ(response.header("www-authenticate").value_or("").rfind("Bearer", 0), 0u);
  }
  // A key that only reads: 403.
  for (const auto& response : {client().post("/v1/testimonials", body, reader()),
                               client().patch(path, {{"quote", "x"}}, reader()), client().del(path, reader())}) {
    EXPECT_TRUE(IsProblem(response, 403));
  }
  // A key without content scopes may not read either (it would see drafts); a bad key is a 401.
  Headers other = bearer(server_->key({"registrations:read"}));
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials", other), 403));
  EXPECT_TRUE(IsProblem(client().get(path, other), 403));
  EXPECT_TRUE(IsProblem(client().post("/v1/testimonials", body, other), 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/testimonials", bearer("zk_not-a-key")), 401));
  EXPECT_TRUE(IsProblem(client().get(path, bearer("zk_not-a-key")), 401));

  EXPECT_EQ(db().count("testimonials"), 1);
  EXPECT_EQ(column("quote", id), "Zitat");
  EXPECT_EQ(column("version", id), "1");
}

// --- filters, sorting, pagination -----------------------------------------------------------

TEST_F(TestimonialsTest, FiltersNarrowTheList) {
  long long db_company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long bosch = create_company("bosch", "Robert Bosch GmbH");
  long long initiative = create_initiative(db_company, "Umschulung");
  long long meeting = create_meeting("Netzwerktreffen Potsdam");
  long long seiler = create_testimonial(testimonial(
      kSeilerQuote, "Martin Seiler",
      {{"company_id", db_company}, {"meeting_id", meeting}, {"initiative_id", initiative}, {"published", true}}));
  long long gebers =
      create_testimonial(testimonial(kGebersQuote, "Leonie Gebers", {{"meeting_id", meeting}, {"published", true}}));
  long long english = create_testimonial(testimonial("Integration only works together.", "Jürgen Müller",
                                                     {{"company_id", bosch}, {"language", "en"}, {"published", true}}));
  long long draft = create_testimonial(
      testimonial("Ausbildung öffnet Türen für Geflüchtete.", "Marlies Peine", {{"company_id", db_company}}));

  auto ids = [&](const std::string& query, const Headers& headers) {
    return listed_id_set(client(), "/v1/testimonials?" + query, headers);
  };
  using Ids = std::set<long long>;
  EXPECT_EQ(ids("company_id=" + std::to_string(db_company), reader()), (Ids{seiler, draft}));
  EXPECT_EQ(ids("company_id=" + std::to_string(db_company), {}), (Ids{seiler}));
  EXPECT_EQ(ids("company_id=" + std::to_string(bosch), reader()), (Ids{english}));
  EXPECT_EQ(ids("meeting_id=" + std::to_string(meeting), reader()), (Ids{seiler, gebers}));
  EXPECT_EQ(ids("initiative_id=" + std::to_string(initiative), reader()), (Ids{seiler}));
  EXPECT_EQ(ids("initiative_id=" + std::to_string(initiative + 1), reader()), (Ids{}));
  EXPECT_EQ(ids("language=en", reader()), (Ids{english}));
  EXPECT_EQ(ids("language=de", reader()), (Ids{seiler, gebers, draft}));
  EXPECT_EQ(
      ids("language=de&meeting_id=" + std::to_string(meeting) + "&company_id=" + std::to_string(db_company), reader()),
      (Ids{seiler}));
  EXPECT_EQ(ids("published=false", reader()), (Ids{draft}));
  EXPECT_EQ(ids("published=true", reader()), (Ids{seiler, gebers, english}));
  // Full text over quote and author_name, umlauts percent-encoded as UTF-8; '+' is a space.
  EXPECT_EQ(ids("q=Gefl%C3%BCchtete", reader()), (Ids{draft}));
  EXPECT_EQ(ids("q=%C3%9Cberzeugung", reader()), (Ids{seiler}));
  EXPECT_EQ(ids("q=M%C3%BCller", reader()), (Ids{english}));
  EXPECT_EQ(ids("q=Gebers", reader()), (Ids{gebers}));
  EXPECT_EQ(ids("q=Netzwerk", reader()), (Ids{seiler, gebers}));
  EXPECT_EQ(ids("q=Netzwerk+Deutsche", reader()), (Ids{seiler}));
  EXPECT_EQ(ids("q=%E2%80%9EWir+zusammen%E2%80%9C", reader()), (Ids{seiler, gebers}));
  EXPECT_EQ(ids("q=Schiffbau", reader()), (Ids{}));
}

TEST_F(TestimonialsTest, UpdatedSinceListsWhatChangedAtOrAfterTheInstant) {
  long long older = create_testimonial(testimonial("Alt", "Autor"));
  long long changed = create_testimonial(testimonial("Neu", "Autorin"));
  ASSERT_EQ(client().patch("/v1/testimonials/" + std::to_string(changed), {{"published", true}}, writer()).status, 200);
  ExpectUpdatedSinceListsTheChange(client(), db(), "/v1/testimonials", "testimonials", reader(), older, changed);
}

TEST_F(TestimonialsTest, BadQueryParametersAre400NamingTheParameter) {
  std::vector<std::pair<std::string, std::string>> cases = {{"language=fr", "language"},
                                                            {"language=", "language"},
                                                            {"published=yes", "published"},
                                                            {"company_id=abc", "company_id"},
                                                            {"meeting_id=0", "meeting_id"},
                                                            {"initiative_id=-3", "initiative_id"},
                                                            {"updated_since=gestern", "updated_since"},
                                                            {"sort=quote", "sort"},
                                                            {"sort=", "sort"},
                                                            {"sort=title", "sort"},
                                                            {"limit=0", "limit"},
                                                            {"limit=101", "limit"},
                                                            {"cursor=%21%21", "cursor"},
                                                            {"include=bogus", "include"},
                                                            {"include=company,bogus", "include"},
                                                            {"include=", "include"},
                                                            {"category=language", "category"},
                                                            {"q=", "q"},
                                                            {"q=%22%2B-", "q"}};
  for (const auto& [query, name] : cases) {
    auto response = client().get("/v1/testimonials?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_TRUE(NamesExactly(response, {name})) << query;
  }
  auto several = client().get("/v1/testimonials?language=fr&limit=0&colour=blue");
  EXPECT_TRUE(IsProblem(several, 400));
  EXPECT_TRUE(NamesExactly(several, {"language", "limit", "colour"}));
}

TEST_F(TestimonialsTest, SortsNewestFirstByDefaultAndByAuthorName) {
  long long peine = create_testimonial(testimonial("Eins", "Marlies Peine"));
  long long oezdemir = create_testimonial(testimonial("Zwei", "Ömer Özdemir"));
  long long gebers = create_testimonial(testimonial("Drei", "Leonie Gebers"));
  long long albers = create_testimonial(testimonial("Vier", "Anna Albers"));

  auto order = [&](const std::string& query) { return listed_ids(client(), "/v1/testimonials" + query, reader()); };
  using Ids = std::vector<long long>;
  EXPECT_EQ(order(""), (Ids{albers, gebers, oezdemir, peine}));
  EXPECT_EQ(order("?sort=-created_at"), (Ids{albers, gebers, oezdemir, peine}));
  EXPECT_EQ(order("?sort=created_at"), (Ids{peine, oezdemir, gebers, albers}));
  // German collation: Ö sorts with O.
  EXPECT_EQ(order("?sort=author_name"), (Ids{albers, gebers, peine, oezdemir}));
  EXPECT_EQ(order("?sort=-author_name"), (Ids{oezdemir, peine, gebers, albers}));

  ASSERT_EQ(client().patch("/v1/testimonials/" + std::to_string(peine), {{"published", true}}, writer()).status, 200);
  EXPECT_EQ(order("?sort=-updated_at").front(), peine);
  EXPECT_EQ(order("?sort=updated_at").back(), peine);
}

TEST_F(TestimonialsTest, CursorPaginationWalksEveryRowExactlyOnce) {
  std::set<long long> published;
  std::set<long long> all;
  for (int n = 0; n < 23; ++n) {
    bool is_published = n % 6 != 2;  // 4 drafts
    // Repeated author names: ties that only the id can break.
    long long id = create_testimonial(testimonial("Zitat Nummer " + std::to_string(n),
                                                  "Autorin " + std::to_string(n % 4), {{"published", is_published}}));
    all.insert(id);
    if (is_published) published.insert(id);
  }
  ASSERT_EQ(published.size(), 19u);

  ExpectCursorWalks(client(), {.collection = "/v1/testimonials",
                               .sorts = {{"", false},
                                         {"author_name", false},
                                         {"-author_name", true},
                                         {"created_at", true},
                                         {"-updated_at", true}},
                               .keyed_headers = reader(),
                               .all = all,
                               .published = published,
                               .follow_link = true});

  // A cursor of the default order is refused for another order.
  auto first = client().get("/v1/testimonials?limit=5");
  ASSERT_EQ(first.status, 200);
  auto other = client().get("/v1/testimonials?limit=5&sort=author_name&cursor=" +
                            first.json().at("next_cursor").get<std::string>());
  EXPECT_TRUE(IsProblem(other, 400));
  EXPECT_TRUE(NamesExactly(other, {"cursor"}));
}

// --- embedding ------------------------------------------------------------------------------

TEST_F(TestimonialsTest, IncludeCompanyEmbedsTheCompanyAsTheCallerMaySeeIt) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long former = create_company("ehemalig", "Ehemalige GmbH", "former");
  long long seiler =
      create_testimonial(testimonial(kSeilerQuote, "Martin Seiler", {{"company_id", company}, {"published", true}}));
  long long gebers = create_testimonial(testimonial(kGebersQuote, "Leonie Gebers", {{"published", true}}));
  long long of_former =
      create_testimonial(testimonial("Früher dabei", "Ehemaliger", {{"company_id", former}, {"published", true}}));
  std::string item = "/v1/testimonials/" + std::to_string(seiler);

  auto check = [&](const json& embedded, bool internal, const std::string& where) {
    ExpectEmbeddedCompany(embedded, company, "Deutsche Bahn AG", "deutsche-bahn", internal, where);
  };
  auto by_id = [](const HttpResult& list) {
    std::map<long long, json> out;
    json body = list.json();
    for (const auto& entry : body.at("items")) out[entry.at("id").get<long long>()] = entry;
    return out;
  };

  auto anonymous_list = client().get("/v1/testimonials?include=company");
  ASSERT_EQ(anonymous_list.status, 200) << anonymous_list.body;
  auto anonymous = by_id(anonymous_list);
  ASSERT_EQ(anonymous.size(), 3u);
  check(anonymous[seiler].at("company"), false, "anonymous list");
  EXPECT_TRUE(anonymous[gebers].at("company").is_null()) << "no company linked";
  EXPECT_TRUE(anonymous[of_former].at("company").is_null()) << "a former member is not shown to anonymous callers";
  EXPECT_EQ(anonymous_list.body.find("contact_email"), std::string::npos);

  auto keyed_list = client().get("/v1/testimonials?include=company", reader());
  ASSERT_EQ(keyed_list.status, 200) << keyed_list.body;
  auto keyed = by_id(keyed_list);
  check(keyed[seiler].at("company"), true, "keyed list");
  EXPECT_TRUE(keyed[gebers].at("company").is_null());
  ASSERT_TRUE(keyed[of_former].at("company").is_object());
  EXPECT_EQ(keyed[of_former].at("company").at("status"), "former");

  ASSERT_NO_FATAL_FAILURE(
      ExpectItemEmbedsCompany(client(), item, reader(), company, "Deutsche Bahn AG", "deutsche-bahn"));
  EXPECT_FALSE(client().get("/v1/testimonials").json()["items"][0].contains("company"));
  for (const std::string& path :
       {item + "?include=bogus", item + "?include=company,bogus", item + "?include=", item + "?sort=author_name"}) {
    auto bad = client().get(path);
    EXPECT_TRUE(IsProblem(bad, 400)) << path;
  }
}

// --- conditional requests -------------------------------------------------------------------

TEST_F(TestimonialsTest, ETagsAnswerIfNoneMatchWith304OnItemAndList) {
  long long id = create_testimonial(testimonial(kGebersQuote, "Leonie Gebers", {{"published", true}}));
  std::string item = "/v1/testimonials/" + std::to_string(id);

  auto first = client().get(item);
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag").value_or("");
  EXPECT_TRUE(matches(etag, R"("1-[0-9a-f]{16}")")) << etag;
  auto same = client().get(item, {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(same.header("etag").value_or(""), etag);
  // With the company embedded it is another representation.
  EXPECT_EQ(client().get(item + "?include=company", {{"If-None-Match", etag}}).status, 200);

  ASSERT_EQ(client().patch(item, {{"author_role", "Staatssekretärin"}}, writer()).status, 200);
  auto changed = client().get(item, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_TRUE(matches(changed.header("etag").value_or(""), R"("2-[0-9a-f]{16}")"));

  auto list = client().get("/v1/testimonials");
  ASSERT_EQ(list.status, 200);
  std::string list_etag = list.header("etag").value_or("");
  EXPECT_TRUE(matches(list_etag, R"("[!#-~]+")")) << list_etag;
  EXPECT_EQ(client().get("/v1/testimonials", {{"If-None-Match", list_etag}}).status, 304);
  create_testimonial(testimonial(kSeilerQuote, "Martin Seiler", {{"published", true}}));
  auto list_changed = client().get("/v1/testimonials", {{"If-None-Match", list_etag}});
  EXPECT_EQ(list_changed.status, 200);
  EXPECT_EQ(list_changed.json().at("items").size(), 2u);
}

TEST_F(TestimonialsTest, IfMatchWithAStaleETagIs412AndChangesNothing) {
  auto created = client().post("/v1/testimonials", testimonial(kSeilerQuote, "Martin Seiler"), writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json().at("id").get<long long>();
  std::string path = "/v1/testimonials/" + std::to_string(id);
  std::string first_etag = created.header("etag").value_or("");

  Headers current = writer();
  current["If-Match"] = first_etag;
  auto first = client().patch(path, {{"published", true}}, current);
  ASSERT_EQ(first.status, 200) << first.body;
  std::string second_etag = first.header("etag").value_or("");
  EXPECT_NE(second_etag, first_etag);

  // A second editor still holding version 1.
  auto stale = client().patch(path, {{"author_role", "Vorstand"}}, current);
  EXPECT_TRUE(IsProblem(stale, 412));
  EXPECT_EQ(column("author_role", id), "");
  EXPECT_EQ(column("version", id), "2");
  Headers garbage = writer();
  garbage["If-Match"] = "not-an-etag";
  EXPECT_TRUE(IsProblem(client().patch(path, {{"author_role", "Vorstand"}}, garbage), 412));
  EXPECT_TRUE(IsProblem(client().del(path, current), 412));
  EXPECT_TRUE(IsProblem(client().del(path, garbage), 412));
  EXPECT_EQ(db().count("testimonials"), 1);
  EXPECT_EQ(changes_of(id, "upsert"), 2);
  EXPECT_EQ(changes_of(id, "delete"), 0);

  Headers fresh = writer();
  fresh["If-Match"] = second_etag;
  auto ok = client().patch(path, {{"author_role", "Vorstand Personal & Recht"}}, fresh);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(column("author_role", id), "Vorstand Personal & Recht");
  Headers latest = writer();
  latest["If-Match"] = ok.header("etag").value_or("");
  EXPECT_EQ(client().del(path, latest).status, 204);
  EXPECT_EQ(db().count("testimonials"), 0);
}

// --- demo data ------------------------------------------------------------------------------

// The two voices of the press release of 15 November 2018, word for word (without the quotation
// marks that enclose them there).
const std::string kGebersPressRelease =
    "Gute Sprachkenntnisse, Ausbildung und Arbeit sind wesentliche Treiber für eine erfolgreiche "
    "Integration in die Gesellschaft. Integration gelingt aber nur dann, wenn dazu eine doppelte "
    "Bereitschaft besteht: auf Seiten der Menschen, die zu uns kommen, ebenso wie in unserer "
    "Gesellschaft. Deshalb ist es wichtig, dass Unternehmen, die Integration aktiv fördern und mit "
    "guten Beispielen vorangehen. Daher ist das Engagement des Netzwerks „Wir zusammen“ so wertvoll "
    "und wichtig.";
const std::string kSeilerPressRelease =
    "Seit über drei Jahren setzt sich die Deutsche Bahn verstärkt für die Integration von "
    "Geflüchteten ein. Durch eigens entwickelte Qualifizierungsprogramme machen wir junge "
    "Geflüchtete fit für eine Ausbildung und ermöglichen berufserfahrenen Geflüchteten u.a. eine "
    "Umschulung zum Elektroniker für Betriebstechnik. Unsere Überzeugung: Gelungene Integration geht "
    "nur zusammen! Deshalb engagiert sich die Deutsche Bahn gemeinsam mit vielen anderen Unternehmen "
    "im Netzwerk „Wir zusammen“.";

TEST_F(TestimonialsTest, SeedAddsThePressReleaseQuotesOnceWithTheirTypography) {
  // The meeting they were said at, as the meetings step of the seed (or an editor) names it.
  long long meeting = create_meeting("Drittes Netzwerktreffen 2018");
  auto first = service::seed_demo_data(db().pool());
  ASSERT_TRUE(first.ok()) << first.error().detail;
  long long company = std::stoll(db().scalar("SELECT id FROM companies WHERE slug = 'deutsche-bahn'"));
  ASSERT_EQ(db().count("testimonials"), 2);
  std::string gebers = db().scalar("SELECT id FROM testimonials WHERE author_name = 'Leonie Gebers'");
  std::string seiler = db().scalar("SELECT id FROM testimonials WHERE author_name = 'Martin Seiler'");
  long long gebers_id = std::stoll(gebers);
  long long seiler_id = std::stoll(seiler);

  EXPECT_EQ(column("HEX(quote)", gebers_id), hex_of(kGebersPressRelease));
  EXPECT_EQ(column("HEX(quote)", seiler_id), hex_of(kSeilerPressRelease));
  EXPECT_EQ(column("author_role", gebers_id), "Staatssekretärin");
  EXPECT_EQ(column("author_organization", gebers_id), "Bundesministerium für Arbeit und Soziales");
  EXPECT_EQ(column("author_role", seiler_id), "Vorstand Personal & Recht");
  EXPECT_EQ(column("author_organization", seiler_id), "Deutsche Bahn AG");
  EXPECT_EQ(column("company_id", gebers_id), "");
  EXPECT_EQ(column("company_id", seiler_id), std::to_string(company));
  EXPECT_EQ(column("meeting_id", gebers_id), std::to_string(meeting));
  EXPECT_EQ(column("meeting_id", seiler_id), std::to_string(meeting));
  EXPECT_EQ(db().count("testimonials", "language = 'de' AND published = 1 AND initiative_id IS NULL"), 2);

  // Public, with the company embedded.
  auto seen = client().get("/v1/testimonials/" + seiler + "?include=company");
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json().at("quote"), kSeilerPressRelease);
  EXPECT_EQ(seen.json().at("company").at("name"), "Deutsche Bahn AG");

  // Again: nothing new, nothing changed.
  std::string before = stamp(gebers_id) + " " + stamp(seiler_id);
  auto second = service::seed_demo_data(db().pool());
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(db().count("testimonials"), 2);
  EXPECT_EQ(stamp(gebers_id) + " " + stamp(seiler_id), before);
}

TEST_F(TestimonialsTest, SeedLeavesTheMeetingOpenWhenThereIsNone) {
  auto seeded = service::seed_demo_data(db().pool());
  ASSERT_TRUE(seeded.ok()) << seeded.error().detail;
  ASSERT_EQ(db().count("testimonials"), 2);
  // A seed that brings its own 2018 network meeting links it; otherwise the link stays open.
  std::string meeting = db().scalar(
      "SELECT COALESCE(MIN(id), '') FROM meetings WHERE kind = 'network_meeting' AND "
      "starts_at >= '2018-11-13' AND starts_at < '2018-11-14'");
  EXPECT_EQ(db().count("testimonials", meeting.empty() ? "meeting_id IS NULL" : "meeting_id = " + meeting), 2);
}

// --- include=company --------------------------------------------------------------------------

TEST_F(TestimonialsTest, IncludeCompanyGivesEachItemItsOwnCompanyAsTheCallerMaySeeIt) {
  long long bahn = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long siemens = create_company("siemens", "Siemens AG");
  long long former = create_company("ehemals", "Ehemals GmbH", "former");
  // Interleaved, one without a company and one of a former member: the page holds each company
  // several times or not at all.
  std::vector<std::optional<long long>> company_of = {bahn, siemens, std::nullopt, bahn, former, siemens};
  std::map<long long, std::optional<long long>> expected;
  for (std::size_t i = 0; i < company_of.size(); ++i) {
    json extra = {{"published", true}};
    if (company_of[i]) extra["company_id"] = *company_of[i];
    long long id = create_testimonial(testimonial("Zitat " + std::to_string(i), "Person " + std::to_string(i), extra));
    expected[id] = company_of[i];
  }
  std::map<long long, std::string> names = {
      {bahn, "Deutsche Bahn AG"}, {siemens, "Siemens AG"}, {former, "Ehemals GmbH"}};

  for (bool keyed : {true, false}) {
    auto page = keyed ? client().get("/v1/testimonials?include=company&limit=100", reader())
                      : client().get("/v1/testimonials?include=company&limit=100");
    ASSERT_EQ(page.status, 200) << page.body;
    ASSERT_EQ(page.json().at("items").size(), expected.size()) << page.body;
    json body = page.json();  // kept alive: the loop runs over a part of it
    for (const auto& item : body.at("items")) {
      long long id = item.at("id").get<long long>();
      std::optional<long long> company = expected.at(id);
      ASSERT_TRUE(item.contains("company")) << item.dump();
      // A former member's company is internal knowledge: anonymous callers get null.
      bool visible = company && (keyed || *company != former);
      if (!visible) {
        EXPECT_TRUE(item.at("company").is_null()) << (keyed ? "keyed " : "anonymous ") << item.dump();
        continue;
      }
      EXPECT_EQ(item.at("company").at("id"), *company) << item.dump();
      EXPECT_EQ(item.at("company").at("name"), names.at(*company)) << item.dump();
      EXPECT_EQ(item.at("company").contains("contact_email"), keyed) << item.dump();
    }
  }
}

}  // namespace
}  // namespace zusammen::testing
