// The one fixture of the integration tests, and the data builders several suites share.
//
// A suite derives from ApiTest<Suite> (CRTP: each suite keeps its own static database and server)
// and says what it needs in a public SuiteSettings kSuite:
//
//   class MeetingsTest : public ApiTest<MeetingsTest> {
//    public:
//     static constexpr SuiteSettings kSuite = {.database = "meetings", .writer = "content:write"};
//   };
//
// Per suite: a TestDatabase (the migrations applied) and, unless .server is false, a TestServer over
// it with .threads workers and Suite::app_options(). Per test: every table emptied, the change feed's
// counter restored (TestDatabase::truncate_all), and fresh writer's and reader's keys when the suite
// names their scopes. A suite with more to do in SetUp/SetUpTestSuite calls the base's first
// (ApiTest::SetUp()); one whose rows must outlive a test overrides SetUp without it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/app.h"
#include "assertions.h"
#include "http_client.h"
#include "test_database.h"
#include "test_server.h"

namespace zusammen::testing {

// --- text ---------------------------------------------------------------------------------------

std::string str(long long id);
// piece, times times.
std::string repeat(const std::string& piece, int times);
// Upper-case hex of the bytes, as SQL's HEX() spells them.
std::string hex_of(const std::string& bytes);
// The whole text matches the regular expression.
bool matches(const std::string& text, const char* pattern);

// --- rows straight into the tables (for suites whose subject they are not) ----------------------

struct MeetingRow {
  std::string title = "Netzwerktreffen";
  std::string starts_at = "2099-11-13 08:00:00";
  std::string ends_at = "2099-11-13 16:00:00";
  std::string capacity = "NULL";  // as SQL
  bool registration_open = true;
  std::string status = "planned";
};
// A published network meeting; its id.
long long insert_meeting(TestDatabase& db, const MeetingRow& row = {});
// An agenda item "Workshop Ausbildung" of the meeting, 10:00-11:00 on 13 November 2099 (UTC).
long long insert_agenda_item(TestDatabase& db, long long meeting, const std::string& kind = "workshop",
                             const std::string& capacity = "NULL");
// The active company deutsche-bahn, "Deutsche Bahn AG".
long long insert_company(TestDatabase& db);

// --- request bodies and requests ----------------------------------------------------------------

// A company as a member of the network: in Berlin, with a contact email kontakt@<slug>.example.
nlohmann::json company_body(const std::string& slug, const std::string& name, const std::string& status = "active");

// A registration of Jürgen Müller for the meeting, with extra members merged in.
nlohmann::json registration(long long meeting, const std::string& email,
                            const nlohmann::json& extra = nlohmann::json::object());

// POSTs body and answers the created resource; throws (with the answer) unless it is a 201.
nlohmann::json post_created(HttpClient client, const std::string& path, const nlohmann::json& body,
                            const Headers& headers);
// The same, for the new resource's id.
long long created_id(HttpClient client, const std::string& path, const nlohmann::json& body, const Headers& headers);

// POST /v1/companies {slug, name} (and extra); a failed expectation unless the answer is a 201.
long long create_company(HttpClient client, const Headers& headers, const std::string& slug, const std::string& name,
                         const nlohmann::json& extra = nlohmann::json::object());

// How many change feed entries an entity has (of one op, or of any).
long long changes_of(TestDatabase& db, const std::string& entity_type, long long id, const std::string& op = "");

// --- the fixture --------------------------------------------------------------------------------

// What a suite needs (ApiTest reads Suite::kSuite).
struct SuiteSettings {
  const char* database = nullptr;  // the database's name, unique per test binary
  int threads = 4;                 // the server's worker threads
  bool server = true;              // false: the database only; the suite starts servers (or processes) itself
  const char* writer = nullptr;    // SetUp makes a key with this scope for writer() in every test
  const char* reader = nullptr;    // the same for reader()
};

template <class Suite>
class ApiTest : public ::testing::Test {
 public:
  // The server's AppOptions (Suite may shadow it).
  static api::AppOptions app_options() { return {}; }

  static void SetUpTestSuite() {
    const SuiteSettings& suite = Suite::kSuite;
    database_ = std::make_unique<TestDatabase>(suite.database);
    if (suite.server) server_ = std::make_unique<TestServer>(*database_, suite.threads, Suite::app_options());
  }
  static void TearDownTestSuite() {
    server_.reset();
    database_.reset();
  }

 protected:
  void SetUp() override {
    database_->truncate_all();  // api_keys included: the keys are made per test
    const SuiteSettings& suite = Suite::kSuite;
    if (suite.writer != nullptr) writer_key_ = key({suite.writer});
    if (suite.reader != nullptr) reader_key_ = key({suite.reader});
  }

  static TestDatabase& db() { return *database_; }
  static TestServer& server() { return *server_; }
  static HttpClient client() { return server_->client(); }
  static int port() { return server_->port(); }

  // A new API key with these scopes.
  static std::string key(const std::vector<std::string>& scopes) { return server_->key(scopes); }
  Headers writer() const { return bearer(writer_key_); }
  Headers reader() const { return bearer(reader_key_); }

  // The independent window (MySQL Connector/C++), see TestDatabase.
  static void execute(const std::string& statement) { database_->execute(statement); }
  static long long insert(const std::string& statement) { return database_->insert(statement); }
  static std::string scalar(const std::string& query) { return database_->scalar(query); }
  static long long count(const std::string& table, const std::string& where = "1=1") {
    return database_->count(table, where);
  }

  static inline std::unique_ptr<TestDatabase> database_;
  static inline std::unique_ptr<TestServer> server_;
  std::string writer_key_;
  std::string reader_key_;
};

}  // namespace zusammen::testing
