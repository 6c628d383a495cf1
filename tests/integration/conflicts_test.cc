// Concurrency and conflicts: two editors that PATCH one resource with the same If-Match never both
// win (exactly one 200, the other 412), for every kind of resource; and a write that waits too long
// for a row lock held elsewhere is retried, then answered 503 with Retry-After, writing nothing.
// Rows are read back through MySQL Connector/C++.
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>

#include "../support/api_test.h"
#include "../support/child_process.h"
#include "service/api_keys.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int kRounds = 25;

class ConflictsTest : public ApiTest<ConflictsTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "conflicts", .threads = 8};

 protected:
  long long company() { return insert_company(db()); }
  long long meeting() { return insert_meeting(db()); }

  // kRounds times: both editors read the same ETag, then PATCH at once with it. Exactly one wins;
  // the version grows by one per round and holds the winner's value.
  void race(const std::string& path, const std::string& table, const std::string& field, const Headers& auth) {
    HttpClient client = server().client();
    for (int round = 0; round < kRounds; ++round) {
      auto current = client.get(path, auth);
      ASSERT_EQ(current.status, 200) << current.body;
      std::string etag = current.header("etag").value_or("");
      int version = current.json().at("version").get<int>();
      Headers headers = with(auth, "If-Match", etag);
      std::latch start(2);
      HttpResult results[2];
      std::string values[2] = {"Erste " + std::to_string(round), "Zweite " + std::to_string(round)};
      std::thread editors[2];
      for (int i = 0; i < 2; ++i) {
        editors[i] = std::thread([&, i] {
          start.arrive_and_wait();
          results[i] = client.patch(path, {{field, values[i]}}, headers);
        });
      }
      for (auto& editor : editors) editor.join();
      int won = results[0].status == 200 ? 0 : 1;
      ASSERT_EQ(results[won].status, 200)
          << path << " round " << round << ": " << results[0].body << " / " << results[1].body;
      ASSERT_TRUE(IsProblem(results[1 - won], 412)) << path << " round " << round;
      EXPECT_EQ(results[won].json().at("version"), version + 1);
      std::string where = " FROM " + table + " WHERE id = " + path.substr(path.rfind('/') + 1);
      EXPECT_EQ(scalar("SELECT version" + where), std::to_string(version + 1));
      EXPECT_EQ(scalar("SELECT " + field + where), values[won]);
    }
  }
};

TEST_F(ConflictsTest, CompanyPatchesWithTheSameIfMatchNeverBothWin) {
  long long id = company();
  race("/v1/companies/" + std::to_string(id), "companies", "name", bearer(server_->key({"content:write"})));
}

TEST_F(ConflictsTest, InitiativePatchesWithTheSameIfMatchNeverBothWin) {
  long long c = company();
  long long id = insert("INSERT INTO initiatives (company_id, title, category) VALUES (" + std::to_string(c) +
                        ", 'Sprachkurs', 'language')");
  race("/v1/initiatives/" + std::to_string(id), "initiatives", "title", bearer(server_->key({"content:write"})));
}

TEST_F(ConflictsTest, MeetingPatchesWithTheSameIfMatchNeverBothWin) {
  long long id = meeting();
  race("/v1/meetings/" + std::to_string(id), "meetings", "title", bearer(server_->key({"content:write"})));
}

TEST_F(ConflictsTest, RegistrationPatchesWithTheSameIfMatchNeverBothWin) {
  long long m = meeting();
  long long id = insert("INSERT INTO registrations (meeting_id, first_name, last_name, email, email_key) VALUES (" +
                        std::to_string(m) + ", 'Jürgen', 'Müller', 'j.mueller@example.de', 'j.mueller@example.de')");
  race("/v1/registrations/" + std::to_string(id), "registrations", "notes",
       bearer(server_->key({"registrations:write", "registrations:read"})));
}

// The real binary with a 1 s lock wait: the test's own connection holds the company's row lock, so
// the PATCH waits, times out (1205), is retried, and is answered 503 with Retry-After. Once the
// lock is gone the same PATCH succeeds.
TEST_F(ConflictsTest, LockWaitTimeoutIsA503WithRetryAfterAndWritesNothing) {
  long long id = company();
  auto key = service::ApiKeyService(db().pool()).create("conflicts", {"content:write"});
  ASSERT_TRUE(key.ok());
  Headers auth = bearer(key->secret);
  ServeProcess served({{"ZUSAMMEN_DATABASE_URL", db().url()},
                       {"ZUSAMMEN_DB_LOCK_WAIT_TIMEOUT_S", "1"},
                       {"ZUSAMMEN_CACHE_TTL_MS", "0"}});
  HttpClient client(served.port());
  std::string path = "/v1/companies/" + std::to_string(id);

  execute("START TRANSACTION");
  ASSERT_EQ(db().scalar("SELECT id FROM companies WHERE id = " + std::to_string(id) + " FOR UPDATE"),
            std::to_string(id));
  auto started = std::chrono::steady_clock::now();
  auto blocked = client.patch(path, {{"name", "Deutsche Bahn Konzern"}}, auth);
  auto waited = std::chrono::steady_clock::now() - started;
  execute("ROLLBACK");

  ASSERT_TRUE(IsProblem(blocked, 503)) << blocked.body;
  EXPECT_TRUE(blocked.header("retry-after").has_value());
  // Several attempts of at least the lock wait each: the timeout was retried, not answered at once.
  EXPECT_GE(waited, 2s);
  EXPECT_EQ(db().scalar("SELECT name FROM companies WHERE id = " + std::to_string(id)), "Deutsche Bahn AG");
  EXPECT_EQ(db().scalar("SELECT version FROM companies WHERE id = " + std::to_string(id)), "1");
  EXPECT_EQ(db().count("changes"), 0);

  auto free = client.patch(path, {{"name", "Deutsche Bahn Konzern"}}, auth);
  ASSERT_EQ(free.status, 200) << free.body;
  EXPECT_EQ(db().scalar("SELECT version FROM companies WHERE id = " + std::to_string(id)), "2");

  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  EXPECT_EQ(served.child().wait_for_exit(10s).value_or(-1), 0);
}

}  // namespace
}  // namespace zusammen::testing
