// /v1/companies end to end, filters and access: state, sector, status, full-text search and
// updated_since; former companies hidden from anonymous callers; 401 and 403 for writes without the
// right key.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "companies_fixture.h"

namespace zusammen::testing {
namespace {

const SuiteSettings CompaniesTest::kSuite = {
    .database = "companies_filter", .writer = "content:write", .reader = "content:read"};

// Filters

TEST_F(CompaniesTest, FiltersByStateSectorAndStatus) {
  long long bahn = create_id("Deutsche Bahn AG", {{"state", "DE-BE"}, {"sector", "Mobilität und Logistik"}});
  long long lufthansa = create_id("Lufthansa", {{"state", "DE-HE"}, {"sector", "Mobilität und Logistik"}});
  long long siemens = create_id("Siemens AG", {{"state", "DE-BY"}, {"sector", "Industrie"}});
  long long post = create_id("Deutsche Post", {{"state", "DE-NW"}, {"sector", "Logistik"}, {"status", "former"}});
  long long berlin_former = create_id("Berliner Altfirma", {{"state", "DE-BE"}, {"status", "former"}});

  auto ids = [&](const std::string& query, const Headers& who) { return list_id_set("/v1/companies?" + query, who); };
  EXPECT_EQ(ids("state=DE-BE", reader()), (std::set<long long>{bahn, berlin_former}));
  EXPECT_EQ(ids("state=DE-BE", {}), (std::set<long long>{bahn}));
  EXPECT_EQ(ids("state=DE-SL", reader()), std::set<long long>{});
  EXPECT_EQ(ids("sector=" + api::url_encode("Mobilität und Logistik"), {}), (std::set<long long>{bahn, lufthansa}));
  EXPECT_EQ(ids("sector=Mobilit%C3%A4t+und+Logistik", {}), (std::set<long long>{bahn, lufthansa}));
  EXPECT_EQ(ids("sector=" + api::url_encode("MOBILITÄT UND LOGISTIK"), {}), (std::set<long long>{bahn, lufthansa}))
      << "sector is matched case-insensitively";
  EXPECT_EQ(ids("sector=Logistik", reader()), (std::set<long long>{post})) << "sector is an exact match";
  EXPECT_EQ(ids("sector=Industrie&state=DE-BY", {}), (std::set<long long>{siemens}));
  EXPECT_EQ(ids("sector=Industrie&state=DE-BE", {}), std::set<long long>{});
  EXPECT_EQ(ids("status=former", reader()), (std::set<long long>{post, berlin_former}));
  EXPECT_EQ(ids("status=active", reader()), (std::set<long long>{bahn, lufthansa, siemens}));
  EXPECT_EQ(ids("status=active", {}), (std::set<long long>{bahn, lufthansa, siemens}));

  for (const char* bad : {"state=BE", "state=DE-XX", "state=", "status=pausiert", "status=", "sector="}) {
    auto res = client().get(std::string("/v1/companies?") + bad);
    EXPECT_TRUE(IsProblem(res, 400)) << bad;
    EXPECT_EQ(error_fields(res).size(), 1u) << bad << " " << res.body;
  }
}

TEST_F(CompaniesTest, AnonymousCallersNeverSeeFormerCompanies) {
  long long active = create_id("Aktiv AG");
  long long former = create_id("Ehemals Flüchtlingshilfe AG", {{"status", "former"}});
  std::string former_path = "/v1/companies/" + std::to_string(former);

  auto list = client().get("/v1/companies");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_EQ(list.json()["items"][0]["id"], active);
  EXPECT_EQ(list.body.find("Ehemals"), std::string::npos);
  auto filtered = client().get("/v1/companies?status=former");
  ASSERT_EQ(filtered.status, 200);
  EXPECT_TRUE(filtered.json()["items"].empty()) << filtered.body;
  auto searched = client().get("/v1/companies?q=Ehemals");
  ASSERT_EQ(searched.status, 200);
  EXPECT_TRUE(searched.json()["items"].empty()) << searched.body;
  auto sorted = client().get("/v1/companies?sort=-created_at&limit=100");
  ASSERT_EQ(sorted.status, 200);
  EXPECT_EQ(sorted.json()["items"].size(), 1u);

  auto by_id = client().get(former_path);
  EXPECT_TRUE(IsProblem(by_id, 404));
  EXPECT_EQ(by_id.body.find("Ehemals"), std::string::npos);

  // content:read sees it, and so does content:write (which grants read).
  for (const Headers& keyed : {reader(), writer()}) {
    auto item = client().get(former_path, keyed);
    ASSERT_EQ(item.status, 200) << item.body;
    EXPECT_EQ(item.json()["status"], "former");
    auto keyed_list = client().get("/v1/companies", keyed);
    ASSERT_EQ(keyed_list.status, 200);
    EXPECT_EQ(keyed_list.json()["items"].size(), 2u);
  }

  // An active company that becomes former disappears for anonymous callers.
  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(active), {{"status", "former"}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().get("/v1/companies/" + std::to_string(active)), 404));
  EXPECT_TRUE(client().get("/v1/companies").json()["items"].empty());
}

TEST_F(CompaniesTest, FullTextSearch) {
  long long bahn =
      create_id("Deutsche Bahn AG", {{"description", "Ausbildungsplätze und Sprachkurse für Geflüchtete."}});
  long long siemens = create_id("Siemens AG", {{"description", "Integration durch Praktika für Flüchtlinge."}});
  long long daimler =
      create_id("Daimler AG", {{"description", "Brückenpraktikum; Integration von Geflüchteten in Arbeit."}});
  long long telekom = create_id("Deutsche Telekom", {{"description", "Nichts davon hier."}});

  auto ids = [&](const std::string& query) { return list_id_set("/v1/companies?" + query); };
  // An umlaut word, percent-encoded as UTF-8.
  EXPECT_EQ(ids("q=Gefl%C3%BCchtete"), (std::set<long long>{bahn, daimler}))
      << "Geflüchtete* also matches Geflüchteten";
  EXPECT_EQ(ids("q=" + api::url_encode("geflüchtete")), (std::set<long long>{bahn, daimler})) << "case-insensitive";
  // Prefixes.
  EXPECT_EQ(ids("q=Ausbild"), (std::set<long long>{bahn}));
  EXPECT_EQ(ids("q=" + api::url_encode("Flücht")), (std::set<long long>{siemens}));
  EXPECT_EQ(ids("q=Br%C3%BCcken"), (std::set<long long>{daimler}));
  // Names are searched as well.
  EXPECT_EQ(ids("q=Deutsche"), (std::set<long long>{bahn, telekom}));
  // '+'-separated words: every word must match.
  EXPECT_EQ(ids("q=Integration+Gefl%C3%BCchtete"), (std::set<long long>{daimler}));
  EXPECT_EQ(ids("q=Integration%20Praktika"), (std::set<long long>{siemens}));
  EXPECT_EQ(ids("q=Integration"), (std::set<long long>{siemens, daimler}));
  EXPECT_EQ(ids("q=Deutsche+Bahn"), (std::set<long long>{bahn}));
  // No match: an empty page.
  auto none = client().get("/v1/companies?q=Xylophon");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json()["items"].is_array());
  EXPECT_TRUE(none.json()["items"].empty());
  EXPECT_TRUE(none.json()["next_cursor"].is_null());
  // Search characters are words' separators, not operators or errors.
  EXPECT_EQ(ids("q=" + api::url_encode("Geflüchtete\" -Bahn")), (std::set<long long>{bahn}))
      << "i.e. +Geflüchtete* +Bahn*";
  EXPECT_EQ(ids("q=" + api::url_encode("(Sprachkurse*)")), (std::set<long long>{bahn}));
  // Combined with another filter.
  auto first = client().get("/v1/companies?q=Gefl%C3%BCchtete&sort=-name&limit=1");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(items_of(first).size(), 1u);
  EXPECT_EQ(items_of(first)[0]["id"], bahn) << "Deutsche Bahn sorts after Daimler";
  EXPECT_EQ(walk("q=Gefl%C3%BCchtete&sort=-name&limit=1", {}), (std::vector<long long>{bahn, daimler}));

  auto too_long = client().get("/v1/companies?q=" + repeat("a", 201));
  EXPECT_TRUE(IsProblem(too_long, 400));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies?q="), 400));
}

TEST_F(CompaniesTest, UpdatedSinceFilter) {
  long long old_one = create_id("Alt AG");
  long long old_two = create_id("Älter AG");
  long long fresh = create_id("Neu AG");
  execute("UPDATE companies SET updated_at = '2018-06-01 12:00:00', created_at = '2018-06-01 12:00:00' WHERE id = " +
          std::to_string(old_one));
  execute("UPDATE companies SET updated_at = '2018-05-01 00:00:00', created_at = '2018-05-01 00:00:00' WHERE id = " +
          std::to_string(old_two));

  auto ids = [&](const std::string& since) { return list_id_set("/v1/companies?updated_since=" + since); };
  EXPECT_EQ(ids("2099-01-01T00:00:00Z"), std::set<long long>{});
  EXPECT_EQ(ids("2000-01-01T00:00:00Z"), (std::set<long long>{old_one, old_two, fresh}));
  EXPECT_EQ(ids("2018-06-01T12:00:00Z"), (std::set<long long>{old_one, fresh})) << "at or after";
  EXPECT_EQ(ids("2018-06-01T12:00:01Z"), (std::set<long long>{fresh}));
  EXPECT_EQ(ids("2018-06-01T14:00:00%2B02:00"), (std::set<long long>{old_one, fresh}))
      << "an offset is converted to UTC";
  EXPECT_EQ(ids("2018-06-01T11:59:59.5Z"), (std::set<long long>{old_one, fresh}));

  // A change moves a row into the window.
  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(old_two), {{"city", "Jena"}}, writer()).status, 200);
  EXPECT_EQ(ids("2018-06-01T12:00:01Z"), (std::set<long long>{old_two, fresh}));

  for (const char* bad : {"gestern", "2018-06-01", "2018-06-01T12:00:00", "2018-02-30T00:00:00Z",
                          "2018-06-01 12:00:00Z", "2018-06-01T25:00:00Z", ""}) {
    auto res = client().get("/v1/companies?updated_since=" + api::url_encode(bad));
    EXPECT_TRUE(IsProblem(res, 400)) << bad;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"updated_since"}) << bad << " " << res.body;
  }
}

TEST_F(CompaniesTest, UnknownQueryParametersAre400) {
  long long id = create_id("Parameter AG");
  for (const char* query : {"?foo=bar", "?page=2", "?limit=5&offset=10", "?Sort=name", "?include=company"}) {
    auto res = client().get(std::string("/v1/companies") + query);
    EXPECT_TRUE(IsProblem(res, 400)) << query;
    EXPECT_FALSE(error_fields(res).empty()) << res.body;
  }
  auto item = client().get("/v1/companies/" + std::to_string(id) + "?fields=name");
  EXPECT_TRUE(IsProblem(item, 400));
  EXPECT_EQ(error_fields(item), std::set<std::string>{"fields"}) << item.body;
  EXPECT_EQ(error_fields(client().get("/v1/companies?foo=1")), std::set<std::string>{"foo"});
}

// openapi.yaml: "Unknown or repeated query parameters are a 400." (One of two values must not win silently.)
// Pistache keeps one value per query parameter name: the first (openapi.yaml says so).
TEST_F(CompaniesTest, RepeatedQueryParametersCountWithTheirFirstValue) {
  create_id("Parameter AG", {{"state", "DE-BE"}});
  create_id("Bayern AG", {{"state", "DE-BY"}});
  EXPECT_TRUE(IsProblem(client().get("/v1/companies?limit=abc&limit=6"), 400));
  auto berlin = client().get("/v1/companies?state=DE-BE&state=DE-BY");
  ASSERT_EQ(berlin.status, 200) << berlin.body;
  ASSERT_EQ(berlin.json()["items"].size(), 1u) << berlin.body;
  EXPECT_EQ(berlin.json()["items"][0]["state"], "DE-BE");
}

// ---------------------------------------------------------------------------------------------
// Access

TEST_F(CompaniesTest, WritesWithoutAKeyAre401) {
  long long id = create_id("Geschützt AG");
  std::string path = "/v1/companies/" + std::to_string(id);
  std::vector<HttpResult> answers = {client().post("/v1/companies", {{"slug", "anonym"}, {"name", "Anonym"}}),
                                     client().patch(path, {{"city", "Berlin"}}), client().del(path)};
  for (const auto& res : answers) {
    EXPECT_TRUE(IsProblem(res, 401));
    auto challenge = res.header("www-authenticate").value_or("");
    EXPECT_EQ(challenge.rfind("Bearer", 0), 0u) << challenge;
  }
  EXPECT_EQ(companies(), 1);
  EXPECT_EQ(column(id, "version"), "1");
  EXPECT_EQ(column(id, "city IS NULL"), "1");
}

TEST_F(CompaniesTest, ReadOnlyKeysCannotWrite) {
  long long id = create_id("Geschützt AG");
  std::string path = "/v1/companies/" + std::to_string(id);
  for (const auto& key : {reader_key_, server().key({"registrations:write"})}) {
    std::vector<HttpResult> answers = {
        client().post("/v1/companies", {{"slug", "lesend"}, {"name", "Lesend"}}, bearer(key)),
        client().patch(path, {{"city", "Berlin"}}, bearer(key)), client().del(path, bearer(key))};
    for (const auto& res : answers) {
      EXPECT_TRUE(IsProblem(res, 403));
      EXPECT_EQ(res.json()["type"], "/problems/forbidden");
    }
  }
  // A key without any content scope may not read as a keyed caller either.
  auto other = server().key({"registrations:read"});
  EXPECT_TRUE(IsProblem(client().get(path, bearer(other)), 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies", bearer(other)), 403));
  EXPECT_EQ(companies(), 1);
  EXPECT_EQ(column(id, "version"), "1");
}

TEST_F(CompaniesTest, RevokedKeysAre401) {
  std::string key = server().key({"content:write"});
  auto before = client().post("/v1/companies", {{"slug", "vorher"}, {"name", "Vorher AG"}}, bearer(key));
  ASSERT_EQ(before.status, 201) << before.body;
  long long id = before.json()["id"].get<long long>();

  auto keys = server().app().services().api_keys.list();
  ASSERT_TRUE(keys.ok());
  long long key_id = 0;
  for (const auto& k : *keys) {
    if (!k.prefix.empty() && key.rfind(k.prefix, 0) == 0 && !k.revoked_at) key_id = k.id;
  }
  ASSERT_NE(key_id, 0) << "the key is not in the list";
  ASSERT_TRUE(server().app().services().api_keys.revoke(key_id).ok());

  std::string path = "/v1/companies/" + std::to_string(id);
  std::vector<HttpResult> answers = {
      client().post("/v1/companies", {{"slug", "nachher"}, {"name", "Nachher AG"}}, bearer(key)),
      client().patch(path, {{"city", "Berlin"}}, bearer(key)), client().del(path, bearer(key)),
      client().get(path, bearer(key)), client().get("/v1/companies", bearer(key))};
  for (const auto& res : answers) {
    EXPECT_TRUE(IsProblem(res, 401));
    EXPECT_EQ(res.header("www-authenticate").value_or("").rfind("Bearer", 0), 0u);
  }
  EXPECT_EQ(companies(), 1);
  EXPECT_EQ(column(id, "version"), "1");
  // The other keys still work.
  EXPECT_EQ(client().patch(path, {{"city", "Berlin"}}, writer()).status, 200);
}

TEST_F(CompaniesTest, MalformedAuthorizationIs401) {
  long long id = create_id("Geschützt AG");
  std::string path = "/v1/companies/" + std::to_string(id);
  for (const std::string& value : {std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"), std::string("Bearer "),
                                   std::string("Token ") + writer_key_, std::string("Bearer zus_unbekannt"),
                                   std::string("Bearer ") + writer_key_ + "x", std::string(writer_key_),
                                   std::string("Bearer ") + writer_key_.substr(0, writer_key_.size() - 1)}) {
    Headers headers = {{"Authorization", value}};
    auto post = client().post("/v1/companies", {{"slug", "kaputt"}, {"name", "Kaputt"}}, headers);
    EXPECT_TRUE(IsProblem(post, 401)) << value;
    EXPECT_EQ(post.header("www-authenticate").value_or("").rfind("Bearer", 0), 0u) << value;
    // An invalid key is a 401 even where anonymous reading is allowed.
    EXPECT_TRUE(IsProblem(client().get(path, headers), 401)) << value;
    EXPECT_TRUE(IsProblem(client().patch(path, {{"city", "Berlin"}}, headers), 401)) << value;
  }
  EXPECT_EQ(companies(), 1);
  EXPECT_EQ(column(id, "version"), "1");
  // The scheme name is case-insensitive.
  EXPECT_EQ(client().get(path, {{"Authorization", "bearer " + reader_key_}}).status, 200);
}

}  // namespace
}  // namespace zusammen::testing
