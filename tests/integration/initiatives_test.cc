// /v1/initiatives end to end: the real App and Pistache on port 0 over a private
// MariaDB, every write checked through MySQL Connector/C++ (the independent window).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

class InitiativesTest : public ApiTest<InitiativesTest> {
 public:
  static constexpr SuiteSettings kSuite = {
      .database = "initiatives", .writer = "content:write", .reader = "content:read"};

 protected:
  long long create_company(const std::string& slug, const std::string& name, const std::string& status = "active") {
    return created_id(client(), "/v1/companies", company_body(slug, name, status), writer());
  }

  static json initiative(long long company_id, const std::string& title, const json& extra = json::object()) {
    json body = {{"company_id", company_id}, {"title", title}, {"category", "language"}};
    body.update(extra);
    return body;
  }

  long long create_initiative(const json& body) { return created_id(client(), "/v1/initiatives", body, writer()); }

  std::string column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM initiatives WHERE id = " + std::to_string(id));
  }
};

// --- create ---------------------------------------------------------------------------------

TEST_F(InitiativesTest, CreateAnswers201WithLocationETagAndTheNewInitiative) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  json body = {{"company_id", company},
               {"title", "Umschulung Elektroniker für Betriebstechnik"},
               {"summary", "Berufserfahrene Geflüchtete werden zu Elektronikern für Betriebstechnik umgeschult."},
               {"category", "retraining"},
               {"target_group", "Berufserfahrene Geflüchtete"},
               {"city", "Berlin"},
               {"state", "DE-BE"},
               {"start_date", "2017-09-01"},
               {"end_date", "2019-12-31"},
               {"participants", 25},
               {"url", "https://www.deutschebahn.com/umschulung"},
               {"published", true}};
  auto response = client().post("/v1/initiatives", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(IsCreated(response, "/v1/initiatives"));
  json created = response.json();
  long long id = created.at("id").get<long long>();
  for (const auto& [name, value] : body.items()) EXPECT_EQ(created.at(name), value) << name;
  EXPECT_TRUE(created.at("description").is_null());
  EXPECT_EQ(created.at("created_at"), created.at("updated_at"));
  EXPECT_FALSE(created.contains("company"));

  // What the database holds, read past the service.
  EXPECT_EQ(db().count("initiatives"), 1);
  EXPECT_EQ(column("title", id), "Umschulung Elektroniker für Betriebstechnik");
  EXPECT_EQ(column("target_group", id), "Berufserfahrene Geflüchtete");
  EXPECT_EQ(column("company_id", id), std::to_string(company));
  EXPECT_EQ(column("end_date", id), "2019-12-31");
  EXPECT_EQ(column("participants", id), "25");
  EXPECT_EQ(column("published", id), "1");
  EXPECT_EQ(column("version", id), "1");

  auto read = client().get("/v1/initiatives/" + std::to_string(id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);
}

TEST_F(InitiativesTest, CreateWithOnlyRequiredFieldsFillsTheDefaults) {
  long long company = create_company("bosch", "Robert Bosch GmbH");
  auto response = client().post("/v1/initiatives", initiative(company, "Sprachkurs"), writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  EXPECT_EQ(created.at("participants"), 0);
  EXPECT_EQ(created.at("published"), false);
  for (const char* name :
       {"summary", "description", "target_group", "city", "state", "start_date", "end_date", "url"}) {
    EXPECT_TRUE(created.at(name).is_null()) << name;
  }
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(column("published", id), "0");
  EXPECT_EQ(column("participants", id), "0");
  EXPECT_EQ(column("end_date", id), "");
}

TEST_F(InitiativesTest, UnknownCompanyIs422OnCompanyIdAndWritesNothing) {
  long long company = create_company("telekom", "Deutsche Telekom AG");
  auto response = client().post("/v1/initiatives", initiative(company + 4711, "Chance plus"), writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_EQ(response.json().value("type", ""), "/problems/validation-error");
  EXPECT_TRUE(Names(response, {"/company_id"}));
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(InitiativesTest, EndDateBeforeStartDateIs422OnEndDate) {
  long long company = create_company("siemens", "Siemens AG");
  auto response = client().post(
      "/v1/initiatives", initiative(company, "Praktikum", {{"start_date", "2018-11-13"}, {"end_date", "2018-11-12"}}),
      writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_EQ(error_fields(response), std::set<std::string>{"/end_date"});
  EXPECT_EQ(db().count("initiatives"), 0);

  // The same day is not "before".
  auto same_day = client().post(
      "/v1/initiatives", initiative(company, "Praktikum", {{"start_date", "2018-11-13"}, {"end_date", "2018-11-13"}}),
      writer());
  EXPECT_EQ(same_day.status, 201) << same_day.body;
  EXPECT_EQ(db().count("initiatives"), 1);
}

TEST_F(InitiativesTest, SeveralBadFieldsAreNamedAtOnce) {
  long long company = create_company("basf", "BASF SE");
  json body = {{"company_id", company}, {"title", ""},      {"category", "cooking"},
               {"participants", -1},    {"url", "ftp://x"}, {"state", "DE-XX"}};
  auto response = client().post("/v1/initiatives", body, writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(Names(response, {"/title", "/category", "/participants", "/url", "/state"}));
  EXPECT_FALSE(error_fields(response).contains("/company_id"));
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(InitiativesTest, MissingRequiredFieldsAre422) {
  auto response = client().post("/v1/initiatives", json::object(), writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(Names(response, {"/company_id", "/title", "/category"}));
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(InitiativesTest, WrongJsonTypesAre400) {
  long long company = create_company("lidl", "Lidl");
  struct Case {
    json extra;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {{{{"participants", "5"}}, {"/participants"}},
                             {{{"published", "yes"}}, {"/published"}},
                             {{{"participants", "5"}, {"published", "yes"}}, {"/participants", "/published"}},
                             {{{"company_id", std::to_string(company)}}, {"/company_id"}},
                             {{{"participants", 2.5}}, {"/participants"}},
                             {{{"title", 42}}, {"/title"}}};
  for (const auto& c : cases) {
    auto response = client().post("/v1/initiatives", initiative(company, "Ausbildung", c.extra), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.extra.dump();
    EXPECT_EQ(response.json().value("type", ""), "/problems/bad-request");
    EXPECT_TRUE(Names(response, c.fields)) << c.extra.dump();
  }
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(InitiativesTest, ReadOnlyAndUnknownFieldsAre400OnCreateAndPatch) {
  long long company = create_company("rewe", "REWE Group");
  std::vector<std::pair<std::string, json>> fields = {
      {"id", 99},     {"created_at", "2018-11-13T09:00:00Z"}, {"updated_at", "2018-11-13T09:00:00Z"},
      {"version", 3}, {"company", json{{"id", company}}},     {"colour", "blue"}};
  for (const auto& [name, value] : fields) {
    auto response = client().post("/v1/initiatives", initiative(company, "Mentoring", {{name, value}}), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(Names(response, {"/" + name})) << name;
  }
  EXPECT_EQ(db().count("initiatives"), 0);

  long long id = create_initiative(initiative(company, "Mentoring"));
  for (const auto& [name, value] : fields) {
    auto response = client().patch("/v1/initiatives/" + std::to_string(id), {{name, value}}, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(Names(response, {"/" + name})) << name;
  }
  EXPECT_EQ(column("version", id), "1");
  EXPECT_EQ(column("title", id), "Mentoring");
}

TEST_F(InitiativesTest, UnreadableBodiesAre400AndWrongMediaTypeIs415) {
  long long company = create_company("metro", "METRO AG");
  ExpectUnreadableBodiesRefused(client(), "/v1/initiatives", writer(),
                                {"{\"title\": ", "[]", "\"text\"", "", "{\"title\": \"\xff\xfe\"}"},
                                initiative(company, "Sprachkurs"));
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(InitiativesTest, BadIdsInThePathAre400AndUnknownIdsAre404) {
  ExpectBadIdsRefused(client(), "/v1/initiatives", reader(), {"12abc", "0", "-1", "1.5", "abc", "99999999999999999999"},
                      /*names_exactly=*/false);
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/4711", reader()), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/4711"), 404));
  EXPECT_TRUE(IsProblem(client().patch("/v1/initiatives/4711", {{"title", "x"}}, writer()), 404));
  EXPECT_TRUE(IsProblem(client().patch("/v1/initiatives/12abc", {{"title", "x"}}, writer()), 400));
  EXPECT_EQ(db().count("initiatives"), 0);
}

// --- merge patch ----------------------------------------------------------------------------

TEST_F(InitiativesTest, MergePatchSetsClearsAndKeepsFieldsAndBumpsTheVersion) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(initiative(company, "Chance plus",
                                              {{"category", "qualification"},
                                               {"summary", "Einstiegsqualifizierung"},
                                               {"start_date", "2016-09-01"},
                                               {"end_date", "2019-08-31"},
                                               {"participants", 120}}));
  std::string path = "/v1/initiatives/" + std::to_string(id);

  auto patched = client().patch(path, {{"end_date", nullptr}, {"published", true}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  json after = patched.json();
  EXPECT_TRUE(after.at("end_date").is_null());
  EXPECT_EQ(after.at("published"), true);
  EXPECT_EQ(after.at("version"), 2);
  EXPECT_EQ(after.at("title"), "Chance plus");
  EXPECT_EQ(after.at("summary"), "Einstiegsqualifizierung");
  EXPECT_EQ(after.at("start_date"), "2016-09-01");
  EXPECT_EQ(after.at("participants"), 120);
  EXPECT_TRUE(matches(patched.header("etag").value_or(""), R"("2-[0-9a-f]{16}")"));
  EXPECT_EQ(column("end_date", id), "");
  EXPECT_EQ(column("published", id), "1");
  EXPECT_EQ(column("version", id), "2");
  EXPECT_EQ(column("start_date", id), "2016-09-01");

  // published toggles back; application/json is accepted as well.
  Headers plain_json = writer();
  plain_json["Content-Type"] = "application/json";
  auto toggled = client().patch(path, {{"published", false}}, plain_json);
  ASSERT_EQ(toggled.status, 200) << toggled.body;
  EXPECT_EQ(toggled.json().at("published"), false);
  EXPECT_EQ(toggled.json().at("version"), 3);
  EXPECT_EQ(column("published", id), "0");
  EXPECT_EQ(column("version", id), "3");

  // The patch is merged before the rules run: end before the stored start is a 422.
  auto backwards = client().patch(path, {{"end_date", "2016-08-31"}}, writer());
  EXPECT_TRUE(IsProblem(backwards, 422));
  EXPECT_TRUE(Names(backwards, {"/end_date"}));
  // null for a field that is not nullable is a 422, not a clear.
  auto null_title = client().patch(path, {{"title", nullptr}, {"published", nullptr}}, writer());
  EXPECT_TRUE(IsProblem(null_title, 422));
  EXPECT_TRUE(Names(null_title, {"/title", "/published"}));
  // Unknown company on a patch too.
  auto moved = client().patch(path, {{"company_id", company + 999}}, writer());
  EXPECT_TRUE(IsProblem(moved, 422));
  EXPECT_TRUE(Names(moved, {"/company_id"}));
  EXPECT_EQ(column("version", id), "3");
  EXPECT_EQ(column("end_date", id), "");
  EXPECT_EQ(column("title", id), "Chance plus");
}

TEST_F(InitiativesTest, EmptyMergePatchChangesNothing) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(initiative(company, "Chance plus"));
  std::string before =
      db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM initiatives WHERE id = " + std::to_string(id));
  auto response = client().patch("/v1/initiatives/" + std::to_string(id), json::object(), writer());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().at("version"), 1);
  EXPECT_EQ(db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM initiatives WHERE id = " + std::to_string(id)),
            before);
  // Values the initiative already holds are no change either.
  auto same = client().patch("/v1/initiatives/" + std::to_string(id),
                             {{"title", "Chance plus"}, {"published", false}, {"end_date", nullptr}}, writer());
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json().at("version"), 1);
  EXPECT_TRUE(matches(same.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  EXPECT_EQ(db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM initiatives WHERE id = " + std::to_string(id)),
            before);
}

TEST_F(InitiativesTest, IfMatchWithAStaleETagIs412AndChangesNothing) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  auto created = client().post("/v1/initiatives", initiative(company, "Chance plus"), writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json().at("id").get<long long>();
  std::string path = "/v1/initiatives/" + std::to_string(id);
  std::string first_etag = created.header("etag").value_or("");

  Headers current = writer();
  current["If-Match"] = first_etag;
  auto first = client().patch(path, {{"participants", 10}}, current);
  ASSERT_EQ(first.status, 200) << first.body;
  std::string second_etag = first.header("etag").value_or("");
  EXPECT_NE(second_etag, first_etag);

  // A second editor still holding version 1.
  auto stale = client().patch(path, {{"participants", 99}}, current);
  EXPECT_TRUE(IsProblem(stale, 412));
  EXPECT_EQ(column("participants", id), "10");
  EXPECT_EQ(column("version", id), "2");

  Headers garbage = writer();
  garbage["If-Match"] = "not-an-etag";
  EXPECT_TRUE(IsProblem(client().patch(path, {{"participants", 99}}, garbage), 412));
  EXPECT_EQ(column("participants", id), "10");

  auto stale_delete = client().del(path, current);
  EXPECT_TRUE(IsProblem(stale_delete, 412));
  EXPECT_EQ(db().count("initiatives"), 1);

  Headers fresh = writer();
  fresh["If-Match"] = second_etag;
  auto ok = client().patch(path, {{"participants", 11}}, fresh);
  EXPECT_EQ(ok.status, 200) << ok.body;
  Headers any = writer();
  any["If-Match"] = "*";
  auto star = client().patch(path, {{"participants", 12}}, any);
  EXPECT_EQ(star.status, 200) << star.body;
  EXPECT_EQ(column("participants", id), "12");
  EXPECT_EQ(column("version", id), "4");
}

// --- delete ---------------------------------------------------------------------------------

TEST_F(InitiativesTest, DeleteAnswers204ThenTheInitiativeIsGone) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long keep = create_initiative(initiative(company, "Bleibt"));
  long long id = create_initiative(initiative(company, "Geht"));
  std::string path = "/v1/initiatives/" + std::to_string(id);

  ExpectDeletes(client(), db(), "/v1/initiatives", "initiatives", id, keep, writer());
  EXPECT_TRUE(IsProblem(client().del(path, writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(path, reader()), 404));
  EXPECT_TRUE(IsProblem(client().del("/v1/initiatives/abc", writer()), 400));
  EXPECT_EQ(db().count("initiatives"), 1);
}

// --- access ---------------------------------------------------------------------------------

TEST_F(InitiativesTest, AnonymousCallersSeeOnlyPublishedInitiativesOfActiveCompanies) {
  long long active = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long former = create_company("ehemalig", "Ehemalige GmbH", "former");
  long long published = create_initiative(initiative(active, "Chance plus", {{"published", true}}));
  long long draft = create_initiative(initiative(active, "Entwurf", {{"published", false}}));
  long long of_former = create_initiative(initiative(former, "Altes Projekt", {{"published", true}}));

  EXPECT_EQ(client().get("/v1/initiatives/" + std::to_string(published)).status, 200);
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/" + std::to_string(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/" + std::to_string(of_former)), 404));

  auto anonymous = client().get("/v1/initiatives");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  EXPECT_EQ(ids_of(anonymous), (std::set<long long>{published}));
  EXPECT_TRUE(anonymous.json().at("next_cursor").is_null());
  auto anonymous_drafts = client().get("/v1/initiatives?published=false");
  ASSERT_EQ(anonymous_drafts.status, 200);
  EXPECT_TRUE(ids_of(anonymous_drafts).empty());
  auto anonymous_former = client().get("/v1/initiatives?company_id=" + std::to_string(former));
  ASSERT_EQ(anonymous_former.status, 200);
  EXPECT_TRUE(ids_of(anonymous_former).empty());

  // A key with content:read sees everything.
  for (long long id : {published, draft, of_former}) {
    EXPECT_EQ(client().get("/v1/initiatives/" + std::to_string(id), reader()).status, 200) << id;
  }
  auto keyed = client().get("/v1/initiatives", reader());
  ASSERT_EQ(keyed.status, 200);
  EXPECT_EQ(ids_of(keyed), (std::set<long long>{published, draft, of_former}));

  // A company that leaves the network takes its initiatives out of public view.
  auto left = client().patch("/v1/companies/" + std::to_string(active), {{"status", "former"}}, writer());
  ASSERT_EQ(left.status, 200) << left.body;
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/" + std::to_string(published)), 404));
  EXPECT_TRUE(ids_of(client().get("/v1/initiatives")).empty());
}

// --- filters, sorting, pagination -----------------------------------------------------------

TEST_F(InitiativesTest, FiltersNarrowTheList) {
  long long a = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long b = create_company("bosch", "Robert Bosch GmbH");
  long long i1 = create_initiative(initiative(a, "Deutschkurs für Geflüchtete",
                                              {{"category", "language"},
                                               {"state", "DE-BE"},
                                               {"published", true},
                                               {"start_date", "2018-01-01"},
                                               {"end_date", "2018-12-31"}}));
  long long i2 = create_initiative(initiative(a, "Patenschaften",
                                              {{"category", "mentoring"},
                                               {"state", "DE-BY"},
                                               {"published", false},
                                               {"description", "Mentoren begleiten Geflüchtete im Alltag."},
                                               {"end_date", "2018-06-30"}}));
  long long i3 = create_initiative(
      initiative(b, "Sprachcafé",
                 {{"category", "language"}, {"state", "DE-BY"}, {"published", true}, {"start_date", "2018-07-01"}}));
  long long i4 = create_initiative(initiative(
      b, "Praktikum Logistik",
      {{"category", "internship"}, {"published", true}, {"start_date", "2019-01-01"}, {"end_date", "2019-03-31"}}));
  long long i5 = create_initiative(initiative(b, "Chance plus",
                                              {{"category", "qualification"},
                                               {"state", "DE-BE"},
                                               {"published", true},
                                               {"summary", "Einstiegsqualifizierung für junge Menschen"}}));

  auto ids = [&](const std::string& query, const Headers& headers) {
    return listed_id_set(client(), "/v1/initiatives?" + query, headers);
  };
  using Ids = std::set<long long>;
  EXPECT_EQ(ids("company_id=" + std::to_string(a), reader()), (Ids{i1, i2}));
  EXPECT_EQ(ids("category=language", reader()), (Ids{i1, i3}));
  EXPECT_EQ(ids("state=DE-BY", reader()), (Ids{i2, i3}));
  EXPECT_EQ(ids("category=language&state=DE-BY", reader()), (Ids{i3}));
  EXPECT_EQ(ids("published=false", reader()), (Ids{i2}));
  EXPECT_EQ(ids("published=true", reader()), (Ids{i1, i3, i4, i5}));
  // Open start or end dates count as open.
  EXPECT_EQ(ids("active_on=2018-08-15", reader()), (Ids{i1, i3, i5}));
  EXPECT_EQ(ids("active_on=2018-03-01", reader()), (Ids{i1, i2, i5}));
  EXPECT_EQ(ids("active_on=2018-06-30", reader()), (Ids{i1, i2, i5}));
  EXPECT_EQ(ids("active_on=2030-01-01", reader()), (Ids{i3, i5}));
  // Full text, umlauts percent-encoded as UTF-8; '+' is a space.
  EXPECT_EQ(ids("q=Gefl%C3%BCchtete", reader()), (Ids{i1, i2}));
  EXPECT_EQ(ids("q=Gefl%C3%BCchtete", {}), (Ids{i1}));
  EXPECT_EQ(ids("q=Deutschkurs+Gefl%C3%BCchtete", reader()), (Ids{i1}));
  EXPECT_EQ(ids("q=Sprachcaf%C3%A9", reader()), (Ids{i3}));
  EXPECT_EQ(ids("q=Einstiegsqualifizierung", reader()), (Ids{i5}));
  EXPECT_EQ(ids("q=Schiffbau", reader()), (Ids{}));
  (void)i4;
}

TEST_F(InitiativesTest, UpdatedSinceListsWhatChangedAtOrAfterTheInstant) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long older = create_initiative(initiative(company, "Alt"));
  long long changed = create_initiative(initiative(company, "Neu"));
  ASSERT_EQ(client().patch("/v1/initiatives/" + std::to_string(changed), {{"participants", 3}}, writer()).status, 200);
  // At the exact instant of the change, with microseconds, read past the service.
  ExpectUpdatedSinceListsTheChange(client(), db(), "/v1/initiatives", "initiatives", reader(), older, changed);
}

TEST_F(InitiativesTest, BadQueryParametersAre400NamingTheParameter) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"category=cooking", "category"}, {"state=DE-XX", "state"},
      {"published=yes", "published"},   {"active_on=2018-13-01", "active_on"},
      {"company_id=abc", "company_id"}, {"updated_since=yesterday", "updated_since"},
      {"sort=colour", "sort"},          {"limit=0", "limit"},
      {"limit=101", "limit"},           {"cursor=%21%21", "cursor"},
      {"include=bogus", "include"},     {"include=company,bogus", "include"},
      {"colour=blue", "colour"},        {"q=", "q"}};
  for (const auto& [query, name] : cases) {
    auto response = client().get("/v1/initiatives?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_TRUE(Names(response, {name})) << query;
  }
}

TEST_F(InitiativesTest, SortsByTitleAndByParticipants) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long berufssprache = create_initiative(initiative(company, "Berufssprache", {{"participants", 40}}));
  long long aerzte = create_initiative(initiative(company, "Ärztliche Begleitung", {{"participants", 10}}));
  long long chance = create_initiative(initiative(company, "Chance plus", {{"participants", 40}}));
  long long azubi = create_initiative(initiative(company, "Azubi-Coaching", {{"participants", 5}}));

  auto by_title = client().get("/v1/initiatives?sort=title", reader());
  ASSERT_EQ(by_title.status, 200) << by_title.body;
  // German collation: Ä sorts with A.
  EXPECT_EQ(ids_in_order(by_title), (std::vector<long long>{aerzte, azubi, berufssprache, chance}));
  auto default_sort = client().get("/v1/initiatives", reader());
  EXPECT_EQ(ids_in_order(default_sort), ids_in_order(by_title));
  auto by_title_desc = client().get("/v1/initiatives?sort=-title", reader());
  EXPECT_EQ(ids_in_order(by_title_desc), (std::vector<long long>{chance, berufssprache, azubi, aerzte}));

  auto participants = [](const HttpResult& r) {
    std::vector<int> out;
    json body = r.json();
    for (const auto& item : body.at("items")) out.push_back(item.at("participants").get<int>());
    return out;
  };
  auto most = client().get("/v1/initiatives?sort=-participants", reader());
  ASSERT_EQ(most.status, 200) << most.body;
  EXPECT_EQ(participants(most), (std::vector<int>{40, 40, 10, 5}));
  auto least = client().get("/v1/initiatives?sort=participants", reader());
  ASSERT_EQ(least.status, 200) << least.body;
  EXPECT_EQ(participants(least), (std::vector<int>{5, 10, 40, 40}));
  ASSERT_FALSE(ids_in_order(least).empty());
  EXPECT_EQ(ids_in_order(least).front(), azubi);
}

TEST_F(InitiativesTest, CursorPaginationWalksEveryRowExactlyOnce) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  std::set<long long> published;
  std::set<long long> all;
  for (int n = 0; n < 27; ++n) {
    bool is_published = n % 7 != 3;  // 4 drafts
    // Few distinct participant values and repeated titles: ties that only the id can break.
    long long id = create_initiative(initiative(company, "Initiative " + std::to_string(n % 9),
                                                {{"participants", (n * 5) % 4}, {"published", is_published}}));
    all.insert(id);
    if (is_published) published.insert(id);
  }
  ASSERT_EQ(published.size(), 23u);

  ExpectCursorWalks(
      client(),
      {.collection = "/v1/initiatives",
       .sorts = {{"", false}, {"-participants", false}, {"title", true}, {"participants", true}, {"-created_at", true}},
       .keyed_headers = reader(),
       .all = all,
       .published = published,
       .follow_link = true});
}

TEST_F(InitiativesTest, PaginationIsStableUnderInserts) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  std::set<long long> original;
  for (int n = 0; n < 10; ++n) {
    original.insert(create_initiative(initiative(company, "M-" + std::to_string(10 + n))));
  }
  auto first = client().get("/v1/initiatives?limit=4&sort=title", reader());
  ASSERT_EQ(first.status, 200);
  std::vector<long long> seen = ids_in_order(first);
  // Inserted behind the reader's position: it must not shift what the next pages hold.
  create_initiative(initiative(company, "A-davor"));
  json cursor = first.json().at("next_cursor");
  while (!cursor.is_null()) {
    auto page = client().get("/v1/initiatives?limit=4&sort=title&cursor=" + cursor.get<std::string>(), reader());
    ASSERT_EQ(page.status, 200) << page.body;
    auto ids = ids_in_order(page);
    seen.insert(seen.end(), ids.begin(), ids.end());
    cursor = page.json().at("next_cursor");
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<long long>(seen.begin(), seen.end()), original);

  // A cursor made for one sort order is refused for another.
  auto other = client().get(
      "/v1/initiatives?limit=4&sort=-participants&cursor=" + first.json().at("next_cursor").get<std::string>(),
      reader());
  EXPECT_TRUE(IsProblem(other, 400));
  EXPECT_TRUE(Names(other, {"cursor"}));
}

// --- embedding ------------------------------------------------------------------------------

TEST_F(InitiativesTest, IncludeCompanyEmbedsTheCompanyAsTheCallerMaySeeIt) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(initiative(company, "Chance plus", {{"published", true}}));
  std::string item = "/v1/initiatives/" + std::to_string(id);

  auto check = [&](const json& embedded, bool internal, const std::string& where) {
    ExpectEmbeddedCompany(embedded, company, "Deutsche Bahn AG", "deutsche-bahn", internal, where);
  };

  auto anonymous_list = client().get("/v1/initiatives?include=company");
  ASSERT_EQ(anonymous_list.status, 200) << anonymous_list.body;
  ASSERT_EQ(anonymous_list.json().at("items").size(), 1u);
  check(anonymous_list.json()["items"][0].at("company"), false, "anonymous list");
  auto keyed_list = client().get("/v1/initiatives?include=company", reader());
  ASSERT_EQ(keyed_list.status, 200) << keyed_list.body;
  check(keyed_list.json()["items"][0].at("company"), true, "keyed list");

  ASSERT_NO_FATAL_FAILURE(
      ExpectItemEmbedsCompany(client(), item, reader(), company, "Deutsche Bahn AG", "deutsche-bahn"));
  EXPECT_FALSE(client().get("/v1/initiatives").json()["items"][0].contains("company"));

  for (const std::string& path : {item + "?include=bogus", std::string("/v1/initiatives?include=bogus"),
                                  item + "?include=company,bogus", item + "?include="}) {
    auto bad = client().get(path);
    EXPECT_TRUE(IsProblem(bad, 400)) << path;
    EXPECT_TRUE(Names(bad, {"include"})) << path;
  }
}

// --- conditional requests -------------------------------------------------------------------

TEST_F(InitiativesTest, ETagsAnswerIfNoneMatchWith304OnItemAndList) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(initiative(company, "Chance plus", {{"published", true}}));
  std::string item = "/v1/initiatives/" + std::to_string(id);

  auto first = client().get(item);
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag").value_or("");
  EXPECT_TRUE(matches(etag, R"("1-[0-9a-f]{16}")")) << etag;
  EXPECT_TRUE(first.header("cache-control").has_value());

  auto same = client().get(item, {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(same.header("etag").value_or(""), etag);
  EXPECT_EQ(client().get(item, {{"If-None-Match", "\"0-0000000000000000\", " + etag}}).status, 304);
  EXPECT_EQ(client().get(item, {{"If-None-Match", "\"1-0000000000000000\""}}).status, 200);

  ASSERT_EQ(client().patch(item, {{"participants", 7}}, writer()).status, 200);
  auto changed = client().get(item, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag").value_or(""), etag);
  EXPECT_EQ(changed.json().at("participants"), 7);

  auto list = client().get("/v1/initiatives");
  ASSERT_EQ(list.status, 200);
  std::string list_etag = list.header("etag").value_or("");
  EXPECT_TRUE(matches(list_etag, R"("[!#-~]+")")) << list_etag;
  auto list_same = client().get("/v1/initiatives", {{"If-None-Match", list_etag}});
  EXPECT_EQ(list_same.status, 304);
  EXPECT_TRUE(list_same.body.empty());
  EXPECT_EQ(client().get("/v1/initiatives", {{"If-None-Match", "W/" + list_etag}}).status, 304);

  create_initiative(initiative(company, "Noch eine", {{"published", true}}));
  auto list_changed = client().get("/v1/initiatives", {{"If-None-Match", list_etag}});
  EXPECT_EQ(list_changed.status, 200);
  EXPECT_NE(list_changed.header("etag").value_or(""), list_etag);
  EXPECT_EQ(list_changed.json().at("items").size(), 2u);
}

}  // namespace
}  // namespace zusammen::testing
