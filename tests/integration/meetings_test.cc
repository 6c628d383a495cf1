// /v1/meetings and /v1/meetings/{id}/agenda end to end: the real App and Pistache on port 0
// over a private MariaDB, every write checked through MySQL Connector/C++ (the independent window).
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../support/assertions.h"
#include "../support/test_server.h"
#include "service/encoding.h"
#include "service/seed.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

bool matches(const std::string& text, const char* pattern) { return std::regex_match(text, std::regex(pattern)); }

std::string str(long long id) { return std::to_string(id); }

class MeetingsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = std::make_unique<TestDatabase>("meetings");
    server_ = std::make_unique<TestServer>(*database_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    database_.reset();
  }

  void SetUp() override {
    database_->truncate_all();
    writer_ = server_->key({"content:write"});
    reader_ = server_->key({"content:read"});
  }

  HttpClient client() const { return server_->client(); }
  TestDatabase& db() { return *database_; }
  Headers writer() const { return bearer(writer_); }
  Headers reader() const { return bearer(reader_); }

  long long create_company(const std::string& slug, const std::string& name) {
    json body = {{"slug", slug}, {"name", name}};
    auto created = client().post("/v1/companies", body, writer());
    if (created.status != 201) throw std::runtime_error("creating company " + slug + " failed: " + created.body);
    return created.json().at("id").get<long long>();
  }

  // A one-day meeting on 13 November 2018, 09:00-17:00 in Berlin (08:00-16:00 UTC).
  static json meeting(const std::string& title, const json& extra = json::object()) {
    json body = {{"title", title},
                 {"kind", "network_meeting"},
                 {"starts_at", "2018-11-13T08:00:00Z"},
                 {"ends_at", "2018-11-13T16:00:00Z"}};
    body.update(extra);
    return body;
  }

  long long create_meeting(const json& body) {
    auto created = client().post("/v1/meetings", body, writer());
    if (created.status != 201) throw std::runtime_error("creating a meeting failed: " + created.body);
    return created.json().at("id").get<long long>();
  }

  static json item(const std::string& title, const json& extra = json::object()) {
    json body = {
        {"kind", "talk"}, {"title", title}, {"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T09:30:00Z"}};
    body.update(extra);
    return body;
  }

  long long create_item(long long meeting_id, const json& body) {
    auto created = client().post(agenda(meeting_id), body, writer());
    if (created.status != 201) throw std::runtime_error("creating an agenda item failed: " + created.body);
    return created.json().at("id").get<long long>();
  }

  static std::string path(long long id) { return "/v1/meetings/" + str(id); }
  static std::string agenda(long long id) { return path(id) + "/agenda"; }
  static std::string agenda(long long id, long long item_id) { return agenda(id) + "/" + str(item_id); }

  std::string column(const std::string& name, long long id) {
    return db().scalar("SELECT " + name + " FROM meetings WHERE id = " + str(id));
  }
  std::string item_column(const std::string& name, long long id) {
    return db().scalar("SELECT " + name + " FROM agenda_items WHERE id = " + str(id));
  }
  long long changes(const std::string& type, long long id, const std::string& op) {
    return db().count("changes", "entity_type = '" + type + "' AND entity_id = " + str(id) + " AND op = '" + op + "'");
  }

  static inline std::unique_ptr<TestDatabase> database_;
  static inline std::unique_ptr<TestServer> server_;
  std::string writer_;
  std::string reader_;
};

// --- create -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, CreateAnswers201WithLocationETagAndTheNewMeeting) {
  long long db_company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  json body = {
      {"title", "Drittes Netzwerktreffen 2018"},
      {"kind", "network_meeting"},
      {"starts_at", "2018-11-12T18:00:00+01:00"},
      {"ends_at", "2018-11-13T16:30:00+01:00"},
      {"timezone", "Europe/Berlin"},
      {"venue",
       {{"name", "DB Akademie"}, {"street", "Kurfürstenstraße 1"}, {"postal_code", "14467"}, {"city", "Potsdam"}}},
      {"host_company_id", db_company},
      {"description", "„Wir zusammen“ kommt in Potsdam zusammen."},
      {"capacity", 120},
      {"registration_open", true},
      {"status", "confirmed"},
      {"published", true}};
  auto response = client().post("/v1/meetings", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.header("content-type").value_or("").rfind("application/json", 0), 0u);
  json created = response.json();
  long long id = created.at("id").get<long long>();
  EXPECT_GT(id, 0);
  EXPECT_EQ(response.header("location").value_or(""), path(id));
  EXPECT_TRUE(matches(response.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  // Times come back in UTC with Z; everything else as sent.
  EXPECT_EQ(created.at("starts_at"), "2018-11-12T17:00:00Z");
  EXPECT_EQ(created.at("ends_at"), "2018-11-13T15:30:00Z");
  for (const auto& [name, value] : body.items()) {
    if (name != "starts_at" && name != "ends_at") {
      EXPECT_EQ(created.at(name), value) << name;
    }
  }
  EXPECT_EQ(created.at("version"), 1);
  EXPECT_TRUE(matches(created.at("created_at").get<std::string>(), R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  EXPECT_FALSE(created.contains("agenda"));

  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(column("starts_at", id), "2018-11-12 17:00:00");
  EXPECT_EQ(column("ends_at", id), "2018-11-13 15:30:00");
  EXPECT_EQ(column("venue_street", id), "Kurfürstenstraße 1");
  EXPECT_EQ(column("venue_postal_code", id), "14467");
  EXPECT_EQ(column("venue_city", id), "Potsdam");
  EXPECT_EQ(column("host_company_id", id), str(db_company));
  EXPECT_EQ(column("description", id), "„Wir zusammen“ kommt in Potsdam zusammen.");
  EXPECT_EQ(column("capacity", id), "120");
  EXPECT_EQ(column("registration_open", id), "1");
  EXPECT_EQ(column("status", id), "confirmed");
  EXPECT_EQ(column("published", id), "1");
  EXPECT_EQ(changes("meeting", id, "upsert"), 1);

  auto read = client().get(path(id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);
}

TEST_F(MeetingsTest, CreateWithOnlyRequiredFieldsFillsTheDefaults) {
  auto response =
      client().post("/v1/meetings", meeting("Webinar Fachkräfteeinwanderung", {{"kind", "webinar"}}), writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  EXPECT_EQ(created.at("timezone"), "Europe/Berlin");
  EXPECT_EQ(created.at("registration_open"), false);
  EXPECT_EQ(created.at("status"), "planned");
  EXPECT_EQ(created.at("published"), false);
  for (const char* name : {"venue", "host_company_id", "description", "capacity"}) {
    EXPECT_TRUE(created.at(name).is_null()) << name;
  }
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(column("timezone", id), "Europe/Berlin");
  EXPECT_EQ(column("venue_city", id), "");
  EXPECT_EQ(column("capacity", id), "");
  EXPECT_EQ(column("published", id), "0");
}

TEST_F(MeetingsTest, FractionsOfASecondAreDroppedAndAVenueOfNullsIsNoVenue) {
  auto response = client().post(
      "/v1/meetings",
      meeting("Sekunden",
              {{"starts_at", "2018-11-13T08:00:00.750Z"},
               {"venue", {{"name", nullptr}, {"street", nullptr}, {"postal_code", nullptr}, {"city", nullptr}}}}),
      writer());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.json().at("starts_at"), "2018-11-13T08:00:00Z");
  EXPECT_TRUE(response.json().at("venue").is_null());
  // Start and end in the same second: the end is not after the start.
  auto same_second = client().post(
      "/v1/meetings",
      meeting("Sekunden", {{"starts_at", "2018-11-13T08:00:00.1Z"}, {"ends_at", "2018-11-13T08:00:00.9Z"}}), writer());
  EXPECT_TRUE(IsProblem(same_second, 422));
  EXPECT_EQ(error_fields(same_second), std::set<std::string>{"/ends_at"});
  EXPECT_EQ(db().count("meetings"), 1);
}

TEST_F(MeetingsTest, EndsAtMustBeAfterStartsAt) {
  for (const char* end : {"2018-11-13T08:00:00Z", "2018-11-13T07:59:59Z", "2018-11-13T09:00:00+01:00"}) {
    auto response = client().post("/v1/meetings", meeting("Rückwärts", {{"ends_at", end}}), writer());
    EXPECT_TRUE(IsProblem(response, 422)) << end;
    EXPECT_EQ(error_fields(response), std::set<std::string>{"/ends_at"}) << end;
  }
  EXPECT_EQ(db().count("meetings"), 0);
  auto one_second = client().post("/v1/meetings", meeting("Kurz", {{"ends_at", "2018-11-13T08:00:01Z"}}), writer());
  EXPECT_EQ(one_second.status, 201) << one_second.body;
  EXPECT_EQ(db().count("meetings"), 1);
}

TEST_F(MeetingsTest, EveryBrokenRuleIsNamedAtOnce) {
  json body = {{"title", " "},
               {"kind", "party"},
               {"starts_at", "13.11.2018 09:00"},
               {"ends_at", "2018-11-13T25:00:00Z"},
               {"timezone", "Berlin"},
               {"venue", {{"name", std::string(201, 'x')}, {"postal_code", "1446"}, {"city", std::string(101, 'y')}}},
               {"host_company_id", 0},
               {"capacity", -1},
               {"status", "done"}};
  auto response = client().post("/v1/meetings", body, writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_EQ(response.json().value("type", ""), "/problems/validation-error");
  EXPECT_EQ(error_fields(response),
            (std::set<std::string>{"/title", "/kind", "/starts_at", "/ends_at", "/timezone", "/venue/name",
                                   "/venue/postal_code", "/venue/city", "/host_company_id", "/capacity", "/status"}));
  EXPECT_EQ(db().count("meetings"), 0);

  auto too_big = client().post("/v1/meetings", meeting("Groß", {{"capacity", 1000001}}), writer());
  EXPECT_TRUE(IsProblem(too_big, 422));
  EXPECT_TRUE(Names(too_big, {"/capacity"}));
  auto huge = client().post("/v1/meetings", meeting("Groß", {{"capacity", 99999999999LL}}), writer());
  EXPECT_TRUE(IsProblem(huge, 422));
  EXPECT_TRUE(Names(huge, {"/capacity"}));
  for (const char* code : {"1446", "144670", "1446a", "D-14467"}) {
    auto bad = client().post("/v1/meetings", meeting("PLZ", {{"venue", {{"postal_code", code}}}}), writer());
    EXPECT_TRUE(IsProblem(bad, 422)) << code;
    EXPECT_EQ(error_fields(bad), std::set<std::string>{"/venue/postal_code"}) << code;
  }
  EXPECT_EQ(db().count("meetings"), 0);
  auto zero = client().post("/v1/meetings", meeting("Ausgebucht", {{"capacity", 0}}), writer());
  EXPECT_EQ(zero.status, 201) << zero.body;
}

TEST_F(MeetingsTest, MissingRequiredFieldsAre422) {
  auto response = client().post("/v1/meetings", json::object(), writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_EQ(error_fields(response), (std::set<std::string>{"/title", "/kind", "/starts_at", "/ends_at"}));
  auto nulls = client().post(
      "/v1/meetings", meeting("Null", {{"timezone", nullptr}, {"status", nullptr}, {"published", nullptr}}), writer());
  EXPECT_TRUE(IsProblem(nulls, 422));
  EXPECT_EQ(error_fields(nulls), (std::set<std::string>{"/timezone", "/status", "/published"}));
  EXPECT_EQ(db().count("meetings"), 0);
}

TEST_F(MeetingsTest, TimezonesAreIanaNames) {
  for (const char* zone : {"Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+1", "Asia/Kolkata"}) {
    auto response = client().post("/v1/meetings", meeting("Zone", {{"timezone", zone}}), writer());
    EXPECT_EQ(response.status, 201) << zone << ": " << response.body;
  }
  long long valid = db().count("meetings");
  EXPECT_EQ(valid, 5);
  std::vector<std::string> bad = {"Berlin",
                                  "europe/berlin",
                                  "Mars/Olympus_Mons",
                                  "Europe/../../etc/passwd",
                                  "/etc/passwd",
                                  "Europe/Berlin ",
                                  "Europe//Berlin",
                                  "",
                                  "CET+1",
                                  "Europe/" + std::string(60, 'A')};
  // With the zone database installed, a well-formed name must also exist.
  if (std::filesystem::is_directory("/usr/share/zoneinfo")) bad.push_back("Europe/Atlantis");
  for (const auto& zone : bad) {
    auto response = client().post("/v1/meetings", meeting("Zone", {{"timezone", zone}}), writer());
    EXPECT_TRUE(IsProblem(response, 422)) << zone;
    EXPECT_EQ(error_fields(response), std::set<std::string>{"/timezone"}) << zone;
  }
  EXPECT_EQ(db().count("meetings"), valid);
}

TEST_F(MeetingsTest, UnknownHostCompanyIs422OnCreateAndPatch) {
  long long company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  auto response = client().post("/v1/meetings", meeting("Treffen", {{"host_company_id", company + 4711}}), writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_EQ(error_fields(response), std::set<std::string>{"/host_company_id"});
  EXPECT_EQ(db().count("meetings"), 0);

  long long id = create_meeting(meeting("Treffen", {{"host_company_id", company}}));
  auto moved = client().patch(path(id), {{"host_company_id", company + 4711}}, writer());
  EXPECT_TRUE(IsProblem(moved, 422));
  EXPECT_EQ(error_fields(moved), std::set<std::string>{"/host_company_id"});
  EXPECT_EQ(column("host_company_id", id), str(company));
  EXPECT_EQ(column("version", id), "1");

  auto cleared = client().patch(path(id), {{"host_company_id", nullptr}}, writer());
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json().at("host_company_id").is_null());
  EXPECT_EQ(column("host_company_id", id), "");
}

TEST_F(MeetingsTest, WrongJsonTypesAre400) {
  struct Case {
    json extra;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {{{"venue", "DB Akademie"}}, {"/venue"}},
      {{{"venue", json::array()}}, {"/venue"}},
      {{{"venue", {{"postal_code", 14467}}}}, {"/venue/postal_code"}},
      {{{"venue", {{"city", "Potsdam"}, {"country", "DE"}}}}, {"/venue/country"}},
      {{{"capacity", "120"}}, {"/capacity"}},
      {{{"capacity", 2.5}}, {"/capacity"}},
      {{{"host_company_id", "1"}}, {"/host_company_id"}},
      {{{"registration_open", "yes"}}, {"/registration_open"}},
      {{{"starts_at", 1542096000}}, {"/starts_at"}},
      {{{"title", 42}, {"capacity", true}, {"venue", {{"name", 1}}}}, {"/title", "/capacity", "/venue/name"}}};
  for (const auto& c : cases) {
    auto response = client().post("/v1/meetings", meeting("Typen", c.extra), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.extra.dump();
    EXPECT_EQ(response.json().value("type", ""), "/problems/bad-request");
    EXPECT_EQ(error_fields(response), c.fields) << c.extra.dump();
  }
  EXPECT_EQ(db().count("meetings"), 0);
}

TEST_F(MeetingsTest, ReadOnlyAndUnknownFieldsAre400OnCreateAndPatch) {
  std::vector<std::pair<std::string, json>> fields = {{"id", 99},
                                                      {"created_at", "2018-11-13T09:00:00Z"},
                                                      {"updated_at", "2018-11-13T09:00:00Z"},
                                                      {"version", 3},
                                                      {"agenda", json::array()},
                                                      {"venue_city", "Potsdam"}};
  for (const auto& [name, value] : fields) {
    auto response = client().post("/v1/meetings", meeting("Treffen", {{name, value}}), writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(Names(response, {"/" + name})) << name;
  }
  EXPECT_EQ(db().count("meetings"), 0);

  long long id = create_meeting(meeting("Treffen"));
  for (const auto& [name, value] : fields) {
    auto response = client().patch(path(id), {{name, value}}, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << name;
    EXPECT_TRUE(Names(response, {"/" + name})) << name;
  }
  EXPECT_EQ(column("version", id), "1");
}

TEST_F(MeetingsTest, UnreadableBodiesAre400AndWrongMediaTypeIs415) {
  Headers json_headers = writer();
  json_headers["Content-Type"] = "application/json";
  for (const std::string body : {"{\"title\": ", "[]", "", "{\"venue\": {\"city\": \"\xff\"}}"}) {
    auto response = client().request("POST", "/v1/meetings", body, json_headers);
    EXPECT_TRUE(IsProblem(response, 400)) << body;
  }
  Headers text = writer();
  text["Content-Type"] = "text/plain";
  EXPECT_TRUE(IsProblem(client().request("POST", "/v1/meetings", meeting("x").dump(), text), 415));
  EXPECT_EQ(db().count("meetings"), 0);
}

TEST_F(MeetingsTest, BadIdsInThePathAre400AndUnknownIdsAre404) {
  for (const char* id : {"12abc", "0", "-1", "abc", "99999999999999999999"}) {
    auto response = client().get(std::string("/v1/meetings/") + id, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << id;
    EXPECT_TRUE(Names(response, {"id"})) << id;
    auto nested = client().get(std::string("/v1/meetings/") + id + "/agenda", reader());
    EXPECT_TRUE(IsProblem(nested, 400)) << id;
    EXPECT_TRUE(Names(nested, {"id"})) << id;
  }
  long long id = create_meeting(meeting("Treffen"));
  for (const char* item_id : {"x", "0", "1.5"}) {
    auto response = client().get(agenda(id) + "/" + item_id, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << item_id;
    EXPECT_TRUE(Names(response, {"item_id"})) << item_id;
  }
  EXPECT_TRUE(IsProblem(client().get("/v1/meetings/4711", reader()), 404));
  EXPECT_TRUE(IsProblem(client().patch("/v1/meetings/4711", {{"title", "x"}}, writer()), 404));
  EXPECT_TRUE(IsProblem(client().del("/v1/meetings/4711", writer()), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/meetings/4711/agenda", reader()), 404));
  EXPECT_TRUE(IsProblem(client().post("/v1/meetings/4711/agenda", item("Vortrag"), writer()), 404));
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 0);
}

// --- merge patch ------------------------------------------------------------------------------

TEST_F(MeetingsTest, MergePatchSetsClearsAndKeepsFieldsAndBumpsTheVersion) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"capacity", 100}, {"description", "Programm folgt."}}));
  auto patched =
      client().patch(path(id), {{"capacity", nullptr}, {"published", true}, {"status", "confirmed"}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  json after = patched.json();
  EXPECT_TRUE(after.at("capacity").is_null());
  EXPECT_EQ(after.at("published"), true);
  EXPECT_EQ(after.at("status"), "confirmed");
  EXPECT_EQ(after.at("description"), "Programm folgt.");
  EXPECT_EQ(after.at("starts_at"), "2018-11-13T08:00:00Z");
  EXPECT_EQ(after.at("version"), 2);
  EXPECT_TRUE(matches(patched.header("etag").value_or(""), R"("2-[0-9a-f]{16}")"));
  EXPECT_EQ(column("capacity", id), "");
  EXPECT_EQ(column("status", id), "confirmed");
  EXPECT_EQ(column("version", id), "2");
  EXPECT_EQ(changes("meeting", id, "upsert"), 2);

  // The rules run on the merged meeting: an end before the stored start is a 422.
  auto backwards = client().patch(path(id), {{"ends_at", "2018-11-13T07:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(backwards, 422));
  EXPECT_EQ(error_fields(backwards), std::set<std::string>{"/ends_at"});
  auto nulls = client().patch(path(id), {{"title", nullptr}, {"kind", nullptr}, {"starts_at", nullptr}}, writer());
  EXPECT_TRUE(IsProblem(nulls, 422));
  EXPECT_TRUE(Names(nulls, {"/title", "/kind", "/starts_at"}));
  EXPECT_EQ(column("version", id), "2");
  EXPECT_EQ(column("ends_at", id), "2018-11-13 16:00:00");

  // Both times move together.
  auto moved = client().patch(
      path(id), {{"starts_at", "2019-03-14T09:00:00+01:00"}, {"ends_at", "2019-03-14T17:00:00+01:00"}}, writer());
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json().at("starts_at"), "2019-03-14T08:00:00Z");
  EXPECT_EQ(column("ends_at", id), "2019-03-14 16:00:00");
}

TEST_F(MeetingsTest, VenueMergesMemberByMember) {
  long long id = create_meeting(meeting(
      "Netzwerktreffen",
      {{"venue",
        {{"name", "DB Akademie"}, {"street", "Kurfürstenstraße 1"}, {"postal_code", "14467"}, {"city", "Potsdam"}}}}));
  auto partial = client().patch(path(id), {{"venue", {{"street", nullptr}, {"city", "Potsdam-Babelsberg"}}}}, writer());
  ASSERT_EQ(partial.status, 200) << partial.body;
  EXPECT_EQ(
      partial.json().at("venue"),
      (json{{"name", "DB Akademie"}, {"street", nullptr}, {"postal_code", "14467"}, {"city", "Potsdam-Babelsberg"}}));
  EXPECT_EQ(column("venue_name", id), "DB Akademie");
  EXPECT_EQ(column("venue_street", id), "");
  EXPECT_EQ(column("venue_city", id), "Potsdam-Babelsberg");

  // A bad member is named with its path; nothing changes.
  auto bad = client().patch(path(id), {{"venue", {{"postal_code", "144"}}}}, writer());
  EXPECT_TRUE(IsProblem(bad, 422));
  EXPECT_EQ(error_fields(bad), std::set<std::string>{"/venue/postal_code"});
  auto unknown = client().patch(path(id), {{"venue", {{"country", "DE"}}}}, writer());
  EXPECT_TRUE(IsProblem(unknown, 400));
  EXPECT_EQ(error_fields(unknown), std::set<std::string>{"/venue/country"});
  EXPECT_EQ(column("venue_postal_code", id), "14467");
  EXPECT_EQ(column("version", id), "2");

  // null removes the venue; members patched into no venue make a new one.
  auto removed = client().patch(path(id), {{"venue", nullptr}}, writer());
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(removed.json().at("venue").is_null());
  EXPECT_EQ(db().count("meetings", "id = " + str(id) +
                                       " AND venue_name IS NULL AND venue_street IS NULL AND "
                                       "venue_postal_code IS NULL AND venue_city IS NULL"),
            1);
  auto fresh = client().patch(path(id), {{"venue", {{"city", "Berlin"}}}}, writer());
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(fresh.json().at("venue"),
            (json{{"name", nullptr}, {"street", nullptr}, {"postal_code", nullptr}, {"city", "Berlin"}}));
  // Clearing the last member leaves no venue.
  auto emptied = client().patch(path(id), {{"venue", {{"city", nullptr}}}}, writer());
  ASSERT_EQ(emptied.status, 200) << emptied.body;
  EXPECT_TRUE(emptied.json().at("venue").is_null());
  EXPECT_EQ(column("venue_city", id), "");
}

TEST_F(MeetingsTest, EmptyMergePatchChangesNothing) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"venue", {{"city", "Potsdam"}}}}));
  std::string before = db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + str(id));
  for (const json& patch : {json::object(), json{{"title", "Netzwerktreffen"}, {"capacity", nullptr}},
                            json{{"venue", {{"city", "Potsdam"}}}}}) {
    auto response = client().patch(path(id), patch, writer());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.json().at("version"), 1) << patch.dump();
  }
  EXPECT_EQ(db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + str(id)), before);
  EXPECT_EQ(changes("meeting", id, "upsert"), 1);
}

TEST_F(MeetingsTest, IfMatchWithAStaleETagIs412AndChangesNothing) {
  auto created = client().post("/v1/meetings", meeting("Netzwerktreffen"), writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json().at("id").get<long long>();
  Headers first = writer();
  first["If-Match"] = created.header("etag").value_or("");
  auto ok = client().patch(path(id), {{"capacity", 10}}, first);
  ASSERT_EQ(ok.status, 200) << ok.body;

  auto stale = client().patch(path(id), {{"capacity", 99}}, first);
  EXPECT_TRUE(IsProblem(stale, 412));
  EXPECT_TRUE(IsProblem(client().del(path(id), first), 412));
  Headers garbage = writer();
  garbage["If-Match"] = "not-an-etag";
  EXPECT_TRUE(IsProblem(client().patch(path(id), {{"capacity", 99}}, garbage), 412));
  EXPECT_EQ(column("capacity", id), "10");
  EXPECT_EQ(column("version", id), "2");
  EXPECT_EQ(db().count("meetings"), 1);

  Headers fresh = writer();
  fresh["If-Match"] = ok.header("etag").value_or("");
  EXPECT_EQ(client().del(path(id), fresh).status, 204);
  EXPECT_EQ(db().count("meetings"), 0);
}

// --- delete -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, DeleteAnswers204AndTakesTheAgendaAlong) {
  long long keep = create_meeting(meeting("Bleibt"));
  long long kept_item = create_item(keep, item("Bleibt auch"));
  long long id = create_meeting(meeting("Geht"));
  long long first = create_item(id, item("Keynote", {{"kind", "keynote"}}));
  long long second = create_item(id, item("Podium", {{"kind", "panel"}}));

  auto removed = client().del(path(id), writer());
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(removed.body.empty());
  EXPECT_EQ(db().count("meetings", "id = " + str(id)), 0);
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id)), 0);
  EXPECT_EQ(db().count("agenda_items", "id = " + str(kept_item)), 1);
  EXPECT_EQ(db().count("meetings"), 1);
  // The change feed learns of the meeting and of each item that went with it.
  EXPECT_EQ(changes("meeting", id, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", first, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", second, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", kept_item, "delete"), 0);

  EXPECT_TRUE(IsProblem(client().del(path(id), writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(path(id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(id, first), reader()), 404));
}

TEST_F(MeetingsTest, DeleteIsRefusedWhileATestimonialRefersToTheMeeting) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  create_item(id, item("Keynote"));
  {
    std::unique_ptr<::sql::Statement> statement(db().reader().createStatement());
    statement->execute(
        "INSERT INTO testimonials (quote, author_name, meeting_id) VALUES "
        "('Gelungene Integration geht nur zusammen!', 'Martin Seiler', " +
        str(id) + ")");
  }
  auto refused = client().del(path(id), writer());
  EXPECT_TRUE(IsProblem(refused, 409));
  EXPECT_NE(refused.json().value("detail", "").find("testimonials"), std::string::npos) << refused.body;
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(changes("meeting", id, "delete"), 0);
}

// --- access -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, AnonymousCallersSeeOnlyPublishedMeetingsAndTheirAgenda) {
  long long published = create_meeting(meeting("Öffentlich", {{"published", true}}));
  long long draft = create_meeting(meeting("Entwurf"));
  long long public_item = create_item(published, item("Keynote"));
  long long draft_item = create_item(draft, item("Geheim"));

  EXPECT_EQ(client().get(path(published)).status, 200);
  EXPECT_EQ(client().get(agenda(published)).status, 200);
  EXPECT_EQ(client().get(agenda(published, public_item)).status, 200);
  EXPECT_EQ(client().get(path(published) + "?include=agenda").status, 200);
  EXPECT_TRUE(IsProblem(client().get(path(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get(path(draft) + "?include=agenda"), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(draft, draft_item)), 404));
  auto anonymous = client().get("/v1/meetings");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  EXPECT_EQ(ids_of(anonymous), (std::set<long long>{published}));
  EXPECT_EQ(anonymous.header("cache-control").value_or(""), "public, max-age=60");

  for (const auto& target : {path(draft), agenda(draft), agenda(draft, draft_item), path(draft) + "?include=agenda"}) {
    EXPECT_EQ(client().get(target, reader()).status, 200) << target;
    EXPECT_EQ(client().get(target, writer()).status, 200) << target;
  }
  EXPECT_EQ(ids_of(client().get("/v1/meetings", reader())), (std::set<long long>{published, draft}));

  // Unpublishing takes the meeting and its agenda out of public view.
  ASSERT_EQ(client().patch(path(published), {{"published", false}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().get(path(published)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(published, public_item)), 404));
  EXPECT_TRUE(ids_of(client().get("/v1/meetings")).empty());
}

TEST_F(MeetingsTest, WritesNeedContentWriteAndReadsWithAKeyNeedContentRead) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long item_id = create_item(id, item("Keynote"));
  std::string other = server_->key({"registrations:read"});
  struct Write {
    std::string method;
    std::string target;
    json body;
  };
  std::vector<Write> writes = {{"POST", "/v1/meetings", meeting("Neu")},
                               {"PATCH", path(id), {{"title", "Neu"}}},
                               {"DELETE", path(id), nullptr},
                               {"POST", agenda(id), item("Neu")},
                               {"PATCH", agenda(id, item_id), {{"title", "Neu"}}},
                               {"DELETE", agenda(id, item_id), nullptr}};
  for (const auto& w : writes) {
    std::string body = w.body.is_null() ? "" : w.body.dump();
    Headers anonymous = {{"Content-Type", "application/json"}};
    EXPECT_TRUE(IsProblem(client().request(w.method, w.target, body, anonymous), 401)) << w.method << " " << w.target;
    Headers read_only = reader();
    read_only["Content-Type"] = "application/json";
    EXPECT_TRUE(IsProblem(client().request(w.method, w.target, body, read_only), 403)) << w.method << " " << w.target;
  }
  for (const auto& target : {std::string("/v1/meetings"), path(id), agenda(id), agenda(id, item_id)}) {
    EXPECT_TRUE(IsProblem(client().get(target, bearer(other)), 403)) << target;
    EXPECT_TRUE(IsProblem(client().get(target, bearer("zus_not_a_key")), 401)) << target;
  }
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(column("title", id), "Netzwerktreffen");
  EXPECT_EQ(column("version", id), "1");
}

// --- filters, sorting, pagination -------------------------------------------------------------

TEST_F(MeetingsTest, FiltersNarrowTheList) {
  long long db_company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long a = create_meeting(meeting("Drittes Netzwerktreffen 2018", {{"starts_at", "2018-11-12T17:00:00Z"},
                                                                        {"ends_at", "2018-11-13T15:00:00Z"},
                                                                        {"venue", {{"city", "Potsdam"}}},
                                                                        {"host_company_id", db_company},
                                                                        {"status", "held"},
                                                                        {"published", true}}));
  long long b = create_meeting(meeting("Webinar Fachkräfteeinwanderungsgesetz", {{"kind", "webinar"},
                                                                                 {"starts_at", "2018-11-20T09:00:00Z"},
                                                                                 {"ends_at", "2018-11-20T12:00:00Z"},
                                                                                 {"status", "held"}}));
  long long c = create_meeting(
      meeting("Workshop Ausbilder", {{"kind", "workshop"},
                                     {"starts_at", "2019-03-14T08:00:00Z"},
                                     {"ends_at", "2019-03-14T16:00:00Z"},
                                     {"venue", {{"city", "Berlin"}}},
                                     {"description", "Interkulturelle Zusammenarbeit in den Betrieben"}}));
  long long d = create_meeting(meeting(
      "Frühjahrstreffen",
      {{"starts_at", "2099-05-01T08:00:00Z"}, {"ends_at", "2099-05-01T16:00:00Z"}, {"venue", {{"city", "Hamburg"}}}}));
  long long e = create_meeting(meeting("Abendempfang", {{"kind", "other"},
                                                        {"starts_at", "2018-11-13T18:00:00Z"},
                                                        {"ends_at", "2018-11-13T20:00:00Z"},
                                                        {"venue", {{"city", "Potsdam"}}},
                                                        {"status", "cancelled"}}));
  // Running from long ago until far ahead: upcoming until it is over.
  long long f = create_meeting(
      meeting("Dauerausstellung",
              {{"kind", "other"}, {"starts_at", "2018-01-01T00:00:00Z"}, {"ends_at", "2098-12-31T00:00:00Z"}}));

  auto ids = [&](const std::string& query) {
    auto response = client().get("/v1/meetings?" + query, reader());
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    return response.status == 200 ? ids_of(response) : std::set<long long>{};
  };
  using Ids = std::set<long long>;
  // from: still running after the instant (ends after it); to: started before it; a date is a whole UTC day.
  EXPECT_EQ(ids("from=2018-11-13"), (Ids{a, b, c, d, e, f}));
  EXPECT_EQ(ids("to=2018-11-13"), (Ids{a, e, f}));
  EXPECT_EQ(ids("from=2018-11-13&to=2018-11-13"), (Ids{a, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T15:00:00Z"), (Ids{b, c, d, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T16:00:00%2B01:00"), (Ids{b, c, d, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T14:59:59Z"), (Ids{a, b, c, d, e, f}));
  EXPECT_EQ(ids("to=2018-11-12T17:00:00Z"), (Ids{f}));
  EXPECT_EQ(ids("to=2018-11-12T17:00:01Z"), (Ids{a, f}));
  EXPECT_EQ(ids("from=2018-11-14&to=2019-12-31"), (Ids{b, c, f}));
  EXPECT_EQ(ids("from=2099-01-01"), (Ids{d}));
  EXPECT_EQ(ids("kind=webinar"), (Ids{b}));
  EXPECT_EQ(ids("kind=network_meeting"), (Ids{a, d}));
  EXPECT_EQ(ids("city=Potsdam"), (Ids{a, e}));
  EXPECT_EQ(ids("city=potsdam"), (Ids{a, e}));
  EXPECT_EQ(ids("city=Potsdam&status=cancelled"), (Ids{e}));
  EXPECT_EQ(ids("status=held"), (Ids{a, b}));
  EXPECT_EQ(ids("host_company_id=" + str(db_company)), (Ids{a}));
  EXPECT_EQ(ids("host_company_id=" + str(db_company + 1)), (Ids{}));
  EXPECT_EQ(ids("upcoming=true"), (Ids{d, f}));
  EXPECT_EQ(ids("upcoming=false"), (Ids{a, b, c, e}));
  EXPECT_EQ(ids("upcoming=true&kind=other"), (Ids{f}));
  EXPECT_EQ(ids("q=Netzwerktreffen"), (Ids{a}));
  EXPECT_EQ(ids("q=Fr%C3%BChjahrstreffen"), (Ids{d}));
  EXPECT_EQ(ids("q=Fachkr%C3%A4fte"), (Ids{b}));
  EXPECT_EQ(ids("q=interkulturelle+Betrieben"), (Ids{c}));
  EXPECT_EQ(ids("q=Schiffbau"), (Ids{}));
  // Anonymous callers filter among published meetings only.
  auto anonymous = client().get("/v1/meetings?city=Potsdam");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(ids_of(anonymous), (Ids{a}));
}

TEST_F(MeetingsTest, UpdatedSinceListsWhatChangedAtOrAfterTheInstant) {
  long long older = create_meeting(meeting("Alt"));
  long long changed = create_meeting(meeting("Neu"));
  ASSERT_EQ(client().patch(path(changed), {{"capacity", 3}}, writer()).status, 200);
  std::string since =
      db().scalar("SELECT DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM meetings WHERE id = " + str(changed));
  auto at = client().get("/v1/meetings?updated_since=" + since, reader());
  ASSERT_EQ(at.status, 200) << at.body;
  EXPECT_EQ(ids_of(at), (std::set<long long>{changed}));
  auto past = client().get("/v1/meetings?updated_since=2000-01-01T00:00:00Z", reader());
  EXPECT_EQ(ids_of(past), (std::set<long long>{older, changed}));
}

TEST_F(MeetingsTest, BadQueryParametersAre400NamingTheParameter) {
  std::vector<std::pair<std::string, std::string>> cases = {{"from=yesterday", "from"},
                                                            {"from=2018-11-13T09:00", "from"},
                                                            {"to=2018-13-01", "to"},
                                                            {"from=2018-11-14&to=2018-11-13", "to"},
                                                            {"from=2018-11-13T10:00:00Z&to=2018-11-13T10:00:00Z", "to"},
                                                            {"kind=party", "kind"},
                                                            {"status=done", "status"},
                                                            {"upcoming=yes", "upcoming"},
                                                            {"host_company_id=abc", "host_company_id"},
                                                            {"updated_since=gestern", "updated_since"},
                                                            {"sort=colour", "sort"},
                                                            {"sort=-venue", "sort"},
                                                            {"limit=0", "limit"},
                                                            {"limit=101", "limit"},
                                                            {"cursor=%21%21", "cursor"},
                                                            {"include=agenda", "include"},
                                                            {"colour=blue", "colour"},
                                                            {"q=", "q"},
                                                            {"q=%2B%2B", "q"},
                                                            {"city=", "city"}};
  for (const auto& [query, name] : cases) {
    auto response = client().get("/v1/meetings?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_TRUE(Names(response, {name})) << query;
  }
  // Every bad parameter at once.
  auto several = client().get("/v1/meetings?from=x&kind=y&limit=0", reader());
  EXPECT_TRUE(IsProblem(several, 400));
  EXPECT_EQ(error_fields(several), (std::set<std::string>{"from", "kind", "limit"}));
  for (const char* query : {"bogus=1", "include=company"}) {
    auto response = client().get(agenda(1) + "?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
  }
  auto include = client().get("/v1/meetings/1?include=bogus", reader());
  EXPECT_TRUE(IsProblem(include, 400));
  EXPECT_TRUE(Names(include, {"include"}));
}

TEST_F(MeetingsTest, SortsByStartTitleAndCreation) {
  long long spring = create_meeting(
      meeting("Frühjahrstreffen", {{"starts_at", "2019-04-01T08:00:00Z"}, {"ends_at", "2019-04-01T16:00:00Z"}}));
  long long autumn = create_meeting(meeting("Herbsttreffen", {{"starts_at", "2018-11-13T08:00:00Z"}}));
  long long workshop = create_meeting(
      meeting("Ausbilder-Workshop", {{"starts_at", "2018-06-01T08:00:00Z"}, {"ends_at", "2018-06-01T12:00:00Z"}}));
  long long aerzte = create_meeting(meeting("Ärzte im Netzwerk", {{"starts_at", "2018-11-13T08:00:00Z"}}));

  auto order = [&](const std::string& query) {
    auto response = client().get("/v1/meetings" + query, reader());
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    return response.status == 200 ? ids_in_order(response) : std::vector<long long>{};
  };
  using Ids = std::vector<long long>;
  // Ties (the same start) are broken by id.
  EXPECT_EQ(order(""), (Ids{workshop, autumn, aerzte, spring}));
  EXPECT_EQ(order("?sort=starts_at"), (Ids{workshop, autumn, aerzte, spring}));
  EXPECT_EQ(order("?sort=-starts_at"), (Ids{spring, aerzte, autumn, workshop}));
  // German collation: Ä sorts with A.
  EXPECT_EQ(order("?sort=title"), (Ids{aerzte, workshop, spring, autumn}));
  EXPECT_EQ(order("?sort=-title"), (Ids{autumn, spring, workshop, aerzte}));
  EXPECT_EQ(order("?sort=created_at"), (Ids{spring, autumn, workshop, aerzte}));
  EXPECT_EQ(order("?sort=-created_at"), (Ids{aerzte, workshop, autumn, spring}));
  ASSERT_EQ(client().patch(path(spring), {{"capacity", 5}}, writer()).status, 200);
  EXPECT_EQ(order("?sort=-updated_at").front(), spring);
}

TEST_F(MeetingsTest, CursorPaginationWalksEveryRowExactlyOnce) {
  std::set<long long> published;
  std::set<long long> all;
  for (int n = 0; n < 23; ++n) {
    bool is_published = n % 6 != 2;  // 4 drafts
    // Few distinct start times and repeated titles: ties that only the id can break.
    std::string day = "2018-11-1" + std::to_string(n % 4);
    long long id = create_meeting(
        meeting("Treffen " + std::to_string(n % 5),
                {{"starts_at", day + "T08:00:00Z"}, {"ends_at", day + "T16:00:00Z"}, {"published", is_published}}));
    all.insert(id);
    if (is_published) published.insert(id);
  }
  ASSERT_EQ(published.size(), 19u);
  struct Walk {
    std::string sort;
    bool keyed;
  };
  for (const auto& walk : std::vector<Walk>{{"", false},
                                            {"-starts_at", false},
                                            {"title", true},
                                            {"-title", true},
                                            {"created_at", true},
                                            {"-updated_at", false}}) {
    std::vector<long long> seen;
    std::string base = "/v1/meetings?limit=4" + (walk.sort.empty() ? "" : "&sort=" + walk.sort);
    std::string target = base;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = client().get(target, walk.keyed ? reader() : Headers{});
      ASSERT_EQ(page.status, 200) << target << ": " << page.body;
      auto ids = ids_in_order(page);
      EXPECT_LE(ids.size(), 4u);
      seen.insert(seen.end(), ids.begin(), ids.end());
      json cursor = page.json().at("next_cursor");
      if (cursor.is_null()) {
        EXPECT_FALSE(page.header("link").has_value());
        break;
      }
      EXPECT_EQ(ids.size(), 4u);
      EXPECT_TRUE(matches(page.header("link").value_or(""), R"(<[^>]+>; rel="next")"));
      target = base + "&cursor=" + cursor.get<std::string>();
    }
    const auto& expected = walk.keyed ? all : published;
    EXPECT_EQ(seen.size(), expected.size()) << "sort=" << walk.sort << ": a row was repeated or lost";
    EXPECT_EQ(std::set<long long>(seen.begin(), seen.end()), expected) << "sort=" << walk.sort;
  }
  // A cursor made for one sort order is refused for another.
  auto first = client().get("/v1/meetings?limit=4", reader());
  auto other = client().get(
      "/v1/meetings?limit=4&sort=title&cursor=" + first.json().at("next_cursor").get<std::string>(), reader());
  EXPECT_TRUE(IsProblem(other, 400));
  EXPECT_TRUE(Names(other, {"cursor"}));
}

// --- embedding and conditional requests -------------------------------------------------------

TEST_F(MeetingsTest, IncludeAgendaEmbedsTheProgrammeInOrder) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long panel = create_item(
      id, item("Podiumsdiskussion",
               {{"kind", "panel"}, {"starts_at", "2018-11-13T11:00:00Z"}, {"ends_at", "2018-11-13T12:00:00Z"}}));
  long long keynote = create_item(id, item("Impulsvortrag", {{"kind", "keynote"}}));
  long long other = create_meeting(meeting("Anderes Treffen", {{"published", true}}));
  create_item(other, item("Fremder Vortrag"));

  auto plain = client().get(path(id));
  ASSERT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.json().contains("agenda"));
  auto embedded = client().get(path(id) + "?include=agenda");
  ASSERT_EQ(embedded.status, 200) << embedded.body;
  json body = embedded.json();
  ASSERT_TRUE(body.at("agenda").is_array());
  ASSERT_EQ(body.at("agenda").size(), 2u);
  EXPECT_EQ(body["agenda"][0].at("id"), keynote);
  EXPECT_EQ(body["agenda"][1].at("id"), panel);
  EXPECT_EQ(body["agenda"][0].at("meeting_id"), id);
  body.erase("agenda");
  EXPECT_EQ(body, plain.json());
  EXPECT_TRUE(matches(embedded.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  EXPECT_NE(embedded.header("etag"), plain.header("etag"));

  // The embedded representation changes with the agenda, and so does its ETag.
  std::string etag = embedded.header("etag").value_or("");
  EXPECT_EQ(client().get(path(id) + "?include=agenda", {{"If-None-Match", etag}}).status, 304);
  ASSERT_EQ(client().patch(agenda(id, panel), {{"room", "Saal 1"}}, writer()).status, 200);
  auto changed = client().get(path(id) + "?include=agenda", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json()["agenda"][1].at("room"), "Saal 1");

  auto empty = client().post("/v1/meetings", meeting("Ohne Programm"), writer());
  long long empty_id = empty.json().at("id").get<long long>();
  auto none = client().get(path(empty_id) + "?include=agenda", reader());
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.json().at("agenda"), json::array());
}

TEST_F(MeetingsTest, ETagsAnswerIfNoneMatchWith304OnItemsAndLists) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long item_id = create_item(id, item("Keynote"));
  for (const auto& target : {path(id), std::string("/v1/meetings"), agenda(id), agenda(id, item_id)}) {
    auto first = client().get(target);
    ASSERT_EQ(first.status, 200) << target;
    std::string etag = first.header("etag").value_or("");
    EXPECT_TRUE(matches(etag, R"("[!#-~]+")")) << target;
    auto same = client().get(target, {{"If-None-Match", etag}});
    EXPECT_EQ(same.status, 304) << target;
    EXPECT_TRUE(same.body.empty());
    EXPECT_EQ(client().get(target, {{"If-None-Match", "\"1-0000000000000000\""}}).status, 200) << target;
  }
  std::string item_etag = client().get(agenda(id, item_id)).header("etag").value_or("");
  EXPECT_TRUE(matches(item_etag, R"("1-[0-9a-f]{16}")"));
  std::string list_etag = client().get(agenda(id)).header("etag").value_or("");
  ASSERT_EQ(client().patch(agenda(id, item_id), {{"title", "Impulsvortrag"}}, writer()).status, 200);
  EXPECT_EQ(client().get(agenda(id, item_id), {{"If-None-Match", item_etag}}).status, 200);
  EXPECT_EQ(client().get(agenda(id), {{"If-None-Match", list_etag}}).status, 200);
}

// --- agenda -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, AgendaItemCrudEndToEnd) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  json body = {
      {"kind", "panel"},
      {"title", "Podiumsdiskussion"},
      {"description", "„Integration gelingt nur zusammen“ – Erfolge und Hürden"},
      {"starts_at", "2018-11-13T12:00:00+01:00"},
      {"ends_at", "2018-11-13T13:00:00+01:00"},
      {"room", "Großer Saal"},
      {"speakers",
       {{{"name", "Leonie Gebers"}, {"role", "Staatssekretärin"}, {"organization", "BMAS"}},
        {{"name", "Martin Seiler"}, {"role", "Vorstand Personal & Recht"}, {"organization", "Deutsche Bahn AG"}},
        {{"name", "Marlies Peine"}, {"role", "Projektleiterin \"Wir zusammen\"\\\n"}, {"organization", nullptr}}}}};
  auto response = client().post(agenda(id), body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  long long item_id = created.at("id").get<long long>();
  EXPECT_EQ(response.header("location").value_or(""), agenda(id, item_id));
  EXPECT_TRUE(matches(response.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  EXPECT_EQ(created.at("meeting_id"), id);
  EXPECT_EQ(created.at("starts_at"), "2018-11-13T11:00:00Z");
  EXPECT_EQ(created.at("ends_at"), "2018-11-13T12:00:00Z");
  EXPECT_TRUE(created.at("capacity").is_null());
  EXPECT_EQ(created.at("version"), 1);
  for (const char* name : {"kind", "title", "description", "room", "speakers"}) {
    EXPECT_EQ(created.at(name), body.at(name)) << name;
  }
  EXPECT_EQ(item_column("meeting_id", item_id), str(id));
  EXPECT_EQ(item_column("starts_at", item_id), "2018-11-13 11:00:00");
  EXPECT_EQ(item_column("room", item_id), "Großer Saal");
  EXPECT_EQ(item_column("JSON_VALUE(speakers, '$[1].role')", item_id), "Vorstand Personal & Recht");
  EXPECT_EQ(item_column("JSON_LENGTH(speakers)", item_id), "3");
  EXPECT_EQ(changes("agenda_item", item_id, "upsert"), 1);

  auto read = client().get(agenda(id, item_id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);

  // Speakers are replaced whole; null clears room.
  auto patched = client().patch(
      agenda(id, item_id),
      {{"speakers", {{{"name", "Jan Boris Wintzenburg"}, {"organization", "stern"}}}}, {"room", nullptr}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("speakers"),
            (json{{{"name", "Jan Boris Wintzenburg"}, {"role", nullptr}, {"organization", "stern"}}}));
  EXPECT_TRUE(patched.json().at("room").is_null());
  EXPECT_EQ(patched.json().at("title"), "Podiumsdiskussion");
  EXPECT_EQ(patched.json().at("version"), 2);
  EXPECT_EQ(item_column("room", item_id), "");
  EXPECT_EQ(item_column("version", item_id), "2");
  auto emptied = client().patch(agenda(id, item_id), {{"speakers", json::array()}}, writer());
  ASSERT_EQ(emptied.status, 200) << emptied.body;
  EXPECT_EQ(emptied.json().at("speakers"), json::array());
  EXPECT_EQ(item_column("speakers", item_id), "[]");

  auto removed = client().del(agenda(id, item_id), writer());
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(db().count("agenda_items"), 0);
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(changes("agenda_item", item_id, "delete"), 1);
  EXPECT_TRUE(IsProblem(client().get(agenda(id, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(id, item_id), writer()), 404));
}

TEST_F(MeetingsTest, AgendaIsOrderedByStartThenId) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto timed = [](const std::string& title, const char* kind, const char* start, const char* end) {
    return item(title, {{"kind", kind}, {"starts_at", start}, {"ends_at", end}});
  };
  // Created out of order; two parallel workshops start at the same time.
  long long heimat = create_item(
      id, timed("Workshop „Perspektive Heimat“", "workshop", "2018-11-13T13:00:00Z", "2018-11-13T14:30:00Z"));
  long long keynote =
      create_item(id, timed("Impulsvortrag", "keynote", "2018-11-13T08:00:00Z", "2018-11-13T08:30:00Z"));
  long long ausbilder =
      create_item(id, timed("Workshop Ausbilder", "workshop", "2018-11-13T13:00:00Z", "2018-11-13T14:30:00Z"));
  long long update = create_item(id, timed("Projekt-Update", "talk", "2018-11-13T08:30:00Z", "2018-11-13T09:00:00Z"));
  auto list = client().get(agenda(id), reader());
  ASSERT_EQ(list.status, 200) << list.body;
  json body = list.json();
  EXPECT_EQ(body.size(), 1u) << "only items, no pages";
  EXPECT_EQ(ids_in_order(list), (std::vector<long long>{keynote, update, heimat, ausbilder}));

  // Moving an item moves it in the list.
  ASSERT_EQ(client().patch(agenda(id, ausbilder), {{"starts_at", "2018-11-13T12:30:00Z"}}, writer()).status, 200);
  EXPECT_EQ(ids_in_order(client().get(agenda(id), reader())),
            (std::vector<long long>{keynote, update, ausbilder, heimat}));
  auto empty = client().get(agenda(create_meeting(meeting("Leer"))), reader());
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json(), (json{{"items", json::array()}}));
}

TEST_F(MeetingsTest, AgendaItemRulesAreNamedAtOnce) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  json many = json::array();
  for (int n = 0; n < 21; ++n) many.push_back({{"name", "Person " + std::to_string(n)}});
  struct Case {
    json body;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {item("", {{"kind", "lecture"}}), {"/title", "/kind"}},
      {item("Zeit", {{"starts_at", "morgen"}, {"ends_at", "2018-11-13T09:00:00"}}), {"/starts_at", "/ends_at"}},
      {item("Rückwärts", {{"ends_at", "2018-11-13T08:59:00Z"}}), {"/ends_at"}},
      {item("Platz", {{"kind", "talk"}, {"capacity", 20}}), {"/capacity"}},
      {item("Platz", {{"kind", "workshop"}, {"capacity", -1}}), {"/capacity"}},
      {item("Voll", {{"speakers", many}}), {"/speakers"}},
      {item("Namenlos", {{"speakers", {{{"role", "Moderation"}}, {{"name", ""}}, {{"name", nullptr}}}}}),
       {"/speakers/0/name", "/speakers/1/name", "/speakers/2/name"}},
      {item("Lang",
            {{"room", std::string(101, 'r')}, {"speakers", {{{"name", "A"}, {"role", std::string(201, 'x')}}}}}),
       {"/room", "/speakers/0/role"}},
      {item("Null", {{"speakers", nullptr}, {"kind", nullptr}}), {"/speakers", "/kind"}},
      {{{"title", "Fehlt"}}, {"/kind", "/starts_at", "/ends_at"}}};
  for (const auto& c : cases) {
    auto response = client().post(agenda(id), c.body, writer());
    EXPECT_TRUE(IsProblem(response, 422)) << c.body.dump();
    EXPECT_EQ(error_fields(response), c.fields) << c.body.dump();
  }
  std::vector<Case> unreadable = {
      {item("Typ", {{"speakers", "Leonie Gebers"}}), {"/speakers"}},
      {item("Typ", {{"speakers", {"Leonie Gebers"}}}), {"/speakers/0"}},
      {item("Typ", {{"speakers", {{{"name", "A"}, {"email", "a@b.de"}}}}}), {"/speakers/0/email"}},
      {item("Typ", {{"speakers", {{{"name", "A"}}, {{"name", 7}, {"role", false}}}}}),
       {"/speakers/1/name", "/speakers/1/role"}},
      {item("Typ", {{"capacity", "12"}}), {"/capacity"}},
      {item("Typ", {{"meeting_id", id}}), {"/meeting_id"}},
      {item("Typ", {{"id", 1}, {"version", 1}}), {"/id", "/version"}}};
  for (const auto& c : unreadable) {
    auto response = client().post(agenda(id), c.body, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.body.dump();
    EXPECT_EQ(error_fields(response), c.fields) << c.body.dump();
  }
  EXPECT_EQ(db().count("agenda_items"), 0);

  // Workshops take a capacity; 20 speakers are fine.
  many.erase(many.size() - 1);
  auto workshop = client().post(
      agenda(id), item("Workshop", {{"kind", "workshop"}, {"capacity", 25}, {"speakers", many}}), writer());
  ASSERT_EQ(workshop.status, 201) << workshop.body;
  EXPECT_EQ(workshop.json().at("capacity"), 25);
  EXPECT_EQ(workshop.json().at("speakers").size(), 20u);
  // Changing the kind away from workshop while a capacity is set is a 422 until it is cleared.
  long long workshop_id = workshop.json().at("id").get<long long>();
  auto to_talk = client().patch(agenda(id, workshop_id), {{"kind", "talk"}}, writer());
  EXPECT_TRUE(IsProblem(to_talk, 422));
  EXPECT_EQ(error_fields(to_talk), std::set<std::string>{"/capacity"});
  auto cleared = client().patch(agenda(id, workshop_id), {{"kind", "talk"}, {"capacity", nullptr}}, writer());
  EXPECT_EQ(cleared.status, 200) << cleared.body;
}

TEST_F(MeetingsTest, AgendaItemsLieWithinTheirMeeting) {
  // 08:00-16:00 UTC.
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto early = client().post(agenda(id), item("Zu früh", {{"starts_at", "2018-11-13T07:59:59Z"}}), writer());
  EXPECT_TRUE(IsProblem(early, 422));
  EXPECT_EQ(error_fields(early), std::set<std::string>{"/starts_at"});
  auto late = client().post(
      agenda(id), item("Zu spät", {{"starts_at", "2018-11-13T15:30:00Z"}, {"ends_at", "2018-11-13T16:30:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(late, 422));
  EXPECT_EQ(error_fields(late), std::set<std::string>{"/ends_at"});
  auto around = client().post(
      agenda(id), item("Zu lang", {{"starts_at", "2018-11-12T19:00:00Z"}, {"ends_at", "2018-11-14T08:00:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(around, 422));
  EXPECT_EQ(error_fields(around), (std::set<std::string>{"/starts_at", "/ends_at"}));
  auto day_before = client().post(
      agenda(id),
      item("Vorabend",
           {{"kind", "social"}, {"starts_at", "2018-11-12T18:00:00Z"}, {"ends_at", "2018-11-12T21:00:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(day_before, 422));
  EXPECT_TRUE(Names(day_before, {"/starts_at"}));
  EXPECT_EQ(db().count("agenda_items"), 0);

  // Exactly the meeting's bounds are inside; an offset is compared as the instant it names.
  long long whole = create_item(
      id, item("Ganzer Tag", {{"starts_at", "2018-11-13T09:00:00+01:00"}, {"ends_at", "2018-11-13T17:00:00+01:00"}}));
  auto moved_out = client().patch(agenda(id, whole), {{"ends_at", "2018-11-13T16:00:01Z"}}, writer());
  EXPECT_TRUE(IsProblem(moved_out, 422));
  EXPECT_EQ(error_fields(moved_out), std::set<std::string>{"/ends_at"});
  EXPECT_EQ(item_column("ends_at", whole), "2018-11-13 16:00:00");
  EXPECT_EQ(item_column("version", whole), "1");
}

TEST_F(MeetingsTest, MeetingTimesCannotLeaveAgendaItemsOutside) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  long long first =
      create_item(id, item("Keynote", {{"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T10:00:00Z"}}));
  create_item(id,
              item("Workshop",
                   {{"kind", "workshop"}, {"starts_at", "2018-11-13T13:00:00Z"}, {"ends_at", "2018-11-13T15:00:00Z"}}));

  auto later_start = client().patch(path(id), {{"starts_at", "2018-11-13T09:30:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(later_start, 422));
  EXPECT_EQ(error_fields(later_start), std::set<std::string>{"/starts_at"});
  auto earlier_end = client().patch(path(id), {{"ends_at", "2018-11-13T14:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(earlier_end, 422));
  EXPECT_EQ(error_fields(earlier_end), std::set<std::string>{"/ends_at"});
  auto other_day =
      client().patch(path(id), {{"starts_at", "2019-03-14T08:00:00Z"}, {"ends_at", "2019-03-14T16:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(other_day, 422));
  // The items now lie before the meeting: its start is at fault.
  EXPECT_EQ(error_fields(other_day), std::set<std::string>{"/starts_at"});
  auto day_earlier =
      client().patch(path(id), {{"starts_at", "2018-06-01T08:00:00Z"}, {"ends_at", "2018-06-01T16:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(day_earlier, 422));
  EXPECT_EQ(error_fields(day_earlier), std::set<std::string>{"/ends_at"});
  auto narrower =
      client().patch(path(id), {{"starts_at", "2018-11-13T09:30:00Z"}, {"ends_at", "2018-11-13T14:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(narrower, 422));
  EXPECT_EQ(error_fields(narrower), (std::set<std::string>{"/starts_at", "/ends_at"}));
  EXPECT_EQ(column("starts_at", id), "2018-11-13 08:00:00");
  EXPECT_EQ(column("ends_at", id), "2018-11-13 16:00:00");
  EXPECT_EQ(column("version", id), "1");

  // Up to the items' edges is fine; so is anything once the items are gone.
  auto tight =
      client().patch(path(id), {{"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T15:00:00Z"}}, writer());
  EXPECT_EQ(tight.status, 200) << tight.body;
  ASSERT_EQ(client().del(agenda(id, first), writer()).status, 204);
  auto later = client().patch(path(id), {{"starts_at", "2018-11-13T12:00:00Z"}}, writer());
  EXPECT_EQ(later.status, 200) << later.body;
}

TEST_F(MeetingsTest, AnItemOfAnotherMeetingIsNotFound) {
  long long mine = create_meeting(meeting("Meins", {{"published", true}}));
  long long theirs = create_meeting(meeting("Deren", {{"published", true}}));
  long long item_id = create_item(theirs, item("Vortrag"));
  EXPECT_TRUE(IsProblem(client().get(agenda(mine, item_id)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(mine, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().patch(agenda(mine, item_id), {{"title", "Gekapert"}}, writer()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(mine, item_id), writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(4711, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(4711, item_id), writer()), 404));
  EXPECT_EQ(item_column("title", item_id), "Vortrag");
  EXPECT_EQ(item_column("meeting_id", item_id), str(theirs));
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(client().get(agenda(theirs, item_id)).status, 200);
}

TEST_F(MeetingsTest, AgendaItemIfMatchWithAStaleETagIs412) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto created = client().post(agenda(id), item("Keynote"), writer());
  ASSERT_EQ(created.status, 201);
  long long item_id = created.json().at("id").get<long long>();
  Headers first = writer();
  first["If-Match"] = created.header("etag").value_or("");
  auto ok = client().patch(agenda(id, item_id), {{"room", "Saal 1"}}, first);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(IsProblem(client().patch(agenda(id, item_id), {{"room", "Saal 2"}}, first), 412));
  EXPECT_TRUE(IsProblem(client().del(agenda(id, item_id), first), 412));
  EXPECT_EQ(item_column("room", item_id), "Saal 1");
  EXPECT_EQ(db().count("agenda_items"), 1);
  auto empty = client().patch(agenda(id, item_id), json::object(), writer());
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json().at("version"), 2);
  Headers fresh = writer();
  fresh["If-Match"] = ok.header("etag").value_or("");
  EXPECT_EQ(client().del(agenda(id, item_id), fresh).status, 204);
  EXPECT_EQ(db().count("agenda_items"), 0);
}

// --- demo data --------------------------------------------------------------------------------

TEST_F(MeetingsTest, SeedAddsTheMeetingOfThePressReleaseOnce) {
  auto first = service::seed_demo_data(db().pool());
  ASSERT_TRUE(first.ok()) << first.error().detail;
  std::string id = db().scalar("SELECT id FROM meetings WHERE title = 'Drittes Netzwerktreffen 2018'");
  ASSERT_NE(id, "<none>");
  std::string company = db().scalar("SELECT id FROM companies WHERE slug = 'deutsche-bahn'");
  // 13 November 2018, 09:00-16:30 in Potsdam (UTC+1), hosted by Deutsche Bahn, held and public.
  EXPECT_EQ(db().scalar("SELECT CONCAT_WS('|', kind, starts_at, ends_at, timezone, venue_name, venue_city, "
                        "host_company_id, status, published) FROM meetings WHERE id = " +
                        id),
            "network_meeting|2018-11-13 08:00:00|2018-11-13 15:30:00|Europe/Berlin|DB Akademie|Potsdam|" + company +
                "|held|1");
  // The evening before, at the DB Tower in Berlin: a meeting of its own with a social item.
  EXPECT_EQ(db().count("meetings",
                       "kind = 'other' AND venue_city = 'Berlin' AND venue_name = 'DB Tower' AND "
                       "starts_at = '2018-11-12 17:00:00' AND published = 1"),
            1);
  EXPECT_EQ(db().count("agenda_items", "kind = 'social' AND starts_at = '2018-11-12 17:00:00'"), 1);

  auto agenda_page = client().get("/v1/meetings/" + id + "/agenda");
  ASSERT_EQ(agenda_page.status, 200) << agenda_page.body;
  json items = agenda_page.json().at("items");
  ASSERT_EQ(items.size(), 9u);
  EXPECT_EQ(items[0].at("kind"), "keynote");
  EXPECT_EQ(items[0].at("starts_at"), "2018-11-13T08:30:00Z");
  EXPECT_EQ(items[0].at("speakers")[0].at("name"), "Leonie Gebers");
  EXPECT_EQ(items[0].at("title"), "Impulsvortrag zum Fachkräfteeinwanderungsgesetz");
  std::set<std::string> workshops;
  for (const auto& item : items) {
    if (item.at("kind") == "workshop") workshops.insert(item.at("title").get<std::string>());
    EXPECT_GE(item.at("starts_at").get<std::string>(), "2018-11-13T08:00:00Z");
    EXPECT_LE(item.at("ends_at").get<std::string>(), "2018-11-13T15:30:00Z");
  }
  EXPECT_EQ(workshops,
            (std::set<std::string>{"Ausbilder auf die Betreuung von Geflüchteten vorbereiten", "„Perspektive Heimat“",
                                   "Pressearbeit zum Thema Migration & Flucht", "„Konjunktur des Rechtspopulismus“"}));
  std::string panel = db().scalar("SELECT speakers FROM agenda_items WHERE kind = 'panel'");
  for (const char* who : {"Leonie Gebers", "Martin Seiler", "Marlies Peine", "Vorstand Personal & Recht"}) {
    EXPECT_NE(panel.find(who), std::string::npos) << who;
  }
  EXPECT_EQ(db().count("agenda_items",
                       "JSON_VALUE(speakers, '$[0].name') = 'Jan Boris Wintzenburg' AND "
                       "JSON_VALUE(speakers, '$[0].organization') = 'stern'"),
            1);
  // German typography as bytes: „ (e2809e) and “ (e2809c), no double encoding.
  EXPECT_EQ(db().scalar("SELECT LOWER(HEX(title)) FROM agenda_items WHERE title LIKE '%Perspektive Heimat%'"),
            service::hex_encode("„Perspektive Heimat“"));

  long long meetings = db().count("meetings");
  long long agenda_items = db().count("agenda_items");
  std::string stamp = db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + id);
  auto second = service::seed_demo_data(db().pool());
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(db().count("meetings"), meetings);
  EXPECT_EQ(db().count("agenda_items"), agenda_items);
  EXPECT_EQ(db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + id), stamp);
}

TEST_F(MeetingsTest, SeedLeavesAMeetingAnEditorMovedAsItIs) {
  // The meeting exists already, shortened to the morning: the seed adds what fits and moves nothing.
  long long id = create_meeting(meeting("Drittes Netzwerktreffen 2018", {{"starts_at", "2018-11-13T09:00:00+01:00"},
                                                                         {"ends_at", "2018-11-13T12:00:00+01:00"}}));
  auto seeded = service::seed_demo_data(db().pool());
  ASSERT_TRUE(seeded.ok()) << seeded.error().detail;
  EXPECT_EQ(db().count("meetings", "title = 'Drittes Netzwerktreffen 2018'"), 1);
  EXPECT_EQ(column("ends_at", id), "2018-11-13 11:00:00");
  EXPECT_EQ(column("version", id), "1");
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id)), 4);  // keynote to best cases
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id) + " AND ends_at > '2018-11-13 11:00:00'"), 0);
}

}  // namespace
}  // namespace zusammen::testing
