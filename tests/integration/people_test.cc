// /v1/people (admin): the export of everything held about an email address and its erasure, checked
// against the rows through MySQL Connector/C++; retain_until on registrations; and the retention
// purge, once from the real binary (`zusammen purge`) and periodically from `zusammen serve`.
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "../support/api_test.h"
#include "../support/child_process.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAnna = "Anna.Schmidt@Example.org";
constexpr const char* kBen = "ben.wagner@example.org";

std::set<long long> ids_in(const json& array) {
  std::set<long long> out;
  for (const auto& item : array) out.insert(item.at("id").get<long long>());
  return out;
}

class PeopleTest : public ApiTest<PeopleTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "people"};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = bearer(key({"admin"}));
    writer_ = bearer(key({"registrations:write", "registrations:read"}));
  }

  long long meeting(const std::string& title, const std::string& capacity = "NULL",
                    const std::string& ends = "2099-11-13 16:00:00") {
    return insert_meeting(db(),
                          {.title = title, .starts_at = "2018-11-13 08:00:00", .ends_at = ends, .capacity = capacity});
  }

  // Anna Schmidt's registration.
  static json person(long long meeting, const std::string& email, const json& extra = json::object()) {
    json names = {{"first_name", "Anna"}, {"last_name", "Schmidt"}};
    names.update(extra);
    return registration(meeting, email, names);
  }

  json register_ok(const json& body, const std::string& idempotency_key = "") {
    Headers headers = idempotency_key.empty() ? writer_ : with(writer_, "Idempotency-Key", idempotency_key);
    return post_created(client(), "/v1/registrations", body, headers);
  }

  std::string column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM registrations WHERE id = " + std::to_string(id));
  }
  long long changes(long long id, const std::string& op) { return changes_of(db(), "registration", id, op); }

  Headers admin_;
  Headers writer_;
};

// --- export ------------------------------------------------------------------------------------------

TEST_F(PeopleTest, ExportHoldsEveryRegistrationRecordAndChangeOfTheAddress) {
  long long first = meeting("Netzwerktreffen Berlin");
  long long second = meeting("Webinar Ausbildung");
  json a1 = register_ok(person(first, kAnna, {{"organization", "Deutsche Bahn AG"}}), "anna-1");
  // Another spelling of the same address, and a status change: both are hers.
  json a2 = register_ok(person(second, "anna.schmidt@example.ORG"));
  ASSERT_EQ(client()
                .patch("/v1/registrations/" + std::to_string(a2.at("id").get<long long>()), {{"status", "cancelled"}},
                       writer_)
                .status,
            200);
  register_ok(person(first, kBen, {{"first_name", "Ben"}, {"last_name", "Wagner"}}), "ben-1");

  auto response = client().get("/v1/people?email=ANNA.schmidt%40example.org", admin_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("cache-control").value_or(""), "no-store");
  json data = response.json();
  EXPECT_EQ(data.at("email"), "ANNA.schmidt@example.org");

  std::set<long long> stored;
  for (const auto& id :
       {db().scalar("SELECT MIN(id) FROM registrations WHERE email_key = 'anna.schmidt@example.org'"),
        db().scalar("SELECT MAX(id) FROM registrations WHERE email_key = 'anna.schmidt@example.org'")}) {
    stored.insert(std::stoll(id));
  }
  EXPECT_EQ(db().count("registrations", "email_key = 'anna.schmidt@example.org'"), 2);
  EXPECT_EQ(ids_in(data.at("registrations")), stored);
  for (const auto& g : data.at("registrations")) {
    EXPECT_EQ(g.at("first_name"), "Anna");
    EXPECT_TRUE(g.contains("retain_until"));
  }
  EXPECT_EQ(data.at("registrations").at(1).at("status"), "cancelled");
  EXPECT_EQ(data.at("registrations").at(0).at("organization"), "Deutsche Bahn AG");

  ASSERT_EQ(data.at("meetings").size(), 2u);
  EXPECT_EQ(data.at("meetings").at(0).at("id"), first);
  EXPECT_EQ(data.at("meetings").at(0).at("title"), "Netzwerktreffen Berlin");
  EXPECT_EQ(data.at("meetings").at(1).at("title"), "Webinar Ausbildung");

  // Her keyed POST is stored with its answer (which holds her address); Ben's is not hers.
  EXPECT_EQ(db().count("idempotency_keys"), 2);
  ASSERT_EQ(data.at("idempotency_records").size(), 1u);
  EXPECT_EQ(data.at("idempotency_records").at(0).at("method"), "POST");
  EXPECT_EQ(data.at("idempotency_records").at(0).at("path"), "/v1/registrations");
  EXPECT_EQ(data.at("idempotency_records").at(0).at("status"), 201);

  // Two creates and one update.
  long long feed =
      db().count("changes", "entity_type = 'registration' AND entity_id IN (" + std::to_string(*stored.begin()) + "," +
                                std::to_string(*stored.rbegin()) + ")");
  EXPECT_EQ(feed, 3);
  ASSERT_EQ(data.at("changes").size(), 3u);
  for (const auto& c : data.at("changes")) {
    EXPECT_EQ(c.at("type"), "registration");
    EXPECT_TRUE(stored.contains(c.at("id").get<long long>()));
  }
}

TEST_F(PeopleTest, UnknownAddressIsAnEmptyExport) {
  register_ok(person(meeting("Netzwerktreffen"), kBen));
  auto response = client().get("/v1/people?email=nobody%40example.org", admin_);
  ASSERT_EQ(response.status, 200) << response.body;
  json data = response.json();
  EXPECT_EQ(data.at("registrations"), json::array());
  EXPECT_EQ(data.at("meetings"), json::array());
  EXPECT_EQ(data.at("idempotency_records"), json::array());
  EXPECT_EQ(data.at("changes"), json::array());
}

TEST_F(PeopleTest, OnlyAdminKeysReachPeople) {
  for (const char* method : {"GET", "DELETE"}) {
    std::string target = "/v1/people?email=anna%40example.org";
    EXPECT_TRUE(IsProblem(client().request(method, target), 401)) << method;
    for (const auto& scopes : std::vector<std::vector<std::string>>{{"registrations:read", "registrations:write"},
                                                                    {"content:read", "content:write"}}) {
      EXPECT_TRUE(IsProblem(client().request(method, target, "", bearer(server_->key(scopes))), 403)) << method;
    }
    EXPECT_TRUE(IsProblem(client().request(method, target, "", {{"Authorization", "Bearer zus_not_a_key"}}), 401));
  }
}

TEST_F(PeopleTest, MissingOrMalformedAddressIsA400NamingEmail) {
  for (const char* method : {"GET", "DELETE"}) {
    for (const char* target : {"/v1/people", "/v1/people?email=", "/v1/people?email=not-an-address",
                               "/v1/people?email=anna%40example", "/v1/people?email=a%20b%40example.org"}) {
      auto response = client().request(method, target, "", admin_);
      EXPECT_TRUE(IsProblem(response, 400)) << method << " " << target << ": " << response.body;
      EXPECT_TRUE(NamesExactly(response, {"email"})) << method << " " << target;
    }
    auto unknown = client().request(method, "/v1/people?email=anna%40example.org&name=Anna", "", admin_);
    EXPECT_TRUE(IsProblem(unknown, 400));
    EXPECT_TRUE(Names(unknown, {"name"}));
  }
}

// --- erasure -----------------------------------------------------------------------------------------

TEST_F(PeopleTest, ErasureDeletesEverywherePromotesScrubsRecordsAndLeavesTombstones) {
  long long full = meeting("Netzwerktreffen", "1");
  long long other = meeting("Webinar");
  json anna = register_ok(person(full, kAnna), "anna-key");
  json ben = register_ok(person(full, kBen, {{"first_name", "Ben"}, {"last_name", "Wagner"}}), "ben-key");
  json anna2 = register_ok(person(other, "anna.schmidt@example.org"));
  ASSERT_EQ(anna.at("status"), "registered");
  ASSERT_EQ(ben.at("status"), "waitlisted");
  long long anna_id = anna.at("id").get<long long>();
  long long anna2_id = anna2.at("id").get<long long>();
  long long ben_id = ben.at("id").get<long long>();
  ASSERT_EQ(db().count("idempotency_keys", "response_body LIKE '%Anna.Schmidt@Example.org%'"), 1);

  auto erased = client().del("/v1/people?email=anna.SCHMIDT%40example.org", admin_);
  ASSERT_EQ(erased.status, 204) << erased.body;
  EXPECT_TRUE(erased.body.empty());

  EXPECT_EQ(db().count("registrations", "email_key = 'anna.schmidt@example.org'"), 0);
  EXPECT_EQ(db().count("registrations", "first_name = 'Anna'"), 0);
  // Her place went to Ben, as cancelling would have done.
  EXPECT_EQ(column("status", ben_id), "registered");
  EXPECT_EQ(changes(ben_id, "upsert"), 2);
  // Her stored answer is gone; Ben's stays.
  EXPECT_EQ(db().count("idempotency_keys", "response_body LIKE '%anna.schmidt%'"), 0);
  EXPECT_EQ(db().count("idempotency_keys", "idem_key = 'anna-key'"), 0);
  EXPECT_EQ(db().count("idempotency_keys", "idem_key = 'ben-key'"), 1);
  // A tombstone for each registration, carrying nothing but type and id.
  EXPECT_EQ(changes(anna_id, "delete"), 1);
  EXPECT_EQ(changes(anna2_id, "delete"), 1);
  auto feed = client().get("/v1/changes?types=registration", writer_);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.body.find("chmidt"), std::string::npos);

  // Nothing is left to export.
  json data = client().get("/v1/people?email=anna.schmidt%40example.org", admin_).json();
  EXPECT_EQ(data.at("registrations"), json::array());
  EXPECT_EQ(data.at("idempotency_records"), json::array());

  // Again: 204, and nothing changes.
  std::string sequence = db().scalar("SELECT last_seq FROM change_sequence");
  long long rows = db().count("registrations");
  auto again = client().del("/v1/people?email=anna.schmidt%40example.org", admin_);
  EXPECT_EQ(again.status, 204) << again.body;
  EXPECT_EQ(db().scalar("SELECT last_seq FROM change_sequence"), sequence);
  EXPECT_EQ(db().count("registrations"), rows);
  EXPECT_EQ(column("version", ben_id), "2");
}

TEST_F(PeopleTest, ErasingAnUnknownAddressChangesNothing) {
  register_ok(person(meeting("Netzwerktreffen"), kBen));
  std::string sequence = db().scalar("SELECT last_seq FROM change_sequence");
  auto erased = client().del("/v1/people?email=nobody%40example.org", admin_);
  EXPECT_EQ(erased.status, 204) << erased.body;
  EXPECT_EQ(db().count("registrations"), 1);
  EXPECT_EQ(db().scalar("SELECT last_seq FROM change_sequence"), sequence);
}

// --- retain_until and the purge ------------------------------------------------------------------------

TEST_F(PeopleTest, RetainUntilIsWrittenReadAndValidated) {
  long long m = meeting("Netzwerktreffen");
  json created = register_ok(person(m, kAnna, {{"retain_until", "2027-06-30"}}));
  long long id = created.at("id").get<long long>();
  EXPECT_EQ(created.at("retain_until"), "2027-06-30");
  EXPECT_EQ(column("retain_until", id), "2027-06-30");
  auto cleared = client().patch("/v1/registrations/" + std::to_string(id), {{"retain_until", nullptr}}, writer_);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json().at("retain_until").is_null());
  EXPECT_EQ(column("retain_until", id), "");
  json plain = register_ok(person(m, kBen));
  EXPECT_TRUE(plain.at("retain_until").is_null());

  auto bad =
      client().post("/v1/registrations", person(m, "carla@example.org", {{"retain_until", "2027-02-30"}}), writer_);
  EXPECT_TRUE(IsProblem(bad, 422)) << bad.body;
  EXPECT_TRUE(NamesExactly(bad, {"/retain_until"}));
  auto wrong_type =
      client().post("/v1/registrations", person(m, "carla@example.org", {{"retain_until", 20270630}}), writer_);
  EXPECT_TRUE(IsProblem(wrong_type, 400)) << wrong_type.body;
}

TEST_F(PeopleTest, PurgeCommandAnonymisesExpiredRegistrationsOnly) {
  long long current = meeting("Netzwerktreffen 2099");
  long long old = meeting("Netzwerktreffen 2018", "NULL", "2018-11-13 16:00:00");
  insert_company(db());
  long long company = std::stoll(db().scalar("SELECT LAST_INSERT_ID()"));
  json expired = register_ok(person(current, kAnna,
                                    {{"retain_until", "2020-01-01"},
                                     {"organization", "Deutsche Bahn AG"},
                                     {"company_id", company},
                                     {"job_title", "Ausbilderin"},
                                     {"notes", "vegetarisch"},
                                     {"source", "crm"},
                                     {"external_ref", "A-1"}}),
                             "anna-key");
  json kept = register_ok(person(current, kBen, {{"retain_until", "2098-01-01"}}));
  json by_default = register_ok(person(old, "carla@example.org"));
  json old_but_kept = register_ok(person(old, "dora@example.org", {{"retain_until", "2098-01-01"}}));
  long long expired_id = expired.at("id").get<long long>();
  long long default_id = by_default.at("id").get<long long>();

  Env env = {{"ZUSAMMEN_DATABASE_URL", db().url()}, {"ZUSAMMEN_RETENTION_DAYS_AFTER_MEETING", "30"}};
  Outcome purged = run({"purge"}, env);
  ASSERT_EQ(purged.code, 0) << purged;
  EXPECT_TRUE(contains(purged.out, "anonymised 2 registration(s)")) << purged;

  for (long long id : {expired_id, default_id}) {
    EXPECT_EQ(column("first_name", id), "anonymised");
    EXPECT_EQ(column("last_name", id), "anonymised");
    EXPECT_EQ(column("email", id), "anonymised-" + std::to_string(id) + "@example.invalid");
    EXPECT_EQ(column("email_key", id), "anonymised-" + std::to_string(id) + "@example.invalid");
    EXPECT_NE(column("anonymized_at", id), "");
    EXPECT_EQ(column("status", id), "registered");
    EXPECT_EQ(column("version", id), "2");
    EXPECT_EQ(changes(id, "upsert"), 2);
  }
  for (const char* field : {"organization", "job_title", "notes", "source", "external_ref"}) {
    EXPECT_EQ(column(field, expired_id), "") << field;
  }
  EXPECT_EQ(column("company_id", expired_id), std::to_string(company));
  EXPECT_EQ(db().count("idempotency_keys", "idem_key = 'anna-key'"), 0);
  for (const json& g : {kept, old_but_kept}) {
    long long id = g.at("id").get<long long>();
    EXPECT_EQ(column("first_name", id), "Anna");
    EXPECT_EQ(column("anonymized_at", id), "");
  }
  // The statistics still count them.
  EXPECT_EQ(db().count("registrations"), 4);
  EXPECT_EQ(db().count("registrations", "meeting_id = " + std::to_string(current) + " AND status = 'registered'"), 2);

  Outcome again = run({"purge"}, env);
  ASSERT_EQ(again.code, 0) << again;
  EXPECT_TRUE(contains(again.out, "anonymised 0 registration(s)")) << again;
  EXPECT_EQ(column("version", expired_id), "2");

  // Without a default, only retain_until expires.
  execute("UPDATE registrations SET retain_until = '2020-01-01' WHERE id = " +
          std::to_string(kept.at("id").get<long long>()));
  Outcome no_default =
      run({"purge"}, {{"ZUSAMMEN_DATABASE_URL", db().url()}, {"ZUSAMMEN_RETENTION_DAYS_AFTER_MEETING", "0"}});
  ASSERT_EQ(no_default.code, 0) << no_default;
  EXPECT_TRUE(contains(no_default.out, "anonymised 1 registration(s)")) << no_default;
}

TEST_F(PeopleTest, ServeRunsThePurgePeriodicallyAndStopsCleanly) {
  long long m = meeting("Netzwerktreffen");
  json g = register_ok(person(m, kAnna, {{"retain_until", "2098-01-01"}}));
  long long id = g.at("id").get<long long>();
  ServeProcess served({{"ZUSAMMEN_DATABASE_URL", db().url()}, {"ZUSAMMEN_PURGE_INTERVAL_S", "1"}});
  // Expires while the server runs: the next round anonymises it.
  execute("UPDATE registrations SET retain_until = '2020-01-01' WHERE id = " + std::to_string(id));
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (column("anonymized_at", id).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(column("anonymized_at", id), "");
  EXPECT_EQ(column("first_name", id), "anonymised");
  EXPECT_EQ(changes(id, "upsert"), 2);

  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  EXPECT_EQ(served.child().wait_for_exit(10s).value_or(-1), 0) << served.child().err();
  EXPECT_TRUE(contains(served.child().err(), "1 registration(s) anonymised")) << served.child().err();
}

}  // namespace
}  // namespace zusammen::testing
