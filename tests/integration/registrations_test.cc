// /v1/registrations end to end: the real App and Pistache on port 0 over a private MariaDB,
// every write (and every refused write) checked through MySQL Connector/C++.
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

std::string path(long long id) { return "/v1/registrations/" + std::to_string(id); }

class RegistrationsTest : public ApiTest<RegistrationsTest> {
 public:
  static constexpr SuiteSettings kSuite = {
      .database = "registrations", .threads = 8, .writer = "registrations:write", .reader = "registrations:read"};

 protected:
  // Straight into the table: meetings are not this file's subject. past: the meeting has started.
  long long create_meeting(const std::string& capacity = "NULL", bool open = true, bool past = false) {
    MeetingRow row{.capacity = capacity, .registration_open = open};
    if (past) {
      row.starts_at = "2018-11-13 08:00:00";
      row.ends_at = "2018-11-13 16:00:00";
    }
    return insert_meeting(db(), row);
  }

  long long create_item(long long meeting, const std::string& kind, const std::string& capacity = "NULL") {
    return insert_agenda_item(db(), meeting, kind, capacity);
  }

  long long create_company() { return insert_company(db()); }

  static json person(long long meeting, const std::string& email, const json& extra = json::object()) {
    return registration(meeting, email, extra);
  }

  json register_ok(const json& body) { return post_created(client(), "/v1/registrations", body, writer()); }

  std::string status_of(long long id) {
    return scalar("SELECT status FROM registrations WHERE id = " + std::to_string(id));
  }
  long long changes_of(long long id, const std::string& op) {
    return testing::changes_of(db(), "registration", id, op);
  }
};

// --- create and read ---------------------------------------------------------------------------

TEST_F(RegistrationsTest, CreateStoresUmlautsAndAnswers201WithLocationAndChange) {
  long long meeting = create_meeting();
  long long company = create_company();
  json body = person(meeting, "Juergen.Mueller@DB.example",
                     {{"organization", "Deutsche Bahn AG"},
                      {"company_id", company},
                      {"job_title", "Ausbildungsleiter „Integration“"},
                      {"source", "crm"},
                      {"external_ref", "A-17"},
                      {"notes", "Rollstuhlgerecht, bitte"}});
  auto response = client().post("/v1/registrations", body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(response.header("location").value_or(""), path(id));
  EXPECT_EQ(created.at("status"), "registered");
  EXPECT_EQ(created.at("version"), 1);
  EXPECT_EQ(created.at("workshop_ids"), json::array());
  EXPECT_EQ(created.at("first_name"), "Jürgen");
  EXPECT_EQ(db().scalar("SELECT first_name FROM registrations WHERE id = " + std::to_string(id)), "Jürgen");
  EXPECT_EQ(db().scalar("SELECT email_key FROM registrations WHERE id = " + std::to_string(id)),
            "juergen.mueller@db.example");
  EXPECT_EQ(db().scalar("SELECT job_title FROM registrations WHERE id = " + std::to_string(id)),
            "Ausbildungsleiter „Integration“");
  EXPECT_EQ(changes_of(id, "upsert"), 1);

  auto read = client().get(path(id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);
  auto etag = read.header("etag");
  ASSERT_TRUE(etag.has_value());
  auto again = client().get(path(id), {{"Authorization", "Bearer " + reader_key_}, {"If-None-Match", *etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(IsProblem(client().get(path(id + 100), reader()), 404));
}

TEST_F(RegistrationsTest, RuleBreaksAre422NamingEveryFieldAndWriteNothing) {
  long long meeting = create_meeting();
  json body = {{"meeting_id", meeting},
               {"first_name", ""},
               {"last_name", std::string(101, 'x')},
               {"email", "kein-at-zeichen"},
               {"organization", std::string(201, 'o')},
               {"job_title", std::string(201, 'j')},
               {"notes", std::string(2001, 'n')},
               {"source", "crm"}};
  auto response = client().post("/v1/registrations", body, writer());
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesExactly(
      response, {"/first_name", "/last_name", "/email", "/organization", "/job_title", "/notes", "/external_ref"}));
  auto unknown = client().post("/v1/registrations", person(meeting + 1000, "a@b.example"), writer());
  EXPECT_TRUE(IsProblem(unknown, 422));
  EXPECT_TRUE(NamesExactly(unknown, {"/meeting_id"}));
  auto company = client().post("/v1/registrations", person(meeting, "a@b.example", {{"company_id", 999}}), writer());
  EXPECT_TRUE(IsProblem(company, 422));
  EXPECT_TRUE(NamesExactly(company, {"/company_id"}));
  auto status = client().post("/v1/registrations", person(meeting, "a@b.example", {{"status", "attended"}}), writer());
  EXPECT_TRUE(IsProblem(status, 422));
  EXPECT_TRUE(NamesExactly(status, {"/status"}));
  EXPECT_EQ(db().count("registrations"), 0);
  EXPECT_EQ(db().count("changes"), 0);
}

TEST_F(RegistrationsTest, WrongTypesUnknownAndReadOnlyFieldsAre400AndWriteNothing) {
  long long meeting = create_meeting();
  auto types = client().post(
      "/v1/registrations", person(meeting, "a@b.example", {{"first_name", 7}, {"workshop_ids", json::array({1, "x"})}}),
      writer());
  EXPECT_TRUE(IsProblem(types, 400));
  EXPECT_TRUE(NamesExactly(types, {"/first_name", "/workshop_ids/1"}));
  auto not_array = client().post("/v1/registrations", person(meeting, "a@b.example", {{"workshop_ids", 3}}), writer());
  EXPECT_TRUE(IsProblem(not_array, 400));
  EXPECT_TRUE(NamesExactly(not_array, {"/workshop_ids"}));
  auto unknown =
      client().post("/v1/registrations", person(meeting, "a@b.example", {{"shoe_size", 44}, {"id", 3}}), writer());
  EXPECT_TRUE(IsProblem(unknown, 400));
  EXPECT_TRUE(NamesExactly(unknown, {"/shoe_size", "/id"}));
  EXPECT_EQ(db().count("registrations"), 0);
}

// --- uniqueness and closed registration ---------------------------------------------------------

TEST_F(RegistrationsTest, SameEmailTwiceIs409WithExistingIdInAnyCase) {
  long long meeting = create_meeting();
  long long other = create_meeting();
  long long first = register_ok(person(meeting, "leonie.gebers@bmas.example")).at("id").get<long long>();
  for (const char* variant : {"leonie.gebers@bmas.example", "LEONIE.Gebers@BMAS.example"}) {
    auto again = client().post("/v1/registrations", person(meeting, variant), writer());
    EXPECT_TRUE(IsProblem(again, 409)) << variant;
    EXPECT_EQ(again.json().value("existing_id", 0LL), first) << again.body;
  }
  EXPECT_EQ(db().count("registrations"), 1);
  // The same person at another meeting is welcome.
  long long elsewhere = register_ok(person(other, "Leonie.Gebers@bmas.example")).at("id").get<long long>();
  // Changing an email to one taken at the meeting: 409 naming the holder, nothing changed.
  long long second = register_ok(person(meeting, "zweite@bmas.example")).at("id").get<long long>();
  auto clash = client().patch(path(second), {{"email", "Leonie.GEBERS@bmas.example"}}, writer());
  EXPECT_TRUE(IsProblem(clash, 409));
  EXPECT_EQ(clash.json().value("existing_id", 0LL), first);
  EXPECT_EQ(db().scalar("SELECT email FROM registrations WHERE id = " + std::to_string(second)), "zweite@bmas.example");
  EXPECT_NE(elsewhere, first);
  // The same source reference twice: 409 too.
  register_ok(person(meeting, "s1@x.example", {{"source", "crm"}, {"external_ref", "7"}}));
  auto ref = client().post("/v1/registrations",
                           person(other, "s2@x.example", {{"source", "crm"}, {"external_ref", "7"}}), writer());
  EXPECT_TRUE(IsProblem(ref, 409));
  EXPECT_TRUE(ref.json().contains("existing_id"));
}

TEST_F(RegistrationsTest, ClosedMeetingRefusesNewRegistrationsWith409) {
  long long meeting = create_meeting("NULL", false);
  auto response = client().post("/v1/registrations", person(meeting, "a@b.example"), writer());
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_EQ(db().count("registrations"), 0);
  EXPECT_EQ(db().count("changes"), 0);
}

// --- capacity, waiting list, promotion ---------------------------------------------------------

TEST_F(RegistrationsTest, FullMeetingWaitlistsAndCancellingPromotesTheOldest) {
  long long meeting = create_meeting("2");
  long long a = register_ok(person(meeting, "a@x.example")).at("id").get<long long>();
  long long b = register_ok(person(meeting, "b@x.example")).at("id").get<long long>();
  json c = register_ok(person(meeting, "c@x.example"));
  json d = register_ok(person(meeting, "d@x.example"));
  EXPECT_EQ(c.at("status"), "waitlisted");
  EXPECT_EQ(d.at("status"), "waitlisted");
  long long c_id = c.at("id").get<long long>();
  long long d_id = d.at("id").get<long long>();

  auto cancel = client().patch(path(a), {{"status", "cancelled"}}, writer());
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json().at("status"), "cancelled");
  EXPECT_EQ(status_of(c_id), "registered");
  EXPECT_EQ(status_of(d_id), "waitlisted");
  EXPECT_EQ(changes_of(c_id, "upsert"), 2);  // created, promoted

  ASSERT_EQ(client().del(path(b), writer()).status, 204);
  EXPECT_EQ(status_of(d_id), "registered");
  EXPECT_EQ(changes_of(b, "delete"), 1);
  EXPECT_EQ(changes_of(d_id, "upsert"), 2);
  EXPECT_EQ(db().count("registrations", "meeting_id = " + std::to_string(meeting) + " AND status = 'registered'"), 2);
}

TEST_F(RegistrationsTest, FullWorkshopWaitlistsAndPromotionSkipsThoseWhoseWorkshopIsFull) {
  long long meeting = create_meeting("3");
  long long small = create_item(meeting, "workshop", "1");
  long long big = create_item(meeting, "workshop");
  long long talk = create_item(meeting, "talk");
  long long other_meeting = create_meeting();
  long long foreign = create_item(other_meeting, "workshop");

  auto wrong =
      client().post("/v1/registrations",
                    person(meeting, "w@x.example", {{"workshop_ids", json::array({big, talk, foreign})}}), writer());
  EXPECT_TRUE(IsProblem(wrong, 422));
  EXPECT_TRUE(NamesExactly(wrong, {"/workshop_ids/1", "/workshop_ids/2"}));
  EXPECT_EQ(db().count("registrations"), 0);

  long long a = register_ok(person(meeting, "a@x.example", {{"workshop_ids", json::array({small, big})}}))
                    .at("id")
                    .get<long long>();
  json b = register_ok(person(meeting, "b@x.example", {{"workshop_ids", json::array({small})}}));
  EXPECT_EQ(b.at("status"), "waitlisted");  // the meeting has room, the workshop has none
  EXPECT_EQ(b.at("workshop_ids"), json::array({small}));
  EXPECT_EQ(db().count("registration_workshops", "agenda_item_id = " + std::to_string(small)), 2);
  long long c = register_ok(person(meeting, "c@x.example")).at("id").get<long long>();
  long long d = register_ok(person(meeting, "d@x.example")).at("id").get<long long>();
  long long e = register_ok(person(meeting, "e@x.example")).at("id").get<long long>();
  EXPECT_EQ(status_of(c), "registered");
  EXPECT_EQ(status_of(d), "registered");
  EXPECT_EQ(status_of(e), "waitlisted");  // a, c and d hold the three places
  // a leaves: b (older than e) gets both the place and the workshop seat.
  ASSERT_EQ(client().patch(path(a), {{"status", "cancelled"}}, writer()).status, 200);
  EXPECT_EQ(status_of(b.at("id").get<long long>()), "registered");
  EXPECT_EQ(status_of(e), "waitlisted");
}

TEST_F(RegistrationsTest, PromotionPassesOverAWaitingRegistrationWhoseWorkshopIsStillFull) {
  long long meeting = create_meeting("1");
  long long small = create_item(meeting, "workshop", "0");
  long long a = register_ok(person(meeting, "a@x.example")).at("id").get<long long>();
  long long b =
      register_ok(person(meeting, "b@x.example", {{"workshop_ids", json::array({small})}})).at("id").get<long long>();
  long long c = register_ok(person(meeting, "c@x.example")).at("id").get<long long>();
  EXPECT_EQ(status_of(b), "waitlisted");
  EXPECT_EQ(status_of(c), "waitlisted");
  ASSERT_EQ(client().patch(path(a), {{"status", "cancelled"}}, writer()).status, 200);
  EXPECT_EQ(status_of(b), "waitlisted");  // older, but its workshop has no room
  EXPECT_EQ(status_of(c), "registered");
}

TEST_F(RegistrationsTest, ConcurrentSignUpsForTheLastPlacesNeverOverbook) {
  constexpr int kThreads = 20;
  constexpr int kCapacity = 5;
  long long meeting = create_meeting(std::to_string(kCapacity));
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < kThreads; ++n) {
    threads.emplace_back([&, n] {
      auto response =
          client().post("/v1/registrations", person(meeting, "p" + std::to_string(n) + "@x.example"), writer());
      if (response.status == 201) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kThreads);
  std::string where = "meeting_id = " + std::to_string(meeting);
  EXPECT_EQ(db().count("registrations", where + " AND status = 'registered'"), kCapacity);
  EXPECT_EQ(db().count("registrations", where + " AND status = 'waitlisted'"), kThreads - kCapacity);
  EXPECT_EQ(db().count("changes", "entity_type = 'registration'"), kThreads);
}

TEST_F(RegistrationsTest, PatchRechecksWorkshopsAndDroppingOnePromotes) {
  long long meeting = create_meeting();
  long long small = create_item(meeting, "workshop", "1");
  long long big = create_item(meeting, "workshop");
  long long a =
      register_ok(person(meeting, "a@x.example", {{"workshop_ids", json::array({small})}})).at("id").get<long long>();
  long long b =
      register_ok(person(meeting, "b@x.example", {{"workshop_ids", json::array({small})}})).at("id").get<long long>();
  long long c = register_ok(person(meeting, "c@x.example")).at("id").get<long long>();
  EXPECT_EQ(status_of(b), "waitlisted");

  auto full = client().patch(path(c), {{"workshop_ids", json::array({small})}}, writer());
  EXPECT_TRUE(IsProblem(full, 422));
  EXPECT_TRUE(NamesExactly(full, {"/workshop_ids"}));
  EXPECT_EQ(db().count("registration_workshops", "registration_id = " + std::to_string(c)), 0);
  auto roomy = client().patch(path(c), {{"workshop_ids", json::array({big})}}, writer());
  ASSERT_EQ(roomy.status, 200) << roomy.body;
  EXPECT_EQ(roomy.json().at("workshop_ids"), json::array({big}));

  auto unknown = client().patch(path(a), {{"company_id", 999}, {"first_name", ""}}, writer());
  EXPECT_TRUE(IsProblem(unknown, 422));
  EXPECT_TRUE(NamesExactly(unknown, {"/first_name"}));
  auto company = client().patch(path(a), {{"company_id", 999}}, writer());
  EXPECT_TRUE(IsProblem(company, 422));
  EXPECT_TRUE(NamesExactly(company, {"/company_id"}));
  EXPECT_EQ(db().scalar("SELECT version FROM registrations WHERE id = " + std::to_string(a)), "1");

  // a gives up its workshop seat: b, waiting for it, gets the seat and the place.
  auto dropped = client().patch(path(a), {{"workshop_ids", nullptr}, {"email", "Neu@X.example"}}, writer());
  ASSERT_EQ(dropped.status, 200) << dropped.body;
  EXPECT_EQ(dropped.json().at("workshop_ids"), json::array());
  EXPECT_EQ(db().scalar("SELECT email_key FROM registrations WHERE id = " + std::to_string(a)), "neu@x.example");
  EXPECT_EQ(status_of(b), "registered");
  EXPECT_EQ(changes_of(b, "upsert"), 2);
}

// --- status transitions ------------------------------------------------------------------------

TEST_F(RegistrationsTest, TransitionsFollowTheDocumentedRules) {
  long long future = create_meeting("1");
  long long a = register_ok(person(future, "a@x.example")).at("id").get<long long>();
  long long b = register_ok(person(future, "b@x.example")).at("id").get<long long>();
  // Not yet started: no attendance.
  auto early = client().patch(path(a), {{"status", "attended"}}, writer());
  EXPECT_TRUE(IsProblem(early, 422));
  EXPECT_TRUE(NamesExactly(early, {"/status"}));
  // Waitlisted: cannot jump to registered while full, nor be marked attended.
  EXPECT_TRUE(IsProblem(client().patch(path(b), {{"status", "registered"}}, writer()), 422));
  EXPECT_TRUE(IsProblem(client().patch(path(b), {{"status", "no_show"}}, writer()), 422));
  EXPECT_TRUE(IsProblem(client().patch(path(b), {{"status", "sleeping"}}, writer()), 422));
  EXPECT_EQ(status_of(a), "registered");
  EXPECT_EQ(status_of(b), "waitlisted");
  // The meeting cannot change: cancel and register anew.
  long long other = create_meeting();
  EXPECT_TRUE(IsProblem(client().patch(path(a), {{"meeting_id", other}}, writer()), 422));
  // Cancel b (waitlisted), then it may come back only when there is room.
  ASSERT_EQ(client().patch(path(b), {{"status", "cancelled"}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().patch(path(b), {{"status", "registered"}}, writer()), 422));
  ASSERT_EQ(client().patch(path(a), {{"status", "cancelled"}}, writer()).status, 200);
  auto back = client().patch(path(b), {{"status", "registered"}}, writer());
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(status_of(b), "registered");

  long long past = create_meeting("NULL", true, true);
  long long c = register_ok(person(past, "c@x.example")).at("id").get<long long>();
  auto attended = client().patch(path(c), {{"status", "attended"}}, writer());
  ASSERT_EQ(attended.status, 200) << attended.body;
  EXPECT_EQ(client().patch(path(c), {{"status", "no_show"}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().patch(path(c), {{"status", "waitlisted"}}, writer()), 422));
  EXPECT_EQ(status_of(c), "no_show");
}

// --- conditional requests ----------------------------------------------------------------------

TEST_F(RegistrationsTest, StaleIfMatchIs412AndChangesNothing) {
  long long meeting = create_meeting();
  auto created = client().post("/v1/registrations", person(meeting, "a@x.example"), writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json().at("id").get<long long>();
  std::string etag = created.header("etag").value_or("");
  Headers if_match = writer();
  if_match["If-Match"] = etag;
  auto first = client().patch(path(id), {{"last_name", "Schäfer"}}, if_match);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("version"), 2);
  auto stale = client().patch(path(id), {{"last_name", "Becker"}}, if_match);
  EXPECT_TRUE(IsProblem(stale, 412));
  EXPECT_EQ(db().scalar("SELECT last_name FROM registrations WHERE id = " + std::to_string(id)), "Schäfer");
  EXPECT_TRUE(IsProblem(client().del(path(id), if_match), 412));
  EXPECT_EQ(db().count("registrations"), 1);
  if_match["If-Match"] = first.header("etag").value_or("");
  EXPECT_EQ(client().del(path(id), if_match).status, 204);
  EXPECT_EQ(db().count("registrations"), 0);
  EXPECT_TRUE(IsProblem(client().del(path(id), writer()), 404));
}

// --- lists and CSV -----------------------------------------------------------------------------

TEST_F(RegistrationsTest, ListsFilterSortAndPage) {
  long long meeting = create_meeting("2");
  long long other = create_meeting();
  long long company = create_company();
  register_ok(person(meeting, "a@x.example", {{"last_name", "Zander"}, {"company_id", company}}));
  register_ok(person(meeting, "b@x.example", {{"last_name", "Ahrens"}, {"organization", "Siemens AG"}}));
  register_ok(person(meeting, "c@x.example", {{"last_name", "Öztürk"}}));  // waitlisted
  register_ok(person(other, "d@x.example", {{"last_name", "Berg"}}));

  auto all = client().get("/v1/registrations?limit=3", reader());
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json().at("items").size(), 3u);
  ASSERT_TRUE(all.json().at("next_cursor").is_string());
  auto rest =
      client().get("/v1/registrations?limit=3&cursor=" + all.json().at("next_cursor").get<std::string>(), reader());
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.json().at("items").size(), 1u);
  EXPECT_TRUE(rest.json().at("next_cursor").is_null());

  auto nested = client().get("/v1/meetings/" + std::to_string(meeting) + "/registrations?sort=last_name", reader());
  ASSERT_EQ(nested.status, 200) << nested.body;
  std::vector<std::string> names;
  json nested_body = nested.json();
  for (const auto& item : nested_body.at("items")) names.push_back(item.at("last_name").get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"Ahrens", "Öztürk", "Zander"}));

  auto waiting = client().get("/v1/registrations?status=waitlisted", reader());
  ASSERT_EQ(waiting.json().at("items").size(), 1u);
  EXPECT_EQ(waiting.json().at("items")[0].at("last_name"), "Öztürk");
  auto by_company = client().get("/v1/registrations?company_id=" + std::to_string(company), reader());
  ASSERT_EQ(by_company.json().at("items").size(), 1u);
  auto q = client().get("/v1/registrations?q=siemens", reader());
  ASSERT_EQ(q.json().at("items").size(), 1u);
  EXPECT_EQ(q.json().at("items")[0].at("last_name"), "Ahrens");
  auto pct = client().get("/v1/registrations?q=%25", reader());
  EXPECT_EQ(pct.json().at("items").size(), 0u);  // % is a character, not a wildcard

  EXPECT_TRUE(IsProblem(client().get("/v1/registrations?status=maybe", reader()), 400));
  EXPECT_TRUE(IsProblem(client().get("/v1/registrations?sort=email", reader()), 400));
  EXPECT_TRUE(IsProblem(
      client().get("/v1/meetings/" + std::to_string(meeting) + "/registrations?meeting_id=1", reader()), 400));
  EXPECT_TRUE(IsProblem(client().get("/v1/meetings/99999/registrations", reader()), 404));
}

TEST_F(RegistrationsTest, CsvExportIsExactRfc4180WithBomAndEveryRow) {
  long long meeting = create_meeting();
  json a = register_ok(person(meeting, "a@x.example",
                              {{"first_name", "Jürgen"},
                               {"last_name", "Müller, Jr."},
                               {"organization", "Bäckerei „Zusammen“ \"Süd\""},
                               {"notes", "Zeile 1\nZeile 2"}}));
  json b = register_ok(person(meeting, "b@x.example", {{"first_name", "Ayşe"}, {"last_name", "Öztürk"}}));
  std::string csv_accept = "text/csv";
  Headers headers = reader();
  headers["Accept"] = csv_accept;
  // limit does not cut the export: every matching row comes.
  auto response = client().get("/v1/meetings/" + std::to_string(meeting) + "/registrations?limit=1", headers);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type").value_or(""), "text/csv; charset=utf-8");
  auto line = [](const json& r, const std::string& rest) {
    return std::to_string(r.at("id").get<long long>()) + "," + std::to_string(r.at("meeting_id").get<long long>()) +
           "," + rest + "," + r.at("created_at").get<std::string>() + "," + r.at("updated_at").get<std::string>() +
           "\r\n";
  };
  std::string expected =
      "\xEF\xBB\xBF"
      "id,meeting_id,status,first_name,last_name,email,organization,company_id,job_title,workshop_ids,source,"
      "external_ref,notes,created_at,updated_at\r\n" +
      line(a,
           "registered,Jürgen,\"Müller, Jr.\",a@x.example,\"Bäckerei „Zusammen“ \"\"Süd\"\"\",,,,,,\"Zeile 1\nZeile "
           "2\"") +
      line(b, "registered,Ayşe,Öztürk,b@x.example,,,,,,,");
  EXPECT_EQ(response.body, expected);

  auto filtered = client().get("/v1/registrations?q=%C3%96zt%C3%BCrk", headers);
  ASSERT_EQ(filtered.status, 200);
  EXPECT_EQ(filtered.body.substr(filtered.body.find("\r\n") + 2), line(b, "registered,Ayşe,Öztürk,b@x.example,,,,,,,"));
}

// --- access ------------------------------------------------------------------------------------

TEST_F(RegistrationsTest, PersonalDataNeedsRegistrationScopes) {
  long long meeting = create_meeting();
  long long id = register_ok(person(meeting, "a@x.example")).at("id").get<long long>();
  Headers content = bearer(server_->key({"content:read", "content:write"}));
  Headers admin = bearer(server_->key({"admin"}));
  for (const std::string& target :
       {path(id), std::string("/v1/registrations"), "/v1/meetings/" + std::to_string(meeting) + "/registrations",
        "/v1/meetings/" + std::to_string(meeting) + "/stats"}) {
    EXPECT_TRUE(IsProblem(client().get(target), 401)) << target;
    EXPECT_TRUE(IsProblem(client().get(target, content), 403)) << target;
    EXPECT_EQ(client().get(target, reader()).status, 200) << target;
    EXPECT_EQ(client().get(target, writer()).status, 200) << target;
    EXPECT_EQ(client().get(target, admin).status, 200) << target;
  }
  EXPECT_TRUE(IsProblem(client().post("/v1/registrations", person(meeting, "b@x.example")), 401));
  EXPECT_TRUE(IsProblem(client().post("/v1/registrations", person(meeting, "b@x.example"), reader()), 403));
  EXPECT_TRUE(IsProblem(client().post("/v1/registrations", person(meeting, "b@x.example"), content), 403));
  EXPECT_TRUE(IsProblem(client().patch(path(id), {{"notes", "x"}}, reader()), 403));
  EXPECT_TRUE(IsProblem(client().del(path(id), content), 403));
  EXPECT_TRUE(IsProblem(client().del(path(id)), 401));
  EXPECT_EQ(db().count("registrations"), 1);
  EXPECT_EQ(client().post("/v1/registrations", person(meeting, "c@x.example"), admin).status, 201);
}

// --- change feed, meetings, stats --------------------------------------------------------------

TEST_F(RegistrationsTest, ChangeFeedShowsRegistrationsToRegistrationReaders) {
  long long meeting = create_meeting();
  long long id = register_ok(person(meeting, "a@x.example")).at("id").get<long long>();
  ASSERT_EQ(client().patch(path(id), {{"notes", "vegetarisch"}}, writer()).status, 200);
  ASSERT_EQ(client().del(path(id), writer()).status, 204);
  auto feed = client().get("/v1/changes?types=registration", reader());
  ASSERT_EQ(feed.status, 200) << feed.body;
  std::vector<std::string> ops;
  json feed_body = feed.json();
  for (const auto& item : feed_body.at("items")) {
    EXPECT_EQ(item.at("type"), "registration");
    EXPECT_EQ(item.at("id"), id);
    ops.push_back(item.at("op").get<std::string>());
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"upsert", "upsert", "delete"}));
}

TEST_F(RegistrationsTest, MeetingWithRegistrationsCannotBeDeleted) {
  long long meeting = create_meeting();
  register_ok(person(meeting, "a@x.example"));
  Headers content = bearer(server_->key({"content:write"}));
  auto response = client().del("/v1/meetings/" + std::to_string(meeting), content);
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_EQ(db().count("meetings", "id = " + std::to_string(meeting)), 1);
}

TEST_F(RegistrationsTest, StatsAddUpToTheRows) {
  long long meeting = create_meeting("2");
  long long company = create_company();
  long long w = create_item(meeting, "workshop", "1");
  register_ok(person(meeting, "a@x.example", {{"company_id", company}, {"workshop_ids", json::array({w})}}));
  register_ok(person(meeting, "b@x.example", {{"company_id", company}, {"workshop_ids", json::array({w})}}));
  long long c = register_ok(person(meeting, "c@x.example")).at("id").get<long long>();
  register_ok(person(meeting, "d@x.example"));
  ASSERT_EQ(client().patch(path(c), {{"status", "cancelled"}}, writer()).status, 200);
  auto response = client().get("/v1/meetings/" + std::to_string(meeting) + "/stats", reader());
  ASSERT_EQ(response.status, 200) << response.body;
  json stats = response.json();
  std::string where = "meeting_id = " + std::to_string(meeting);
  EXPECT_EQ(stats.at("total"), db().count("registrations", where));
  int sum = 0;
  for (const char* status : {"registered", "waitlisted", "cancelled", "attended", "no_show"}) {
    EXPECT_EQ(stats.at("by_status").at(status),
              db().count("registrations", where + " AND status = '" + std::string(status) + "'"))
        << status;
    sum += stats.at("by_status").at(status).get<int>();
  }
  EXPECT_EQ(sum, 4);
  int by_company = 0;
  for (const auto& entry : stats.at("by_company")) by_company += entry.at("count").get<int>();
  EXPECT_EQ(by_company, 4);
  ASSERT_EQ(stats.at("workshops").size(), 1u);
  EXPECT_EQ(stats.at("workshops")[0].at("capacity"), 1);
  EXPECT_EQ(stats.at("workshops")[0].at("registered"), 1);
  EXPECT_EQ(stats.at("workshops")[0].at("waitlisted"), 1);
  EXPECT_TRUE(IsProblem(client().get("/v1/meetings/99999/stats", reader()), 404));
}

}  // namespace
}  // namespace zusammen::testing

namespace zusammen::testing {
namespace {

// Deleting a workshop changes the registrations that chose it: new version, no workshop, and an
// entry in the change feed, so a sync script learns about it.
TEST_F(RegistrationsTest, DeletingAChosenWorkshopChangesItsRegistrations) {
  long long meeting = create_meeting();
  long long workshop = create_item(meeting, "workshop", "10");
  json chose = register_ok(person(meeting, "a@x.example", {{"workshop_ids", {workshop}}}));
  json other = register_ok(person(meeting, "b@x.example"));
  long long id = chose.at("id").get<long long>();
  long long other_id = other.at("id").get<long long>();
  long long upserts_before = changes_of(id, "upsert");

  Headers content = bearer(server_->key({"content:write"}));
  auto removed =
      client().del("/v1/meetings/" + std::to_string(meeting) + "/agenda/" + std::to_string(workshop), content);
  ASSERT_EQ(removed.status, 204) << removed.body;

  EXPECT_EQ(db().scalar("SELECT version FROM registrations WHERE id = " + std::to_string(id)), "2");
  EXPECT_EQ(db().count("registration_workshops"), 0);
  EXPECT_EQ(changes_of(id, "upsert"), upserts_before + 1);
  auto read = client().get("/v1/registrations/" + std::to_string(id), reader());
  ASSERT_EQ(read.status, 200);
  EXPECT_TRUE(read.json().at("workshop_ids").empty());
  EXPECT_EQ(read.json().at("version"), 2);
  // Registrations that did not choose it are untouched.
  EXPECT_EQ(db().scalar("SELECT version FROM registrations WHERE id = " + std::to_string(other_id)), "1");
  EXPECT_EQ(changes_of(other_id, "upsert"), 1);
}

}  // namespace
}  // namespace zusammen::testing
