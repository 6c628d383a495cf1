// /v1/meetings end to end, create and merge patch: the real App and Pistache on port 0 over a private
// MariaDB, every write checked through MySQL Connector/C++ (the independent window).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "meetings_fixture.h"

namespace zusammen::testing {
namespace {

const SuiteSettings MeetingsTest::kSuite = {
    .database = "meetings", .writer = "content:write", .reader = "content:read"};

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
  EXPECT_TRUE(IsCreated(response, "/v1/meetings"));  // Location: path(id)
  json created = response.json();
  long long id = created.at("id").get<long long>();
  // Times come back in UTC with Z; everything else as sent.
  EXPECT_EQ(created.at("starts_at"), "2018-11-12T17:00:00Z");
  EXPECT_EQ(created.at("ends_at"), "2018-11-13T15:30:00Z");
  for (const auto& [name, value] : body.items()) {
    if (name != "starts_at" && name != "ends_at") {
      EXPECT_EQ(created.at(name), value) << name;
    }
  }
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
  ExpectUnreadableBodiesRefused(client(), "/v1/meetings", writer(),
                                {"{\"title\": ", "[]", "", "{\"venue\": {\"city\": \"\xff\"}}"}, meeting("x"));
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

}  // namespace
}  // namespace zusammen::testing
