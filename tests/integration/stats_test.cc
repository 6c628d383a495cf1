// GET /v1/stats end to end: a known data set created over HTTP, every figure checked against
// COUNT/SUM queries through MySQL Connector/C++ (not the service), the zero case, scopes and 304.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

const char* const kCategories[] = {"language",   "qualification", "apprenticeship", "internship", "employment",
                                   "retraining", "mentoring",     "return_support", "other"};
const char* const kStatuses[] = {"registered", "waitlisted", "cancelled", "attended", "no_show"};

// Published initiatives of active companies: the population of initiatives_by_category and people_reached.
const std::string kCountedInitiatives =
    " FROM initiatives i JOIN companies c ON c.id = i.company_id WHERE i.published = 1 AND c.status = 'active'";

class StatsTest : public ApiTest<StatsTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "stats"};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    content_ = bearer(key({"content:read", "content:write"}));
    registrations_ = bearer(key({"registrations:write"}));
    reader_ = bearer(key({"registrations:read"}));
  }

  long long number(const std::string& query) { return std::stoll(scalar(query)); }
  int year() { return static_cast<int>(number("SELECT YEAR(UTC_TIMESTAMP())")); }

  long long post(const std::string& path, const json& body, const Headers& headers) {
    return created_id(client(), path, body, headers);
  }
  long long company(const std::string& slug, const std::string& status) {
    return post("/v1/companies", {{"slug", slug}, {"name", "Firma " + slug}, {"status", status}}, content_);
  }
  long long initiative(long long company_id, const std::string& category, int participants, bool published) {
    return post("/v1/initiatives",
                {{"company_id", company_id},
                 {"title", "Sprachkurs für Geflüchtete"},
                 {"category", category},
                 {"participants", participants},
                 {"published", published}},
                content_);
  }
  long long meeting(const std::string& starts_at, const std::string& ends_at, const std::string& status,
                    bool published = true, json extra = json::object()) {
    json body = {{"title", "Netzwerktreffen „Wir zusammen“"},
                 {"kind", "network_meeting"},
                 {"starts_at", starts_at},
                 {"ends_at", ends_at},
                 {"status", status},
                 {"published", published},
                 {"registration_open", true}};
    body.update(extra);
    return post("/v1/meetings", body, content_);
  }
  long long registration(long long meeting_id, const std::string& email) {
    return post("/v1/registrations", testing::registration(meeting_id, email), registrations_);
  }
  void set_status(long long id, const std::string& status) {
    auto patched = client().patch("/v1/registrations/" + std::to_string(id), {{"status", status}}, registrations_);
    ASSERT_EQ(patched.status, 200) << patched.body;
  }

  // Every figure of a /v1/stats body against the rows, computed here with COUNT/SUM.
  void expect_figures_match_rows(const json& stats) {
    EXPECT_EQ(stats.at("active_companies"), count("companies", "status = 'active'"));
    EXPECT_EQ(stats.at("people_reached"), number("SELECT COALESCE(SUM(i.participants), 0)" + kCountedInitiatives));
    EXPECT_EQ(stats.at("meetings_held"), count("meetings", "status = 'held'"));
    EXPECT_EQ(stats.at("year"), year());
    ASSERT_EQ(stats.at("initiatives_by_category").size(), std::size(kCategories));
    for (const char* category : kCategories) {
      EXPECT_EQ(stats.at("initiatives_by_category").at(category),
                number("SELECT COUNT(*)" + kCountedInitiatives + " AND i.category = '" + category + "'"))
          << category;
    }
    ASSERT_EQ(stats.at("registrations_by_status").size(), std::size(kStatuses));
    for (const char* status : kStatuses) {
      EXPECT_EQ(stats.at("registrations_by_status").at(status),
                number("SELECT COUNT(*) FROM registrations r JOIN meetings m ON m.id = r.meeting_id "
                       "WHERE YEAR(m.starts_at) = YEAR(UTC_TIMESTAMP()) AND r.status = '" +
                       std::string(status) + "'"))
          << status;
    }
  }

  Headers content_;
  Headers registrations_;
  Headers reader_;
};

TEST_F(StatsTest, EmptyNetworkHasEveryKeyAtZero) {
  auto response = client().get("/v1/stats", reader_);
  ASSERT_EQ(response.status, 200) << response.body;
  json stats = response.json();
  EXPECT_EQ(stats.at("active_companies"), 0);
  EXPECT_EQ(stats.at("people_reached"), 0);
  EXPECT_EQ(stats.at("meetings_held"), 0);
  EXPECT_EQ(stats.at("year"), year());
  for (const char* category : kCategories) EXPECT_EQ(stats.at("initiatives_by_category").at(category), 0) << category;
  for (const char* status : kStatuses) EXPECT_EQ(stats.at("registrations_by_status").at(status), 0) << status;
  expect_figures_match_rows(stats);
}

TEST_F(StatsTest, FiguresEqualWhatTheRowsSay) {
  std::string y = std::to_string(year());
  std::string previous = std::to_string(year() - 1);
  std::string next = std::to_string(year() + 1);

  long long bahn = company("deutsche-bahn", "active");
  long long siemens = company("siemens", "active");
  company("ohne-initiativen", "active");
  long long former = company("ehemalig", "former");
  initiative(bahn, "language", 12, true);
  initiative(bahn, "mentoring", 30, true);
  initiative(bahn, "language", 100, false);  // unpublished: not counted
  initiative(siemens, "apprenticeship", 7, true);
  initiative(former, "employment", 50, true);  // company no longer active: not counted

  meeting("2018-11-13T08:00:00Z", "2018-11-13T16:00:00Z", "held");
  meeting("2019-05-06T08:00:00Z", "2019-05-06T16:00:00Z", "held", false);  // unpublished, still held
  meeting("2019-09-06T08:00:00Z", "2019-09-06T16:00:00Z", "cancelled");
  // Starts at the first second of this year: its registrations count.
  long long current = meeting(y + "-01-01T00:00:00Z", y + "-01-01T08:00:00Z", "held", true, {{"capacity", 3}});
  // The last half hour of the previous year and next year: not counted.
  long long last_year = meeting(previous + "-12-31T23:30:00Z", next + "-01-01T01:00:00Z", "held");
  long long next_year = meeting(next + "-03-01T08:00:00Z", next + "-03-01T16:00:00Z", "planned");

  long long a = registration(current, "a@x.example");
  long long b = registration(current, "b@x.example");
  registration(current, "c@x.example");
  registration(current, "d@x.example");  // waitlisted: capacity 3
  long long e = registration(current, "e@x.example");
  set_status(e, "cancelled");
  set_status(a, "attended");
  set_status(b, "no_show");
  registration(last_year, "a@x.example");
  registration(last_year, "f@x.example");
  registration(next_year, "a@x.example");

  auto response = client().get("/v1/stats", reader_);
  ASSERT_EQ(response.status, 200) << response.body;
  json stats = response.json();
  expect_figures_match_rows(stats);
  // The same figures, written out from the data set above.
  EXPECT_EQ(stats.at("active_companies"), 3);
  EXPECT_EQ(stats.at("people_reached"), 12 + 30 + 7);
  EXPECT_EQ(stats.at("meetings_held"), 4);
  EXPECT_EQ(stats.at("initiatives_by_category"), (json{{"language", 1},
                                                       {"qualification", 0},
                                                       {"apprenticeship", 1},
                                                       {"internship", 0},
                                                       {"employment", 0},
                                                       {"retraining", 0},
                                                       {"mentoring", 1},
                                                       {"return_support", 0},
                                                       {"other", 0}}));
  EXPECT_EQ(stats.at("registrations_by_status"),
            (json{{"registered", 1}, {"waitlisted", 1}, {"cancelled", 1}, {"attended", 1}, {"no_show", 1}}));
}

TEST_F(StatsTest, NeedsRegistrationsRead) {
  EXPECT_EQ(client().get("/v1/stats").status, 401);
  EXPECT_EQ(client().get("/v1/stats", content_).status, 403);
  EXPECT_EQ(client().get("/v1/stats", reader_).status, 200);
  EXPECT_EQ(client().get("/v1/stats", registrations_).status, 200);
  EXPECT_EQ(client().get("/v1/stats", bearer(server_->key({"admin"}))).status, 200);
  auto anonymous = client().get("/v1/stats");
  EXPECT_EQ(anonymous.header("content-type").value_or("").rfind("application/problem+json", 0), 0u);
}

TEST_F(StatsTest, UnknownQueryParameterIs400) { EXPECT_EQ(client().get("/v1/stats?year=2018", reader_).status, 400); }

TEST_F(StatsTest, ETagGives304UntilTheFiguresChange) {
  auto first = client().get("/v1/stats", reader_);
  ASSERT_EQ(first.status, 200) << first.body;
  auto etag = first.header("etag");
  ASSERT_TRUE(etag.has_value());
  Headers conditional = reader_;
  conditional["If-None-Match"] = *etag;
  auto again = client().get("/v1/stats", conditional);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  company("neu", "active");
  auto changed = client().get("/v1/stats", conditional);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_NE(changed.header("etag").value_or(""), *etag);
  EXPECT_EQ(changed.json().at("active_companies"), 1);
}

}  // namespace
}  // namespace zusammen::testing
