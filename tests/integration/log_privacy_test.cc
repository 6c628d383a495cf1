// Logs never hold personal data or credentials: the real binary at debug level, in both log formats,
// is driven through everything that touches names, emails and API keys (creates, a duplicate, bulk
// sync, input that echoes an address, the people export and erasure, unknown, revoked and valid
// keys), and none of those strings may appear anywhere in its stdout or stderr. A database error
// whose MySQL message quotes an email (1062 and others) is logged redacted.
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../support/api_test.h"
#include "../support/child_process.h"
#include "service/api_keys.h"
#include "service/database.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Distinctive enough that any occurrence in a log is a leak, not a coincidence.
const std::vector<std::string> kEmails = {"friederike.unverwechselbar@privat.example",
                                          "quirin.zettelmeyer@privat.example", "ottilie.vogelsang@privat.example",
                                          "kaputt@@privat.example"};
const std::vector<std::string> kNames = {"Friederike",  "Unverwechselbar", "Quirin",
                                         "Zettelmeyer", "Ottilie",         "Vogelsang"};
constexpr const char* kForgedKey = "zus_forgedkeyforgedkeyforgedkey0123456789";

class LogPrivacyTest : public ApiTest<LogPrivacyTest> {
 public:
  // The real binary, per test.
  static constexpr SuiteSettings kSuite = {.database = "log_privacy", .server = false};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    service::ApiKeyService keys(db().pool());
    admin_ = keys.create("admin", {"admin"})->secret;
    writer_ = keys.create("writer", {"registrations:write", "registrations:read"})->secret;
    auto revoked = keys.create("revoked", {"admin"});
    revoked_ = revoked->secret;
    ASSERT_TRUE(keys.revoke(revoked->key.id).ok());
  }

  long long meeting() { return insert_meeting(db(), {.capacity = "1"}); }

  // Every request that carries personal data or a key, each checked for the answer it must get (so
  // the paths that could log really ran).
  void drive(int port) {
    HttpClient client(port);
    long long m = meeting();
    Headers writer = bearer(writer_);
    json first = {{"meeting_id", m},     {"first_name", kNames[0]},  {"last_name", kNames[1]},
                  {"email", kEmails[0]}, {"organization", "Privat"}, {"notes", kNames[0] + " " + kEmails[0]}};
    Headers keyed = writer;
    keyed["Idempotency-Key"] = "privacy-1";
    ASSERT_EQ(client.post("/v1/registrations", first, keyed).status, 201);
    ASSERT_EQ(client.post("/v1/registrations", first, keyed).status, 201);  // replayed
    json duplicate = first;
    duplicate["email"] = "FRIEDERIKE.unverwechselbar@privat.example";
    EXPECT_TRUE(IsProblem(client.post("/v1/registrations", duplicate, writer), 409));
    json bad = first;
    bad["email"] = kEmails[3];
    EXPECT_TRUE(IsProblem(client.post("/v1/registrations", bad, writer), 422));
    EXPECT_TRUE(
        IsProblem(client.request("POST", "/v1/registrations", "{\"email\": \"" + kEmails[0] + "\"", writer), 400));
    auto from_crm = [&](std::size_t name, std::size_t email, const std::string& ref) {
      return json{
          {"meeting_id", m}, {"first_name", kNames[name]}, {"last_name", kNames[name + 1]}, {"email", kEmails[email]},
          {"source", "crm"}, {"external_ref", ref}};
    };
    json items = json::array({from_crm(2, 1, "Q-1"), from_crm(4, 2, "O-1"), from_crm(0, 0, "F-2")});
    auto bulk = client.post("/v1/registrations/bulk", {{"items", items}}, writer);
    ASSERT_EQ(bulk.status, 200) << bulk.body;
    EXPECT_EQ(bulk.json().at("results").at(2).at("status"), "error");
    EXPECT_EQ(client.get("/v1/registrations?q=" + kNames[3], writer).status, 200);
    EXPECT_EQ(client.get("/v1/people?email=" + kEmails[1], bearer(admin_)).status, 200);
    EXPECT_EQ(client.del("/v1/people?email=" + kEmails[0], bearer(admin_)).status, 204);
    EXPECT_TRUE(IsProblem(client.get("/v1/people?email=" + kEmails[3], bearer(admin_)), 400));
    EXPECT_TRUE(IsProblem(client.get("/v1/registrations", bearer(kForgedKey)), 401));
    EXPECT_TRUE(IsProblem(client.get("/v1/registrations", bearer(revoked_)), 401));
    EXPECT_TRUE(
        IsProblem(client.get("/v1/registrations", {{"Authorization", std::string("Basic ") + kForgedKey}}), 401));
    EXPECT_TRUE(IsProblem(client.get("/v1/people?email=" + kEmails[2], bearer(writer_)), 403));
  }

  void expect_no_secrets(const std::string& output) {
    // The logs did run at debug level: one access line per request at least.
    EXPECT_NE(output.find("access"), std::string::npos) << output;
    std::vector<std::string> secrets = kEmails;
    secrets.insert(secrets.end(), kNames.begin(), kNames.end());
    secrets.insert(secrets.end(), {admin_, writer_, revoked_, kForgedKey});
    for (const auto& secret : secrets) {
      EXPECT_FALSE(contains(output, secret)) << "the log holds " << secret << ":\n" << output;
    }
    // Nor do the addresses appear in another case or JSON-escaped.
    EXPECT_FALSE(contains(output, "privat.example")) << output;
    EXPECT_FALSE(contains(output, "privat%2Eexample")) << output;
  }

  void serve_and_drive(const std::string& format) {
    ServeProcess served({{"ZUSAMMEN_DATABASE_URL", db().url()},
                         {"ZUSAMMEN_LOG_LEVEL", "debug"},
                         {"ZUSAMMEN_LOG_FORMAT", format},
                         {"ZUSAMMEN_PURGE_INTERVAL_S", "1"}});
    drive(served.port());
    ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
    ASSERT_EQ(served.child().wait_for_exit(10s).value_or(-1), 0);
    expect_no_secrets(served.child().out() + served.child().err());
  }

  std::string admin_;
  std::string writer_;
  std::string revoked_;
};

TEST_F(LogPrivacyTest, TextLogsHoldNoEmailsNamesOrKeys) { serve_and_drive("text"); }

TEST_F(LogPrivacyTest, JsonLogsHoldNoEmailsNamesOrKeys) { serve_and_drive("json"); }

// Real MySQL errors whose messages quote the values (a 1062 names the duplicate entry, an unknown
// column its name), thrown by SOCI with the statement and its bound values as context.
TEST_F(LogPrivacyTest, DatabaseErrorsAreLoggedRedacted) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger =
      std::make_shared<spdlog::logger>("captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);

  long long m = meeting();
  std::string email = kEmails[0];
  std::vector<unsigned> numbers;
  auto lease = db().pool().lease();
  ASSERT_TRUE(lease.ok());
  soci::session& sql = lease->session();
  std::string insert =
      "INSERT INTO registrations (meeting_id, first_name, last_name, email, email_key) VALUES (:m, :f, :l, :e, :k)";
  std::string first = kNames[0];
  std::string last = kNames[1];
  sql << insert, soci::use(m), soci::use(first), soci::use(last), soci::use(email), soci::use(email);
  auto fail = [&](const std::function<void()>& statement) {
    try {
      statement();
      ADD_FAILURE() << "the statement did not fail";
    } catch (const std::exception& e) {
      numbers.push_back(service::mysql_error_number(e));
      // What SOCI reports does quote the values: the point of redacting.
      EXPECT_TRUE(contains(e.what(), "privat.example") || contains(e.what(), kNames[0])) << e.what();
      bool lost = false;
      service::Error error = service::classify_database_error(e, &lost);
      EXPECT_EQ(error.detail.find("privat"), std::string::npos);
      spdlog::error("as the service would: {}", service::redact_for_log(e.what()));
    }
  };
  fail([&] { sql << insert, soci::use(m), soci::use(first), soci::use(last), soci::use(email), soci::use(email); });
  fail([&] { sql << "SELECT `" + email + "` FROM registrations"; });
  fail([&] {
    int out = 0;
    sql << "SELECT no_such_function(:e)", soci::use(email), soci::into(out);
  });
  spdlog::set_default_logger(previous);

  EXPECT_EQ(numbers, (std::vector<unsigned>{1062, 1054, 1305}));
  std::string log = captured.str();
  EXPECT_NE(log.find("mysql error 1054"), std::string::npos) << log;
  EXPECT_NE(log.find("Duplicate entry"), std::string::npos) << log;
  EXPECT_EQ(log.find("privat.example"), std::string::npos) << log;
  EXPECT_EQ(log.find(kNames[0]), std::string::npos) << log;
}

}  // namespace
}  // namespace zusammen::testing
