// What a partner website builds an initiative's page from (issue 11), end to end: the page fields
// (slug, image, contact, location, languages_offered, target_groups, signup_url), the list filters
// target_group, language_offered, city and company, and the lookups by slug of initiatives and
// companies. The real App and Pistache on port 0 over a private MariaDB; every write checked through
// MySQL Connector/C++ (the independent window: the columns of initiatives and the rows of
// initiative_tags), and the lists asked of a server without the in-memory catalogue and of servers
// with it (service/catalogue.h), which must answer the same and follow every write.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "api/http.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const char* const kImageUrl = "https://www.deutschebahn.com/bilder/chance-plus.jpg";
const char* const kSignupUrl = "https://www.deutschebahn.com/chance-plus/anmelden";

// The press release's DB programme as SPEC.md writes it, as a client sends it: the location without
// its read-only city and state (those are the top-level city and state).
json page_fields() {
  return {{"slug", "db-chance-plus"},
          {"image", {{"url", kImageUrl}, {"alt", "Auszubildende in einer Werkstatt der Deutschen Bahn"}}},
          {"contact", {{"name", "Team Chance plus"}, {"email", "chanceplus@example.org"}, {"phone", "+49 30 1234567"}}},
          {"location", {{"street", "Potsdamer Platz 2"}, {"postcode", "10785"}, {"lat", 52.5096}, {"lon", 13.3759}}},
          {"languages_offered", json::array({"de", "ar", "fa"})},
          {"target_groups", json::array({"young_refugees"})},
          {"signup_url", kSignupUrl}};
}

// A location as it reads: every member, city and state mirrored from the initiative's.
json location(const json& city, const json& state, const json& street = nullptr, const json& postcode = nullptr,
              const json& lat = nullptr, const json& lon = nullptr) {
  return {{"street", street}, {"postcode", postcode}, {"city", city}, {"state", state}, {"lat", lat}, {"lon", lon}};
}

// An initiative without what changes with every write.
json without_version(json item) {
  for (const char* k : {"version", "updated_at"}) item.erase(k);
  return item;
}

// One initiative of the list data, as the test made it (the expected answers are computed from these).
struct Seeded {
  long long id = 0;
  std::string company{};  // the company's slug
  bool company_active = true;
  std::string title{};
  std::string category{};
  std::string city{};      // "" for none
  std::string city_key{};  // the city as utf8mb4_unicode_ci compares it: case and accents folded
  std::string state{};     // "" for none
  std::set<std::string> groups{};
  std::set<std::string> languages{};
  bool published = true;
  int participants = 0;
  // Anonymous callers see published initiatives of active companies.
  bool visible() const { return published && company_active; }
};

using Predicate = std::function<bool(const Seeded&)>;
using Before = std::function<bool(const Seeded&, const Seeded&)>;

std::set<long long> expected_set(const std::vector<Seeded>& rows, const Predicate& wanted, bool anonymous) {
  std::set<long long> out;
  for (const auto& row : rows) {
    if (wanted(row) && (!anonymous || row.visible())) out.insert(row.id);
  }
  return out;
}

std::vector<long long> expected_order(const std::vector<Seeded>& rows, const Predicate& wanted, bool anonymous,
                                      const Before& before) {
  std::vector<Seeded> kept;
  for (const auto& row : rows) {
    if (wanted(row) && (!anonymous || row.visible())) kept.push_back(row);
  }
  std::sort(kept.begin(), kept.end(), before);
  std::vector<long long> out;
  for (const auto& row : kept) out.push_back(row.id);
  return out;
}

// Follows next_cursor from the first page of path (which has a query) to the last: every page a 200
// with at most limit items, each before the last full. The ids in the order listed.
std::vector<long long> walk(HttpClient client, const std::string& path, std::size_t limit, const Headers& headers) {
  std::vector<long long> ids;
  std::string target = path;
  for (int page = 0; page < 50; ++page) {
    auto response = client.get(target, headers);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    if (response.status != 200) return ids;
    auto page_ids = ids_in_order(response);
    EXPECT_LE(page_ids.size(), limit) << target;
    ids.insert(ids.end(), page_ids.begin(), page_ids.end());
    json cursor = response.json().at("next_cursor");
    if (cursor.is_null()) return ids;
    EXPECT_EQ(page_ids.size(), limit) << "a page before the last is not full: " << target;
    target = path + "&cursor=" + api::url_encode(cursor.get<std::string>());
  }
  ADD_FAILURE() << "the walk never ended: " << path;
  return ids;
}

bool has(const std::set<std::string>& values, const std::string& value) { return values.contains(value); }

class InitiativePagesTest : public ApiTest<InitiativePagesTest> {
 public:
  static constexpr SuiteSettings kSuite = {
      .database = "initiative_pages", .writer = "content:write", .reader = "content:read"};

 protected:
  long long create_company(const std::string& slug, const std::string& name, const std::string& status = "active") {
    return created_id(client(), "/v1/companies", company_body(slug, name, status), writer());
  }

  static json initiative(long long company_id, const std::string& title, const json& extra = json::object()) {
    json body = {{"company_id", company_id}, {"title", title}, {"category", "qualification"}};
    body.update(extra);
    return body;
  }

  // The DB programme with every page field, published, in Berlin.
  static json chance_plus(long long company_id) {
    json body = initiative(
        company_id, "Chance plus",
        {{"target_group", "Geflüchtete bis 25 Jahre"}, {"city", "Berlin"}, {"state", "DE-BE"}, {"published", true}});
    body.update(page_fields());
    return body;
  }

  long long create_initiative(const json& body) { return created_id(client(), "/v1/initiatives", body, writer()); }

  std::string column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM initiatives WHERE id = " + str(id));
  }

  // The tags of an initiative in initiative_tags, read past the service: sorted, duplicates kept.
  std::vector<std::string> tags_of(long long id) {
    std::vector<std::string> out;
    std::unique_ptr<::sql::Statement> statement(db().reader().createStatement());
    std::unique_ptr<::sql::ResultSet> rows(
        statement->executeQuery("SELECT tag FROM initiative_tags WHERE id = " + str(id)));
    while (rows->next()) out.push_back(rows->getString(1));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Tag rows whose copy of the initiative's sort columns is not the initiative's (SPEC: the lists
  // filtered by a tag read initiative_tags in the order of these columns).
  long long stale_tag_rows() {
    return count("initiative_tags t JOIN initiatives i ON i.id = t.id",
                 "BINARY t.title <> BINARY i.title OR t.created_at <> i.created_at OR t.updated_at <> i.updated_at "
                 "OR t.participants <> i.participants");
  }

  // A second server over the same database with the in-memory catalogue (as shipped, without the
  // response cache in front), once the catalogue serves. watch 0: it loads once and then follows only
  // its own writes; otherwise it reads the change feed every watch.
  std::unique_ptr<TestServer> catalogue_server(std::chrono::milliseconds watch) {
    api::AppOptions options;
    options.catalogue_max_rows = 100000;
    options.cache_watch = watch;
    auto memory = std::make_unique<TestServer>(db(), 4, options);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!memory->app().catalogue()->stats().serving && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(memory->app().catalogue()->stats().serving) << "the catalogue never served";
    return memory;
  }

  // The list data: three companies (one a former member) and eleven initiatives whose cities are
  // spelled in several ways, with target groups and languages overlapping, drafts among them, and
  // distinct titles (by their first letter) and participants, so that every order is known.
  std::vector<Seeded> seed() {
    std::map<std::string, long long> companies = {
        {"deutsche-bahn", create_company("deutsche-bahn", "Deutsche Bahn AG")},
        {"bosch", create_company("bosch", "Robert Bosch GmbH")},
        {"ehemalig", create_company("ehemalig", "Ehemalige GmbH", "former")}};
    std::vector<Seeded> rows = {
        {.company = "deutsche-bahn",
         .title = "Ausbildung Gleisbau",
         .category = "qualification",
         .city = "München",
         .city_key = "munchen",
         .state = "DE-BY",
         .groups = {"young_refugees"},
         .languages = {"de", "ar"},
         .participants = 30},
        {.company = "bosch",
         .title = "Berufssprache Pflege",
         .category = "language",
         .city = "munchen",
         .city_key = "munchen",
         .state = "DE-BY",
         .groups = {"women", "adults"},
         .languages = {"de", "fa-AF"},
         .participants = 12},
        // The page fields' example (chance_plus), with a second target group.
        {.company = "deutsche-bahn",
         .title = "Chance plus",
         .category = "qualification",
         .city = "Berlin",
         .city_key = "berlin",
         .state = "DE-BE",
         .groups = {"young_refugees", "unaccompanied_minors"},
         .languages = {"de", "ar", "fa"},
         .participants = 120},
        {.company = "bosch",
         .title = "Deutschkurs am Abend",
         .category = "language",
         .city = "Münchenbernsdorf",
         .city_key = "munchenbernsdorf",
         .state = "DE-TH",
         .groups = {"adults"},
         .languages = {"ar", "uk"},
         .published = false,
         .participants = 8},
        {.company = "deutsche-bahn",
         .title = "Elternabend",
         .category = "mentoring",
         .groups = {"families", "women"},
         .languages = {"uk", "sr-Latn"},
         .participants = 5},
        {.company = "bosch",
         .title = "Fachkräfte im Betrieb",
         .category = "mentoring",
         .city = "MÜNCHEN",
         .city_key = "munchen",
         .state = "DE-BY",
         .groups = {"skilled_workers", "young_refugees"},
         .languages = {"ar"},
         .participants = 40},
        {.company = "ehemalig",
         .company_active = false,
         .title = "Gastronomie-Praktikum",
         .category = "internship",
         .city = "München",
         .city_key = "munchen",
         .state = "DE-BY",
         .groups = {"young_refugees"},
         .languages = {"ar"},
         .participants = 3},
        {.company = "deutsche-bahn",
         .title = "Hochschulbrücke",
         .category = "qualification",
         .city = "Hamburg",
         .city_key = "hamburg",
         .state = "DE-HH",
         .groups = {"academics", "young_refugees"},
         .languages = {"de", "ar"},
         .published = false,
         .participants = 60},
        {.company = "bosch",
         .title = "Integration im Betrieb",
         .category = "mentoring",
         .city = "Köln",
         .city_key = "koln",
         .state = "DE-NW",
         .groups = {"employees"},
         .participants = 15},
        {.company = "deutsche-bahn",
         .title = "Jobpaten",
         .category = "mentoring",
         .city = "München",
         .city_key = "munchen",
         .state = "DE-BY",
         .languages = {"de"},
         .participants = 22},
        // "ue" is not "ü" to utf8mb4_unicode_ci (it is to german2): not München.
        {.company = "bosch",
         .title = "Kochkurs",
         .category = "other",
         .city = "Muenchen",
         .city_key = "muenchen",
         .state = "DE-BY",
         .groups = {"young_refugees"},
         .languages = {"ar"},
         .participants = 50},
    };
    for (auto& row : rows) {
      json body = row.title == "Chance plus" ? chance_plus(companies.at(row.company))
                                             : initiative(companies.at(row.company), row.title);
      json groups = json::array();
      json languages = json::array();
      for (const auto& g : row.groups) groups.push_back(g);
      for (const auto& l : row.languages) languages.push_back(l);
      body.update({{"category", row.category},
                   {"city", row.city.empty() ? json(nullptr) : json(row.city)},
                   {"state", row.state.empty() ? json(nullptr) : json(row.state)},
                   {"target_groups", groups},
                   {"languages_offered", languages},
                   {"published", row.published},
                   {"participants", row.participants}});
      row.id = create_initiative(body);
    }
    // The orders below take ids for the order of creation: check that against what was committed.
    EXPECT_EQ(count("initiatives a JOIN initiatives b ON a.id < b.id", "a.created_at >= b.created_at"), 0);
    return rows;
  }

  // Every filter alone and combined, keyed and anonymous, against the sets the data says.
  void expect_filters(HttpClient c, const std::vector<Seeded>& rows) {
    struct Case {
      std::string query;
      Predicate wanted;
    };
    auto group = [](std::string g) { return [g](const Seeded& r) { return has(r.groups, g); }; };
    auto language = [](std::string l) { return [l](const Seeded& r) { return has(r.languages, l); }; };
    auto in_munich = [](const Seeded& r) { return r.city_key == "munchen"; };
    std::vector<Case> cases = {
        {"target_group=young_refugees", group("young_refugees")},
        {"target_group=women", group("women")},
        {"target_group=employees", group("employees")},
        {"target_group=academics", group("academics")},
        {"target_group=adults", group("adults")},
        {"language_offered=ar", language("ar")},
        {"language_offered=fa-AF", language("fa-AF")},
        // A tag, not a prefix: fa is not fa-AF.
        {"language_offered=fa", language("fa")},
        {"language_offered=sr-Latn", language("sr-Latn")},
        {"language_offered=uk", language("uk")},
        // Case- and accent-insensitive, and equal: not Münchenbernsdorf, not Muenchen.
        {"city=m%C3%BCnchen", in_munich},
        {"city=MUNCHEN", in_munich},
        {"city=M%C3%BCnchen", in_munich},
        {"city=k%C3%B6ln", [](const Seeded& r) { return r.city_key == "koln"; }},
        {"city=Bonn", [](const Seeded&) { return false; }},
        {"company=deutsche-bahn", [](const Seeded& r) { return r.company == "deutsche-bahn"; }},
        {"company=bosch", [](const Seeded& r) { return r.company == "bosch"; }},
        {"company=ehemalig", [](const Seeded& r) { return r.company == "ehemalig"; }},
        {"company=gibt-es-nicht", [](const Seeded&) { return false; }},
        {"target_group=young_refugees&category=qualification",
         [](const Seeded& r) { return has(r.groups, "young_refugees") && r.category == "qualification"; }},
        {"target_group=young_refugees&language_offered=ar",
         [](const Seeded& r) { return has(r.groups, "young_refugees") && has(r.languages, "ar"); }},
        {"city=m%C3%BCnchen&target_group=young_refugees",
         [](const Seeded& r) { return r.city_key == "munchen" && has(r.groups, "young_refugees"); }},
        {"company=bosch&language_offered=ar",
         [](const Seeded& r) { return r.company == "bosch" && has(r.languages, "ar"); }},
        {"language_offered=de&state=DE-BY",
         [](const Seeded& r) { return has(r.languages, "de") && r.state == "DE-BY"; }},
        {"city=m%C3%BCnchen&company=deutsche-bahn&category=mentoring",
         [](const Seeded& r) {
           return r.city_key == "munchen" && r.company == "deutsche-bahn" && r.category == "mentoring";
         }},
        {"target_group=women&language_offered=de&company=bosch",
         [](const Seeded& r) { return has(r.groups, "women") && has(r.languages, "de") && r.company == "bosch"; }},
        {"target_group=young_refugees&published=false",
         [](const Seeded& r) { return has(r.groups, "young_refugees") && !r.published; }},
        {"target_group=young_refugees&q=Gleisbau",
         [](const Seeded& r) {
           return has(r.groups, "young_refugees") && r.title.find("Gleisbau") != std::string::npos;
         }},
    };
    for (const auto& [query, wanted] : cases) {
      std::string path = "/v1/initiatives?" + query;
      EXPECT_EQ(listed_id_set(c, path, reader()), expected_set(rows, wanted, false)) << path << " (keyed)";
      EXPECT_EQ(listed_id_set(c, path), expected_set(rows, wanted, true)) << path << " (anonymous)";
    }
    // An unknown company's slug is an empty page, not an error.
    auto unknown = c.get("/v1/initiatives?company=gibt-es-nicht", reader());
    ASSERT_EQ(unknown.status, 200) << unknown.body;
    EXPECT_EQ(unknown.json().at("items"), json::array());
    EXPECT_TRUE(unknown.json().at("next_cursor").is_null());
  }

  // Filtered lists walked by their cursors in several orders, page by page, keyed and anonymous.
  void expect_walks(HttpClient c, const std::vector<Seeded>& rows) {
    struct Case {
      std::string query;
      std::size_t limit;
      Predicate wanted;
      Before before;
    };
    Before newest = [](const Seeded& a, const Seeded& b) { return a.id > b.id; };
    Before oldest = [](const Seeded& a, const Seeded& b) { return a.id < b.id; };
    Before by_title = [](const Seeded& a, const Seeded& b) {
      return a.title < b.title;
    };  // distinct ASCII first letters
    Before most = [](const Seeded& a, const Seeded& b) { return a.participants > b.participants; };
    Before least = [](const Seeded& a, const Seeded& b) { return a.participants < b.participants; };
    std::vector<Case> cases = {
        {"target_group=young_refugees&sort=-created_at&limit=2", 2,
         [](const Seeded& r) { return has(r.groups, "young_refugees"); }, newest},
        {"target_group=young_refugees&sort=title&limit=1", 1,
         [](const Seeded& r) { return has(r.groups, "young_refugees"); }, by_title},
        {"target_group=young_refugees&category=qualification&sort=-created_at&limit=1", 1,
         [](const Seeded& r) { return has(r.groups, "young_refugees") && r.category == "qualification"; }, newest},
        {"language_offered=ar&sort=-participants&limit=2", 2, [](const Seeded& r) { return has(r.languages, "ar"); },
         most},
        {"language_offered=de&sort=participants&limit=1", 1, [](const Seeded& r) { return has(r.languages, "de"); },
         least},
        {"language_offered=de&category=qualification&limit=1", 1,
         [](const Seeded& r) { return has(r.languages, "de") && r.category == "qualification"; }, by_title},
        {"city=m%C3%BCnchen&sort=-participants&limit=2", 2, [](const Seeded& r) { return r.city_key == "munchen"; },
         most},
        {"city=m%C3%BCnchen&sort=title&limit=1", 1, [](const Seeded& r) { return r.city_key == "munchen"; }, by_title},
        {"company=deutsche-bahn&sort=created_at&limit=2", 2,
         [](const Seeded& r) { return r.company == "deutsche-bahn"; }, oldest},
        {"company=bosch&target_group=young_refugees&sort=-created_at&limit=1", 1,
         [](const Seeded& r) { return r.company == "bosch" && has(r.groups, "young_refugees"); }, newest},
    };
    for (const auto& test : cases) {
      std::string path = "/v1/initiatives?" + test.query;
      for (bool anonymous : {false, true}) {
        auto expected = expected_order(rows, test.wanted, anonymous, test.before);
        ASSERT_GT(expected.size(), test.limit) << path << ": the data should need more than one page";
        EXPECT_EQ(walk(c, path, test.limit, anonymous ? Headers{} : reader()), expected)
            << path << (anonymous ? " (anonymous)" : " (keyed)");
      }
    }
  }
};

// --- create and read ------------------------------------------------------------------------

TEST_F(InitiativePagesTest, CreateWithEveryPageFieldAnswersAndCommitsEachField) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  json body = chance_plus(company);
  auto response = client().post("/v1/initiatives", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(IsCreated(response, "/v1/initiatives"));
  json created = response.json();
  long long id = created.at("id").get<long long>();
  for (const auto& [name, value] : body.items()) {
    if (name != "location") {
      EXPECT_EQ(created.at(name), value) << name;
    }
  }
  EXPECT_EQ(created.at("location"), location("Berlin", "DE-BE", "Potsdamer Platz 2", "10785", 52.5096, 13.3759));

  // Read again: by id, keyed and anonymous, and as a list item.
  for (const Headers& headers : {reader(), Headers{}}) {
    auto read = client().get("/v1/initiatives/" + str(id), headers);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json(), created);
    EXPECT_EQ(read.header("etag"), response.header("etag"));
    auto list = client().get("/v1/initiatives", headers);
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json().at("items").size(), 1u) << list.body;
    EXPECT_EQ(list.json().at("items").at(0), created);
  }

  // What was committed, read past the service.
  EXPECT_EQ(count("initiatives"), 1);
  EXPECT_EQ(column("slug", id), "db-chance-plus");
  EXPECT_EQ(column("image_url", id), kImageUrl);
  EXPECT_EQ(column("HEX(image_alt)", id), hex_of("Auszubildende in einer Werkstatt der Deutschen Bahn"));
  EXPECT_EQ(column("contact_name", id), "Team Chance plus");
  EXPECT_EQ(column("contact_email", id), "chanceplus@example.org");
  EXPECT_EQ(column("contact_phone", id), "+49 30 1234567");
  EXPECT_EQ(column("street", id), "Potsdamer Platz 2");
  EXPECT_EQ(column("postcode", id), "10785");
  EXPECT_EQ(column("lat = 52.5096 AND lon = 13.3759", id), "1");
  EXPECT_EQ(column("languages_offered", id), "de,ar,fa");
  EXPECT_EQ(column("target_groups", id), "young_refugees");
  EXPECT_EQ(column("signup_url", id), kSignupUrl);
  EXPECT_EQ(column("city", id), "Berlin");
  EXPECT_EQ(column("state", id), "DE-BE");
  EXPECT_EQ(column("HEX(target_group)", id), hex_of("Geflüchtete bis 25 Jahre"));
  EXPECT_EQ(column("version", id), "1");
  // One tag row per entry, and nothing else.
  EXPECT_EQ(tags_of(id),
            (std::vector<std::string>{"group:young_refugees", "language:ar", "language:de", "language:fa"}));
  EXPECT_EQ(count("initiative_tags"), 4);
  EXPECT_EQ(stale_tag_rows(), 0);
}

TEST_F(InitiativePagesTest, PageFieldsReadAsNoneWhenNotGiven) {
  long long company = create_company("bosch", "Robert Bosch GmbH");
  auto response = client().post("/v1/initiatives",
                                initiative(company, "Sprachkurs", {{"city", "Hamburg"}, {"state", "DE-HH"}}), writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  long long id = created.at("id").get<long long>();
  for (const char* name : {"slug", "image", "contact", "signup_url"}) {
    ASSERT_TRUE(created.contains(name)) << name;
    EXPECT_TRUE(created.at(name).is_null()) << name << " = " << created.at(name);
  }
  EXPECT_EQ(created.at("location"), location("Hamburg", "DE-HH"));
  EXPECT_EQ(created.at("languages_offered"), json::array());
  EXPECT_EQ(created.at("target_groups"), json::array());
  auto read = client().get("/v1/initiatives/" + str(id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);

  // Without a city or state, the location is all null; still present.
  auto bare = client().post("/v1/initiatives", initiative(company, "Mentoring"), writer());
  ASSERT_EQ(bare.status, 201) << bare.body;
  EXPECT_EQ(bare.json().at("location"), location(nullptr, nullptr));

  EXPECT_EQ(column("slug IS NULL AND image_url IS NULL AND image_alt IS NULL AND contact_name IS NULL AND "
                   "contact_email IS NULL AND contact_phone IS NULL AND street IS NULL AND postcode IS NULL AND "
                   "lat IS NULL AND lon IS NULL AND signup_url IS NULL",
                   id),
            "1");
  EXPECT_EQ(column("CONCAT('[', languages_offered, '|', target_groups, ']')", id), "[|]");
  EXPECT_EQ(count("initiative_tags"), 0);
}

TEST_F(InitiativePagesTest, NullListsMeanEmptyAndTheEdgesOfEachRuleAreAccepted) {
  long long company = create_company("bosch", "Robert Bosch GmbH");
  json all_groups = json::array({"young_refugees", "adults", "women", "families", "unaccompanied_minors", "academics",
                                 "skilled_workers", "employees"});
  json languages = json::array({"de", "ar", "uk", "fa-AF", "sr-Latn", "es-419", "ckb", "zh-Hant-TW"});
  json body = initiative(company, "Grenzfälle",
                         {{"slug", repeat("a", 120)},
                          {"image", {{"url", "http://bilder.example/" + repeat("x", 478)}, {"alt", ""}}},
                          {"contact", {{"name", nullptr}, {"email", nullptr}, {"phone", "030/123 45-6 (0)"}}},
                          {"location", {{"lat", -90}, {"lon", 180}}},
                          {"languages_offered", languages},
                          {"target_groups", all_groups},
                          {"signup_url", "http://anmeldung.example/"}});
  ASSERT_EQ(body["image"]["url"].get<std::string>().size(), 500u);
  auto response = client().post("/v1/initiatives", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(created.at("slug"), repeat("a", 120));
  EXPECT_EQ(created.at("image"), body["image"]);
  EXPECT_EQ(created.at("contact"), body["contact"]);
  EXPECT_EQ(created.at("location"), location(nullptr, nullptr, nullptr, nullptr, -90, 180));
  EXPECT_EQ(created.at("languages_offered"), languages);
  EXPECT_EQ(created.at("target_groups"), all_groups);
  EXPECT_EQ(column("image_alt", id), "");
  EXPECT_EQ(column("image_alt IS NULL", id), "0");  // "" marks a decorative image: not the same as none
  EXPECT_EQ(column("lat = -90 AND lon = 180", id), "1");
  EXPECT_EQ(tags_of(id).size(), 16u);
  EXPECT_EQ(count("initiative_tags", "id = " + str(id) + " AND tag = 'language:zh-Hant-TW'"), 1);

  // null for a list on write means [].
  auto nulls =
      client().post("/v1/initiatives",
                    initiative(company, "Ohne Listen",
                               {{"languages_offered", nullptr}, {"target_groups", nullptr}, {"slug", nullptr}}),
                    writer());
  ASSERT_EQ(nulls.status, 201) << nulls.body;
  EXPECT_EQ(nulls.json().at("languages_offered"), json::array());
  EXPECT_EQ(nulls.json().at("target_groups"), json::array());
  EXPECT_TRUE(nulls.json().at("slug").is_null());
  EXPECT_TRUE(tags_of(nulls.json().at("id").get<long long>()).empty());
  // Many initiatives without a slug: NULL is not a duplicate.
  auto another = client().post("/v1/initiatives", initiative(company, "Auch ohne Slug"), writer());
  EXPECT_EQ(another.status, 201) << another.body;
}

// --- refusals -------------------------------------------------------------------------------

TEST_F(InitiativePagesTest, RuleBreaksAre422NamingThePointerAndCommitNothing) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  const json image = {{"url", kImageUrl}, {"alt", "Werkstatt"}};
  json twenty_one = json::array();
  for (char c = 'a'; c < 'a' + 21; ++c) twenty_one.push_back(std::string("a") + c);
  struct Case {
    json extra;
    // The fields the problem must name: one of these sets, exactly.
    std::vector<std::set<std::string>> accepted;
  };
  std::vector<Case> cases = {
      {{{"slug", "DB Chance"}}, {{"/slug"}}},
      {{{"slug", "Chance-Plus"}}, {{"/slug"}}},
      {{{"slug", "-chance"}}, {{"/slug"}}},
      {{{"slug", "chance-"}}, {{"/slug"}}},
      {{{"slug", "chance--plus"}}, {{"/slug"}}},
      {{{"slug", "chance_plus"}}, {{"/slug"}}},
      {{{"slug", ""}}, {{"/slug"}}},
      {{{"slug", repeat("a", 121)}}, {{"/slug"}}},
      {{{"image", {{"alt", "Werkstatt"}}}}, {{"/image/url"}}},
      {{{"image", {{"url", kImageUrl}}}}, {{"/image/alt"}}},
      {{{"image", {{"url", nullptr}, {"alt", "Werkstatt"}}}}, {{"/image/url"}}},
      {{{"image", {{"url", "ftp://bilder.example/a.jpg"}, {"alt", ""}}}}, {{"/image/url"}}},
      {{{"image", {{"url", "bilder.example/a.jpg"}, {"alt", ""}}}}, {{"/image/url"}}},
      {{{"image", {{"url", "https://bilder.example/" + repeat("x", 478)}, {"alt", ""}}}}, {{"/image/url"}}},
      {{{"image", {{"url", kImageUrl}, {"alt", repeat("ä", 301)}}}}, {{"/image/alt"}}},
      {{{"contact", json::object()}}, {{"/contact"}}},
      {{{"contact", {{"name", nullptr}, {"email", nullptr}, {"phone", nullptr}}}}, {{"/contact"}}},
      {{{"contact", {{"email", "chanceplus.example.org"}}}}, {{"/contact/email"}}},
      {{{"contact", {{"name", "Team"}, {"email", "chance plus@example.org"}}}}, {{"/contact/email"}}},
      {{{"contact", {{"phone", "ruf an"}}}}, {{"/contact/phone"}}},
      {{{"contact", {{"phone", "+" + repeat("1", 40)}}}}, {{"/contact/phone"}}},
      {{{"contact", {{"name", repeat("ü", 201)}}}}, {{"/contact/name"}}},
      {{{"location", {{"postcode", "1234"}}}}, {{"/location/postcode"}}},
      {{{"location", {{"postcode", "107850"}}}}, {{"/location/postcode"}}},
      {{{"location", {{"postcode", "1O785"}}}}, {{"/location/postcode"}}},
      {{{"location", {{"street", repeat("ß", 201)}}}}, {{"/location/street"}}},
      // Both or neither: named at the missing one (or both).
      {{{"location", {{"lat", 52.5}}}}, {{"/location/lon"}, {"/location/lat"}, {"/location/lat", "/location/lon"}}},
      {{{"location", {{"lon", 13.4}}}}, {{"/location/lat"}, {"/location/lon"}, {"/location/lat", "/location/lon"}}},
      {{{"location", {{"lat", 52.5}, {"lon", nullptr}}}},
       {{"/location/lon"}, {"/location/lat"}, {"/location/lat", "/location/lon"}}},
      {{{"location", {{"lat", 91}, {"lon", 13.4}}}}, {{"/location/lat"}}},
      {{{"location", {{"lat", -90.5}, {"lon", 13.4}}}}, {{"/location/lat"}}},
      {{{"location", {{"lat", 52.5}, {"lon", 180.5}}}}, {{"/location/lon"}}},
      {{{"target_groups", json::array({"adults", "pensioners"})}}, {{"/target_groups/1"}}},
      {{{"target_groups", json::array({"Women"})}}, {{"/target_groups/0"}}},
      {{{"target_groups", json::array({"women", "adults", "women"})}}, {{"/target_groups/2"}}},
      {{{"languages_offered", json::array({"de", "Arabisch"})}}, {{"/languages_offered/1"}}},
      {{{"languages_offered", json::array({"DE"})}}, {{"/languages_offered/0"}}},
      {{{"languages_offered", json::array({"de", "ar", "de_DE"})}}, {{"/languages_offered/2"}}},
      {{{"languages_offered", json::array({"fa-af"})}}, {{"/languages_offered/0"}}},
      {{{"languages_offered", json::array({"de", "ar", "de"})}}, {{"/languages_offered/2"}}},
      {{{"languages_offered", twenty_one}}, {{"/languages_offered"}, {"/languages_offered/20"}}},
      {{{"signup_url", "www.example.de/anmelden"}}, {{"/signup_url"}}},
      {{{"signup_url", "javascript:alert(1)"}}, {{"/signup_url"}}},
      // Several at once, each named.
      {{{"slug", "Bad Slug"}, {"image", {{"url", kImageUrl}}}, {"target_groups", json::array({"pensioners"})}},
       {{"/slug", "/image/alt", "/target_groups/0"}}},
  };
  long long rows = count("initiatives");
  long long tags = count("initiative_tags");
  long long changes = count("changes");
  for (const auto& c : cases) {
    json body = initiative(company, "Abgelehnt", {{"image", image}});
    body.update(c.extra);
    auto response = client().post("/v1/initiatives", body, writer());
    EXPECT_TRUE(IsProblem(response, 422)) << c.extra.dump();
    if (response.status != 422) continue;
    EXPECT_EQ(response.json().value("type", ""), "/problems/validation-error") << c.extra.dump();
    auto named = error_fields(response);
    EXPECT_TRUE(std::find(c.accepted.begin(), c.accepted.end(), named) != c.accepted.end())
        << c.extra.dump() << " -> " << response.body;
    for (const auto& e : json(response.json()["errors"])) EXPECT_FALSE(e.value("message", "").empty()) << e;
  }
  EXPECT_EQ(count("initiatives"), rows);
  EXPECT_EQ(count("initiative_tags"), tags);
  EXPECT_EQ(count("changes"), changes);

  // The messages SPEC names.
  auto unknown = client().post(
      "/v1/initiatives", initiative(company, "Abgelehnt", {{"target_groups", json::array({"adults", "pensioners"})}}),
      writer());
  ASSERT_TRUE(IsProblem(unknown, 422));
  EXPECT_EQ(unknown.json()["errors"][0].value("message", "").rfind("must be one of", 0), 0u) << unknown.body;
  auto twice = client().post("/v1/initiatives",
                             initiative(company, "Abgelehnt", {{"languages_offered", json::array({"de", "ar", "de"})}}),
                             writer());
  ASSERT_TRUE(IsProblem(twice, 422));
  EXPECT_EQ(twice.json()["errors"][0].value("message", ""), "is listed twice") << twice.body;
  EXPECT_EQ(count("initiatives"), rows);
}

TEST_F(InitiativePagesTest, WrongTypesUnknownAndReadOnlyNestedFieldsAre400AndCommitNothing) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  struct Case {
    json extra;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"slug", 5}}, "/slug"},
      {{{"image", kImageUrl}}, "/image"},
      {{{"image", json::array({kImageUrl})}}, "/image"},
      {{{"image", {{"url", 5}, {"alt", ""}}}}, "/image/url"},
      {{{"image", {{"url", kImageUrl}, {"alt", false}}}}, "/image/alt"},
      {{{"image", {{"url", kImageUrl}, {"alt", "Werkstatt"}, {"foo", 1}}}}, "/image/foo"},
      {{{"contact", "Team Chance plus"}}, "/contact"},
      {{{"contact", {{"email", json::array({"a@example.org"})}}}}, "/contact/email"},
      {{{"contact", {{"name", "Team"}, {"fax", "030 1234"}}}}, "/contact/fax"},
      {{{"location", "Potsdamer Platz 2, Berlin"}}, "/location"},
      {{{"location", {{"city", "Berlin"}}}}, "/location/city"},
      {{{"location", {{"state", "DE-BE"}}}}, "/location/state"},
      {{{"location", {{"street", "Potsdamer Platz 2"}, {"city", nullptr}}}}, "/location/city"},
      {{{"location", {{"lat", "52.5"}, {"lon", 13.4}}}}, "/location/lat"},
      {{{"location", {{"postcode", 10785}}}}, "/location/postcode"},
      {{{"location", {{"town", "Berlin"}}}}, "/location/town"},
      {{{"languages_offered", "de"}}, "/languages_offered"},
      {{{"languages_offered", json::array({"de", 7})}}, "/languages_offered/1"},
      {{{"target_groups", "women"}}, "/target_groups"},
      {{{"target_groups", json::array({"women", nullptr})}}, "/target_groups/1"},
      {{{"target_groups", json::array({json::array({"women"})})}}, "/target_groups/0"},
      {{{"signup_url", true}}, "/signup_url"},
  };
  long long rows = count("initiatives");
  long long tags = count("initiative_tags");
  for (const auto& c : cases) {
    auto response = client().post("/v1/initiatives", initiative(company, "Abgelehnt", c.extra), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.extra.dump();
    if (response.status != 400) continue;
    EXPECT_EQ(response.json().value("type", ""), "/problems/bad-request") << c.extra.dump();
    EXPECT_TRUE(NamesExactly(response, {c.field})) << c.extra.dump();
  }
  EXPECT_EQ(count("initiatives"), rows);
  EXPECT_EQ(count("initiative_tags"), tags);

  // The read-only location members say so.
  auto read_only =
      client().post("/v1/initiatives", initiative(company, "Abgelehnt", {{"location", {{"city", "X"}}}}), writer());
  ASSERT_TRUE(IsProblem(read_only, 400));
  EXPECT_EQ(read_only.json()["errors"][0].value("message", ""), "is read-only") << read_only.body;
  EXPECT_EQ(count("initiatives"), rows);
}

TEST_F(InitiativePagesTest, DuplicateSlugIs409AndLeavesTheFirstAsItWas) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long first = create_initiative(chance_plus(company));
  std::string first_row = column("CONCAT_WS('|', title, slug, version, updated_at, image_url)", first);
  long long tags = count("initiative_tags");

  auto again =
      client().post("/v1/initiatives", initiative(company, "Noch eine Chance", {{"slug", "db-chance-plus"}}), writer());
  ASSERT_TRUE(IsProblem(again, 409));
  // As a company's duplicate slug answers (companies_crud_test: /problems/conflict).
  EXPECT_EQ(again.json().value("type", ""), "/problems/conflict");
  ASSERT_TRUE(NamesExactly(again, {"/slug"}));
  EXPECT_EQ(again.json()["errors"][0].value("message", ""), "is taken") << again.body;
  EXPECT_EQ(count("initiatives"), 1);
  EXPECT_EQ(count("initiative_tags"), tags);

  // Renaming another initiative onto the taken slug: a 409 too, and both stay as they were.
  long long other = create_initiative(initiative(company, "Sprachkurs", {{"slug", "sprachkurs"}}));
  auto renamed = client().patch("/v1/initiatives/" + str(other), {{"slug", "db-chance-plus"}}, writer());
  ASSERT_TRUE(IsProblem(renamed, 409));
  EXPECT_TRUE(NamesExactly(renamed, {"/slug"}));
  EXPECT_EQ(column("slug", other), "sprachkurs");
  EXPECT_EQ(column("version", other), "1");
  EXPECT_EQ(column("CONCAT_WS('|', title, slug, version, updated_at, image_url)", first), first_row);
  auto by_slug = client().get("/v1/initiatives/by-slug/db-chance-plus", reader());
  ASSERT_EQ(by_slug.status, 200) << by_slug.body;
  EXPECT_EQ(by_slug.json().at("id"), first);
}

TEST_F(InitiativePagesTest, RefusedPatchesChangeNothing) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(chance_plus(company));
  std::string path = "/v1/initiatives/" + str(id);
  std::string before = column(
      "CONCAT_WS('|', version, updated_at, slug, image_url, image_alt, contact_email, street, postcode, lat, lon, "
      "languages_offered, target_groups)",
      id);
  auto tags = tags_of(id);
  struct Case {
    json patch;
    int status;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {{{"location", {{"city", "Potsdam"}}}}, 400, {"/location/city"}},
      {{{"image", {{"caption", "x"}}}}, 400, {"/image/caption"}},
      {{{"target_groups", json::array({"young_refugees", 3})}}, 400, {"/target_groups/1"}},
      {{{"image", {{"url", nullptr}}}}, 422, {"/image/url"}},
      {{{"image", {{"alt", nullptr}}}}, 422, {"/image/alt"}},
      {{{"contact", {{"name", nullptr}, {"email", nullptr}, {"phone", nullptr}}}}, 422, {"/contact"}},
      {{{"location", {{"postcode", "1234"}}}}, 422, {"/location/postcode"}},
      {{{"location", {{"lat", 95}}}}, 422, {"/location/lat"}},
      {{{"target_groups", json::array({"young_refugees", "pensioners"})}}, 422, {"/target_groups/1"}},
      {{{"languages_offered", json::array({"de", "de"})}}, 422, {"/languages_offered/1"}},
      {{{"slug", "Neu Slug"}}, 422, {"/slug"}},
      {{{"slug", nullptr}, {"signup_url", "anmelden"}}, 422, {"/signup_url"}},
  };
  for (const auto& c : cases) {
    auto response = client().patch(path, c.patch, writer());
    EXPECT_TRUE(IsProblem(response, c.status)) << c.patch.dump();
    EXPECT_TRUE(NamesExactly(response, c.fields)) << c.patch.dump();
  }
  // Removing one coordinate leaves the other alone: both or neither.
  auto one = client().patch(path, {{"location", {{"lat", nullptr}}}}, writer());
  EXPECT_TRUE(IsProblem(one, 422));
  auto named = error_fields(one);
  EXPECT_FALSE(named.empty());
  for (const auto& f : named) EXPECT_TRUE(f == "/location/lat" || f == "/location/lon") << one.body;

  EXPECT_EQ(column("CONCAT_WS('|', version, updated_at, slug, image_url, image_alt, contact_email, street, postcode, "
                   "lat, lon, languages_offered, target_groups)",
                   id),
            before);
  EXPECT_EQ(tags_of(id), tags);
}

// --- merge patch ----------------------------------------------------------------------------

TEST_F(InitiativePagesTest, MergePatchMergesNestedObjectsAndTheTagsFollow) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  json expected = post_created(client(), "/v1/initiatives", chance_plus(company), writer());
  long long id = expected.at("id").get<long long>();
  std::string path = "/v1/initiatives/" + str(id);
  int version = 1;
  // Patches, and what each must change in the answer (from the values sent, not from the answer).
  auto apply = [&](const json& patch, const std::function<void(json&)>& change) {
    SCOPED_TRACE("PATCH " + patch.dump());
    auto response = client().patch(path, patch, writer());
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.status != 200) return json();
    json after = response.json();
    change(expected);
    EXPECT_EQ(without_version(after), without_version(expected));
    EXPECT_EQ(after.at("version"), ++version);
    EXPECT_EQ(column("version", id), str(version));
    auto read = client().get(path, reader());
    EXPECT_EQ(read.status, 200);
    EXPECT_EQ(read.json(), after);
    EXPECT_EQ(stale_tag_rows(), 0);
    return after;
  };

  // The alt alone: the url stays.
  apply({{"image", {{"alt", "neu"}}}}, [](json& e) { e["image"]["alt"] = "neu"; });
  EXPECT_EQ(column("image_url", id), kImageUrl);
  EXPECT_EQ(column("image_alt", id), "neu");

  // One member of the contact cleared, the others kept.
  apply({{"contact", {{"phone", nullptr}}}}, [](json& e) { e["contact"]["phone"] = nullptr; });
  EXPECT_EQ(column("CONCAT_WS('|', contact_name, contact_email, contact_phone IS NULL)", id),
            "Team Chance plus|chanceplus@example.org|1");

  // One member of the location: the rest kept (umlauts byte-exact).
  apply({{"location", {{"street", "Neue Straße 1"}}}}, [](json& e) { e["location"]["street"] = "Neue Straße 1"; });
  EXPECT_EQ(column("HEX(street)", id), hex_of("Neue Straße 1"));
  EXPECT_EQ(column("CONCAT_WS('|', postcode, lat = 52.5096, lon = 13.3759)", id), "10785|1|1");

  // The top-level city and state are the location's.
  apply({{"city", "Potsdam"}, {"state", "DE-BB"}}, [](json& e) {
    e["city"] = "Potsdam";
    e["state"] = "DE-BB";
    e["location"]["city"] = "Potsdam";
    e["location"]["state"] = "DE-BB";
  });

  // null clears street, postcode and coordinates; city and state stay.
  apply({{"location", nullptr}}, [](json& e) { e["location"] = location("Potsdam", "DE-BB"); });
  EXPECT_EQ(column("street IS NULL AND postcode IS NULL AND lat IS NULL AND lon IS NULL", id), "1");
  EXPECT_EQ(column("CONCAT_WS('|', city, state)", id), "Potsdam|DE-BB");

  // Coordinates again, both at once.
  apply({{"location", {{"lat", 52.3906}, {"lon", 13.0645}}}}, [](json& e) {
    e["location"]["lat"] = 52.3906;
    e["location"]["lon"] = 13.0645;
  });

  // The target groups replaced as a whole; the tag rows follow, the languages' stay.
  apply({{"target_groups", json::array({"women"})}}, [](json& e) { e["target_groups"] = json::array({"women"}); });
  EXPECT_EQ(column("target_groups", id), "women");
  EXPECT_EQ(tags_of(id), (std::vector<std::string>{"group:women", "language:ar", "language:de", "language:fa"}));

  apply({{"target_groups", json::array({"families", "women", "adults"})}, {"languages_offered", json::array({"uk"})}},
        [](json& e) {
          e["target_groups"] = json::array({"families", "women", "adults"});
          e["languages_offered"] = json::array({"uk"});
        });
  EXPECT_EQ(column("CONCAT_WS('|', target_groups, languages_offered)", id), "families,women,adults|uk");
  EXPECT_EQ(tags_of(id), (std::vector<std::string>{"group:adults", "group:families", "group:women", "language:uk"}));

  // null means []: the tag rows go.
  apply({{"languages_offered", nullptr}}, [](json& e) { e["languages_offered"] = json::array(); });
  EXPECT_EQ(column("languages_offered", id), "");
  EXPECT_EQ(tags_of(id), (std::vector<std::string>{"group:adults", "group:families", "group:women"}));

  // A change of the sort columns reaches the tag rows (stale_tag_rows in apply).
  apply({{"title", "Chance plus 2025"}, {"participants", 77}}, [](json& e) {
    e["title"] = "Chance plus 2025";
    e["participants"] = 77;
  });
  EXPECT_EQ(count("initiative_tags", "id = " + str(id) + " AND title = 'Chance plus 2025' AND participants = 77"), 3);

  // Whole objects cleared.
  apply({{"image", nullptr}, {"contact", nullptr}, {"signup_url", nullptr}}, [](json& e) {
    e["image"] = nullptr;
    e["contact"] = nullptr;
    e["signup_url"] = nullptr;
  });
  EXPECT_EQ(column("image_url IS NULL AND image_alt IS NULL AND contact_name IS NULL AND contact_email IS NULL AND "
                   "signup_url IS NULL",
                   id),
            "1");
  // And set again from nothing: an image needs both members then.
  auto half = client().patch(path, {{"image", {{"alt", "Nur Text"}}}}, writer());
  EXPECT_TRUE(IsProblem(half, 422));
  EXPECT_TRUE(NamesExactly(half, {"/image/url"}));
  apply({{"image", {{"url", kImageUrl}, {"alt", ""}}}}, [](json& e) {
    e["image"] = json{{"url", kImageUrl}, {"alt", ""}};
  });

  // Deleting the initiative takes its tags with it, and only its.
  long long kept = create_initiative(initiative(company, "Bleibt", {{"target_groups", json::array({"women"})}}));
  ExpectDeletes(client(), db(), "/v1/initiatives", "initiatives", id, kept, writer());
  EXPECT_EQ(count("initiative_tags", "id = " + str(id)), 0);
  EXPECT_EQ(tags_of(kept), std::vector<std::string>{"group:women"});
}

TEST_F(InitiativePagesTest, AChangedSlugFindsTheInitiativeAndTheOldOneIsGone) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(chance_plus(company));
  auto renamed = client().patch("/v1/initiatives/" + str(id), {{"slug", "db-chance-plus-2025"}}, writer());
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json().at("slug"), "db-chance-plus-2025");
  EXPECT_EQ(column("slug", id), "db-chance-plus-2025");
  for (const Headers& headers : {Headers{}, reader()}) {
    auto found = client().get("/v1/initiatives/by-slug/db-chance-plus-2025", headers);
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(found.json().at("id"), id);
    EXPECT_EQ(found.header("content-location").value_or(""), "/v1/initiatives/" + str(id));
    EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/db-chance-plus", headers), 404));
  }
  // The old slug is free again.
  long long successor = create_initiative(initiative(company, "Nachfolger", {{"slug", "db-chance-plus"}}));
  auto old = client().get("/v1/initiatives/by-slug/db-chance-plus", reader());
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(old.json().at("id"), successor);
  // null removes the slug.
  auto cleared = client().patch("/v1/initiatives/" + str(id), {{"slug", nullptr}}, writer());
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json().at("slug").is_null());
  EXPECT_EQ(column("slug IS NULL", id), "1");
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/db-chance-plus-2025", reader()), 404));
}

// --- list filters ---------------------------------------------------------------------------

TEST_F(InitiativePagesTest, FiltersNarrowTheListAsTheDataSays) {
  auto rows = seed();
  ASSERT_FALSE(HasFailure());
  expect_filters(client(), rows);
}

TEST_F(InitiativePagesTest, FilteredListsWalkByCursorInEveryOrder) {
  auto rows = seed();
  ASSERT_FALSE(HasFailure());
  expect_walks(client(), rows);
}

TEST_F(InitiativePagesTest, BadFilterValuesAre400NamingTheParameter) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"target_group=pensioners", "target_group"},
      {"target_group=Women", "target_group"},
      {"target_group=", "target_group"},
      {"language_offered=DE", "language_offered"},
      {"language_offered=de_DE", "language_offered"},
      {"language_offered=fa-af", "language_offered"},
      {"language_offered=deutsch", "language_offered"},
      {"city=" + repeat("a", 101), "city"},
      {"target_group=women&language_offered=Arabisch", "language_offered"},
  };
  for (const Headers& headers : {reader(), Headers{}}) {
    for (const auto& [query, name] : cases) {
      auto response = client().get("/v1/initiatives?" + query, headers);
      EXPECT_TRUE(IsProblem(response, 400)) << query;
      EXPECT_TRUE(Names(response, {name})) << query;
    }
  }
  // 100 characters are a city.
  auto longest = client().get("/v1/initiatives?city=" + repeat("a", 100), reader());
  EXPECT_EQ(longest.status, 200) << longest.body;
}

// --- the in-memory catalogue ----------------------------------------------------------------

// A server with the catalogue answers the new filters, walks and fields exactly as the database does.
TEST_F(InitiativePagesTest, TheCatalogueAnswersTheNewFiltersAsTheDatabaseDoes) {
  auto rows = seed();
  ASSERT_FALSE(HasFailure());
  auto memory = catalogue_server(0ms);
  ASSERT_FALSE(HasFailure());
  HttpClient from_memory = memory->client();
  auto answered = memory->app().catalogue()->stats().answered;

  expect_filters(from_memory, rows);
  expect_walks(from_memory, rows);
  EXPECT_GT(memory->app().catalogue()->stats().answered, answered) << "the catalogue answered none of the lists";

  // The same bytes and ETags as the server without the catalogue, item by item and for lists.
  for (const Headers& headers : {Headers{}, reader()}) {
    std::vector<std::string> paths;
    for (const auto& row : rows) {
      paths.push_back("/v1/initiatives/" + str(row.id));
      paths.push_back("/v1/initiatives/" + str(row.id) + "?include=company");
    }
    for (const char* query : {"target_group=young_refugees&include=company", "language_offered=ar&sort=-updated_at",
                              "city=m%C3%BCnchen&limit=2", "company=bosch&sort=-participants",
                              "target_group=women&language_offered=de", "company=ehemalig"}) {
      paths.push_back(std::string("/v1/initiatives?") + query);
    }
    for (const auto& path : paths) {
      auto expected = client().get(path, headers);
      auto got = from_memory.get(path, headers);
      EXPECT_EQ(got.status, expected.status) << path;
      EXPECT_EQ(got.body, expected.body) << path << (headers.empty() ? " (anonymous)" : " (keyed)");
      EXPECT_EQ(got.header("etag"), expected.header("etag")) << path;
    }
  }
}

// Writes through the server with the catalogue bring it up to date before they are answered: the
// next anonymous list, at once, lists what was written.
TEST_F(InitiativePagesTest, TheCatalogueFollowsAPatchOfTargetGroupsBeforeAnswering) {
  auto rows = seed();
  ASSERT_FALSE(HasFailure());
  auto memory = catalogue_server(0ms);  // no watch: only its own writes move it
  ASSERT_FALSE(HasFailure());
  HttpClient from_memory = memory->client();
  Headers memory_writer = bearer(memory->key({"content:write"}));
  Seeded& changed = rows.front();  // Ausbildung Gleisbau: young_refugees, de and ar, public
  ASSERT_TRUE(changed.visible());
  ASSERT_TRUE(listed_id_set(from_memory, "/v1/initiatives?target_group=young_refugees").contains(changed.id));

  auto patched = from_memory.patch(
      "/v1/initiatives/" + str(changed.id),
      {{"target_groups", json::array({"women"})}, {"languages_offered", json::array({"uk"})}}, memory_writer);
  ASSERT_EQ(patched.status, 200) << patched.body;
  changed.groups = {"women"};
  changed.languages = {"uk"};
  auto answered = memory->app().catalogue()->stats().answered;
  struct Case {
    std::string query;
    Predicate wanted;
  };
  std::vector<Case> cases = {
      {"target_group=young_refugees", [](const Seeded& r) { return has(r.groups, "young_refugees"); }},
      {"target_group=women", [](const Seeded& r) { return has(r.groups, "women"); }},
      {"language_offered=ar", [](const Seeded& r) { return has(r.languages, "ar"); }},
      {"language_offered=uk", [](const Seeded& r) { return has(r.languages, "uk"); }},
      {"target_group=women&language_offered=uk",
       [](const Seeded& r) { return has(r.groups, "women") && has(r.languages, "uk"); }},
  };
  for (const auto& [query, wanted] : cases) {
    std::string path = "/v1/initiatives?" + query;
    EXPECT_EQ(listed_id_set(from_memory, path), expected_set(rows, wanted, true)) << path << " (anonymous)";
    EXPECT_EQ(listed_id_set(from_memory, path, reader()), expected_set(rows, wanted, false)) << path << " (keyed)";
    // The server without the catalogue agrees.
    EXPECT_EQ(listed_id_set(client(), path), expected_set(rows, wanted, true)) << path << " (database)";
  }
  // In the tag's order, by cursor.
  EXPECT_EQ(walk(from_memory, "/v1/initiatives?target_group=women&sort=-created_at&limit=1", 1, {}),
            expected_order(
                rows, [](const Seeded& r) { return has(r.groups, "women"); }, true,
                [](const Seeded& a, const Seeded& b) { return a.id > b.id; }));
  EXPECT_GT(memory->app().catalogue()->stats().answered, answered) << "the catalogue answered none of the lists";
  auto item = from_memory.get("/v1/initiatives/" + str(changed.id));
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json(), patched.json());
  EXPECT_EQ(tags_of(changed.id), (std::vector<std::string>{"group:women", "language:uk"}));

  // Unpublished through it: gone from the anonymous lists at once, still there for keys.
  auto hidden = from_memory.patch("/v1/initiatives/" + str(changed.id), {{"published", false}}, memory_writer);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_FALSE(listed_id_set(from_memory, "/v1/initiatives?target_group=women").contains(changed.id));
  EXPECT_TRUE(listed_id_set(from_memory, "/v1/initiatives?target_group=women", reader()).contains(changed.id));
}

// Another process's write reaches the catalogue through the change feed.
TEST_F(InitiativePagesTest, TheCatalogueFollowsAnotherProcessThroughTheChangeFeed) {
  auto rows = seed();
  ASSERT_FALSE(HasFailure());
  auto memory = catalogue_server(20ms);
  ASSERT_FALSE(HasFailure());
  HttpClient from_memory = memory->client();
  const Seeded& changed = rows.front();
  ASSERT_TRUE(listed_id_set(from_memory, "/v1/initiatives?target_group=young_refugees").contains(changed.id));

  // Written through the server without the catalogue.
  auto patched = client().patch("/v1/initiatives/" + str(changed.id),
                                {{"target_groups", json::array({"academics"})}, {"slug", "gleisbau"}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!listed_id_set(from_memory, "/v1/initiatives?target_group=academics").contains(changed.id) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(listed_id_set(from_memory, "/v1/initiatives?target_group=academics"), (std::set<long long>{changed.id}));
  EXPECT_FALSE(listed_id_set(from_memory, "/v1/initiatives?target_group=young_refugees").contains(changed.id));
  auto item = from_memory.get("/v1/initiatives/" + str(changed.id));
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json(), patched.json());
  auto by_slug = from_memory.get("/v1/initiatives/by-slug/gleisbau");
  ASSERT_EQ(by_slug.status, 200) << by_slug.body;
  EXPECT_EQ(by_slug.body, item.body);
}

// --- lookups by slug ------------------------------------------------------------------------

TEST_F(InitiativePagesTest, InitiativeBySlugAnswersExactlyAsById) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(chance_plus(company));
  std::string by_id = "/v1/initiatives/" + str(id);
  std::string by_slug = "/v1/initiatives/by-slug/db-chance-plus";
  for (const Headers& headers : {Headers{}, reader()}) {
    for (const char* query : {"", "?include=company"}) {
      std::string where = by_slug + query + (headers.empty() ? " (anonymous)" : " (keyed)");
      auto expected = client().get(by_id + query, headers);
      ASSERT_EQ(expected.status, 200) << expected.body;
      auto got = client().get(by_slug + query, headers);
      ASSERT_EQ(got.status, 200) << where << ": " << got.body;
      EXPECT_EQ(got.body, expected.body) << where;
      ASSERT_TRUE(got.header("etag").has_value()) << where;
      EXPECT_EQ(got.header("etag"), expected.header("etag")) << where;
      EXPECT_EQ(got.header("cache-control"), expected.header("cache-control")) << where;
      EXPECT_EQ(got.header("content-type"), expected.header("content-type")) << where;
      EXPECT_EQ(got.header("content-location").value_or(""), by_id) << where;

      auto unchanged = client().get(by_slug + query, with(headers, "If-None-Match", *expected.header("etag")));
      EXPECT_EQ(unchanged.status, 304) << where << ": " << unchanged.body;
      EXPECT_TRUE(unchanged.body.empty()) << where;
      EXPECT_EQ(unchanged.header("etag"), expected.header("etag")) << where;
      auto other = client().get(by_slug + query, with(headers, "If-None-Match", "\"1-0000000000000000\""));
      EXPECT_EQ(other.status, 200) << where;
    }
  }
  ASSERT_NO_FATAL_FAILURE(
      ExpectItemEmbedsCompany(client(), by_slug, reader(), company, "Deutsche Bahn AG", "deutsche-bahn"));
  auto bogus = client().get(by_slug + "?include=bogus");
  EXPECT_TRUE(IsProblem(bogus, 400));
  EXPECT_TRUE(Names(bogus, {"include"}));

  // After a change: the new version, by slug as by id, and the old ETag no longer matches.
  std::string old_etag = client().get(by_slug).header("etag").value_or("");
  ASSERT_EQ(client().patch(by_id, {{"participants", 7}}, writer()).status, 200);
  auto changed = client().get(by_slug, {{"If-None-Match", old_etag}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json().at("participants"), 7);
  EXPECT_EQ(changed.header("etag"), client().get(by_id).header("etag"));
}

TEST_F(InitiativePagesTest, InitiativeBySlugHidesWhatAnonymousCallersMayNotSee) {
  long long active = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long former = create_company("ehemalig", "Ehemalige GmbH", "former");
  long long draft = create_initiative(initiative(active, "Entwurf", {{"slug", "entwurf"}, {"published", false}}));
  long long of_former =
      create_initiative(initiative(former, "Altes Projekt", {{"slug", "altes-projekt"}, {"published", true}}));
  for (const auto& [slug, id] :
       std::vector<std::pair<std::string, long long>>{{"entwurf", draft}, {"altes-projekt", of_former}}) {
    EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/" + slug), 404)) << slug;
    auto keyed = client().get("/v1/initiatives/by-slug/" + slug, reader());
    ASSERT_EQ(keyed.status, 200) << slug << ": " << keyed.body;
    EXPECT_EQ(keyed.json().at("id"), id);
    EXPECT_EQ(keyed.header("content-location").value_or(""), "/v1/initiatives/" + str(id));
  }
  // Published: public; a company that leaves takes it out of view again.
  ASSERT_EQ(client().patch("/v1/initiatives/" + str(draft), {{"published", true}}, writer()).status, 200);
  EXPECT_EQ(client().get("/v1/initiatives/by-slug/entwurf").status, 200);
  ASSERT_EQ(client().patch("/v1/companies/" + str(active), {{"status", "former"}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/entwurf"), 404));
  EXPECT_EQ(client().get("/v1/initiatives/by-slug/entwurf", reader()).status, 200);
}

TEST_F(InitiativePagesTest, BadSlugsAre400AndUnknownOnes404) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  create_initiative(chance_plus(company));
  for (const Headers& headers : {Headers{}, reader()}) {
    for (const std::string& slug :
         {std::string("DB-Chance-Plus"), std::string("db--chance"), std::string("-db"), std::string("db-"),
          std::string("db_chance"), std::string("db%20chance"), std::string("db.chance")}) {
      auto response = client().get("/v1/initiatives/by-slug/" + slug, headers);
      EXPECT_TRUE(IsProblem(response, 400)) << slug;
      EXPECT_TRUE(NamesExactly(response, {"slug"})) << slug;
    }
    // Longer than any slug may be (120) but of the pattern's shape: SPEC's "not matching the pattern"
    // leaves open whether that is a 400 or a slug nobody has (404); either way a problem.
    auto too_long = client().get("/v1/initiatives/by-slug/" + repeat("a", 121), headers);
    EXPECT_TRUE(IsProblem(too_long, 400) || IsProblem(too_long, 404)) << too_long.body;
    for (const std::string& slug : {std::string("Deutsche-Bahn"), std::string("deutsche--bahn"), std::string("-db"),
                                    std::string("deutsche_bahn")}) {
      auto response = client().get("/v1/companies/by-slug/" + slug, headers);
      EXPECT_TRUE(IsProblem(response, 400)) << slug;
      EXPECT_TRUE(NamesExactly(response, {"slug"})) << slug;
    }
    auto unknown = client().get("/v1/initiatives/by-slug/gibt-es-nicht", headers);
    EXPECT_TRUE(IsProblem(unknown, 404));
    EXPECT_EQ(unknown.json().value("type", ""), "/problems/not-found");
    EXPECT_TRUE(IsProblem(client().get("/v1/companies/by-slug/gibt-es-nicht", headers), 404));
    // A company's slug is no initiative's, and back.
    EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/deutsche-bahn", headers), 404));
    EXPECT_TRUE(IsProblem(client().get("/v1/companies/by-slug/db-chance-plus", headers), 404));
  }
}

TEST_F(InitiativePagesTest, CompanyBySlugAnswersExactlyAsById) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long former = create_company("ehemalig", "Ehemalige GmbH", "former");
  std::string by_id = "/v1/companies/" + str(company);
  std::string by_slug = "/v1/companies/by-slug/deutsche-bahn";
  for (const Headers& headers : {Headers{}, reader()}) {
    std::string where = headers.empty() ? "anonymous" : "keyed";
    auto expected = client().get(by_id, headers);
    ASSERT_EQ(expected.status, 200) << expected.body;
    auto got = client().get(by_slug, headers);
    ASSERT_EQ(got.status, 200) << where << ": " << got.body;
    EXPECT_EQ(got.body, expected.body) << where;
    ASSERT_TRUE(got.header("etag").has_value()) << where;
    EXPECT_EQ(got.header("etag"), expected.header("etag")) << where;
    EXPECT_EQ(got.header("cache-control"), expected.header("cache-control")) << where;
    EXPECT_EQ(got.header("content-location").value_or(""), by_id) << where;
    // The internal contact for keys only, as by id.
    EXPECT_EQ(got.json().contains("contact_email"), !headers.empty()) << where;
    auto unchanged = client().get(by_slug, with(headers, "If-None-Match", *expected.header("etag")));
    EXPECT_EQ(unchanged.status, 304) << where;
    EXPECT_TRUE(unchanged.body.empty()) << where;

    // A former member: as by id (anonymous callers do not see it).
    auto former_by_id = client().get("/v1/companies/" + str(former), headers);
    auto former_by_slug = client().get("/v1/companies/by-slug/ehemalig", headers);
    EXPECT_EQ(former_by_slug.status, former_by_id.status) << where << ": " << former_by_slug.body;
    if (former_by_id.status == 200) {
      EXPECT_EQ(former_by_slug.body, former_by_id.body) << where;
    }
  }
  EXPECT_TRUE(IsProblem(client().get("/v1/companies/by-slug/ehemalig"), 404));

  // A renamed company is found by its new slug only.
  ASSERT_EQ(client().patch(by_id, {{"slug", "db-ag"}}, writer()).status, 200);
  auto renamed = client().get("/v1/companies/by-slug/db-ag", reader());
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json().at("id"), company);
  EXPECT_TRUE(IsProblem(client().get(by_slug, reader()), 404));
}

TEST_F(InitiativePagesTest, BySlugNeedsContentReadForAKeyAsByIdDoes) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long id = create_initiative(chance_plus(company));
  Headers other_scope = bearer(key({"registrations:read"}));
  auto initiative_by_id = client().get("/v1/initiatives/" + str(id), other_scope);
  ASSERT_TRUE(IsProblem(initiative_by_id, 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives/by-slug/db-chance-plus", other_scope), 403));
  auto company_by_id = client().get("/v1/companies/" + str(company), other_scope);
  ASSERT_TRUE(IsProblem(company_by_id, 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies/by-slug/deutsche-bahn", other_scope), 403));
  // An unknown key: 401, by slug as by id.
  Headers unknown = bearer("zus_0000000000000000000000000000000000000000");
  auto unknown_by_id = client().get("/v1/initiatives/" + str(id), unknown);
  auto unknown_by_slug = client().get("/v1/initiatives/by-slug/db-chance-plus", unknown);
  EXPECT_EQ(unknown_by_slug.status, unknown_by_id.status);
  EXPECT_TRUE(IsProblem(unknown_by_slug, 401));
}

// ---------------------------------------------------------------- facets

// A filter of the facets' test: the facets' own filters and a city.
struct FacetFilter {
  std::optional<std::string> category{};
  std::optional<std::string> state{};
  std::optional<std::string> group{};
  std::optional<std::string> language{};
  std::optional<std::string> company{};
  std::optional<std::string> city_key{};  // the city as the collation compares it
  std::string city{};                     // as sent
  std::string query() const {
    std::string out = "facets=category,state,target_group,language,company";
    auto add = [&](const char* name, const std::optional<std::string>& value) {
      if (value) out += std::string("&") + name + "=" + api::url_encode(*value);
    };
    add("category", category);
    add("state", state);
    add("target_group", group);
    add("language_offered", language);
    add("company", company);
    if (city_key) out += "&city=" + api::url_encode(city);
    return out;
  }
};

// The facets as the data says: per facet, the rows the audience sees that pass every filter but the
// facet's own, counted per value, the largest counts first (ties by value); companies by slug with
// their names.
json expected_facets(const std::vector<Seeded>& rows, const FacetFilter& f, bool anonymous) {
  static const std::map<std::string, std::string> kNames = {
      {"deutsche-bahn", "Deutsche Bahn AG"}, {"bosch", "Robert Bosch GmbH"}, {"ehemalig", "Ehemalige GmbH"}};
  auto passes = [&](const Seeded& r, const std::string& except) {
    if (anonymous && !r.visible()) return false;
    if (f.city_key && r.city_key != *f.city_key) return false;
    if (except != "category" && f.category && r.category != *f.category) return false;
    if (except != "state" && f.state && r.state != *f.state) return false;
    if (except != "target_group" && f.group && !r.groups.contains(*f.group)) return false;
    if (except != "language" && f.language && !r.languages.contains(*f.language)) return false;
    if (except != "company" && f.company && r.company != *f.company) return false;
    return true;
  };
  json out = json::object();
  for (const std::string facet : {"category", "state", "target_group", "language", "company"}) {
    std::map<std::string, long long> counts;
    for (const auto& r : rows) {
      if (!passes(r, facet)) continue;
      if (facet == "category") ++counts[r.category];
      if (facet == "state" && !r.state.empty()) ++counts[r.state];
      if (facet == "target_group")
        for (const auto& g : r.groups) ++counts[g];
      if (facet == "language")
        for (const auto& l : r.languages) ++counts[l];
      if (facet == "company") ++counts[r.company];
    }
    std::vector<std::pair<std::string, long long>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    json values = json::array();
    for (const auto& [value, count] : sorted) {
      json v = {{"value", value}, {"count", count}};
      if (facet == "company") v["label"] = kNames.at(value);
      values.push_back(v);
    }
    out[facet] = values;
  }
  return out;
}

TEST_F(InitiativePagesTest, FacetsCountEveryOtherFilterButTheirOwnAsTheDataSays) {
  auto rows = seed();
  auto memory = catalogue_server(0ms);
  const std::vector<FacetFilter> filters = {
      {},
      {.category = "mentoring"},
      {.group = "young_refugees"},
      {.state = "DE-BY", .language = "ar"},
      {.category = "qualification", .group = "young_refugees", .language = "de"},
      {.company = "bosch"},
      {.group = "young_refugees", .company = "ehemalig"},
      {.company = "keine-firma"},
      // A city: the catalogue leaves it to the database.
      {.group = "young_refugees", .city_key = "munchen", .city = "münchen"},
  };
  for (const auto& f : filters) {
    for (bool anonymous : {true, false}) {
      Headers headers = anonymous ? Headers{} : reader();
      json expected = expected_facets(rows, f, anonymous);
      for (bool with_catalogue : {false, true}) {
        auto response = (with_catalogue ? memory->client() : client()).get("/v1/initiatives?" + f.query(), headers);
        ASSERT_EQ(response.status, 200) << f.query() << ": " << response.body;
        EXPECT_EQ(response.json().at("facets"), expected)
            << f.query() << (anonymous ? " [anonymous]" : " [key]") << (with_catalogue ? " [catalogue]" : "");
      }
    }
  }
}

TEST_F(InitiativePagesTest, FacetsAreOnlyThoseAskedForAndUnknownOnesAre400) {
  seed();
  auto one = client().get("/v1/initiatives?facets=category");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json().at("facets").size(), 1U);
  EXPECT_TRUE(one.json().at("facets").contains("category"));
  auto none = client().get("/v1/initiatives");
  ASSERT_EQ(none.status, 200);
  EXPECT_FALSE(none.json().contains("facets"));
  for (const char* bad : {"facets=categories", "facets=category,", "facets="}) {
    auto response = client().get(std::string("/v1/initiatives?") + bad);
    EXPECT_TRUE(IsProblem(response, 400)) << bad;
    EXPECT_EQ(error_fields(response), std::set<std::string>{"facets"}) << bad << ": " << response.body;
  }
}

}  // namespace
}  // namespace zusammen::testing
