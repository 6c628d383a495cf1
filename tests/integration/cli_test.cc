// The real `zusammen` binary, as operators and scripts use it: --help, migrate,
// seed, apikey create|list|revoke, unknown commands, and serve with its port-0
// listening line, probes and a clean exit on SIGTERM — also when the database
// cannot be reached. Results are read back through MySQL Connector/C++.
#include <cppconn/statement.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "../support/child_process.h"
#include "api/config.h"
#include "service/api_keys.h"
#include "service/encoding.h"
#include "service/migrations.h"

extern char** environ;

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------- running the binary

// A URL whose server never answers: nothing listens on port 1.
constexpr const char* kUnreachableDatabase = "mysql://zusammen:zusammen@127.0.0.1:1/zusammen";

// ---------------------------------------------------------------- the fixture

// The database only: the binary under test is the server.
class Cli : public ApiTest<Cli> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "cli", .server = false};

 protected:
  // No truncation between the cases (as they were written): each names its own rows and keys, and
  // FreshDatabase gives one a database of its own.
  void SetUp() override {}

  static Env env(Env extra = {}) {
    Env out = {{"ZUSAMMEN_DATABASE_URL", db().url()}, {"ZUSAMMEN_LOG_LEVEL", "info"}};
    for (auto& e : extra) {
      bool replaced = false;
      for (auto& o : out) {
        if (o.first == e.first) {
          o.second = e.second;
          replaced = true;
        }
      }
      if (!replaced) out.push_back(e);
    }
    return out;
  }
};

// ---------------------------------------------------------------- help and bad invocations

TEST_F(Cli, HelpListsEverySettingAndCommand) {
  for (const char* flag : {"--help", "-h", "help"}) {
    Outcome help = run({flag}, {});
    ASSERT_EQ(help.code, 0) << help;
    for (const auto& s : api::kSettings) {
      EXPECT_TRUE(contains(help.out, s.env)) << flag << " does not mention " << s.env;
      EXPECT_TRUE(contains(help.out, s.flag)) << flag << " does not mention " << s.flag;
    }
    // The variables SPEC.md names, whatever kSettings holds.
    for (const char* name :
         {"ZUSAMMEN_DATABASE_URL", "ZUSAMMEN_DATABASE_READ_URL", "ZUSAMMEN_LISTEN", "ZUSAMMEN_THREADS",
          "ZUSAMMEN_DB_POOL", "ZUSAMMEN_CORS_ORIGINS", "ZUSAMMEN_LOG_LEVEL", "ZUSAMMEN_LOG_FORMAT"}) {
      EXPECT_TRUE(contains(help.out, name)) << name;
    }
    for (const char* command : {"serve", "migrate", "seed", "apikey create", "apikey list", "apikey revoke"}) {
      EXPECT_TRUE(contains(help.out, command)) << command;
    }
    for (auto scope : service::kScopes) EXPECT_TRUE(contains(help.out, std::string(scope))) << scope;
  }
}

TEST_F(Cli, HelpNeedsNoDatabaseAndIgnoresBadSettings) {
  Outcome help = run({"--help"}, {{"ZUSAMMEN_THREADS", "lots"}, {"ZUSAMMEN_DATABASE_URL", "nonsense"}});
  EXPECT_EQ(help.code, 0) << help;
}

TEST_F(Cli, Version) {
  Outcome version = run({"--version"}, {});
  EXPECT_EQ(version.code, 0) << version;
  EXPECT_EQ(version.out, std::string("zusammen ") + ZUSAMMEN_VERSION + "\n");
}

TEST_F(Cli, UnknownCommandExits2) {
  Outcome unknown = run({"frobnicate"}, env());
  EXPECT_EQ(unknown.code, 2) << unknown;
  EXPECT_TRUE(contains(unknown.err, "frobnicate")) << unknown;
  EXPECT_TRUE(unknown.out.empty()) << unknown;

  Outcome sub = run({"apikey", "rotate"}, env());
  EXPECT_EQ(sub.code, 2) << sub;
  Outcome bare = run({"apikey"}, env());
  EXPECT_EQ(bare.code, 2) << bare;
}

TEST_F(Cli, BadSettingsExit2NamingTheSetting) {
  Outcome threads = run({"migrate"}, env({{"ZUSAMMEN_THREADS", "lots"}}));
  EXPECT_EQ(threads.code, 2) << threads;
  EXPECT_TRUE(contains(threads.err, "ZUSAMMEN_THREADS")) << threads;

  Outcome flag = run({"migrate", "--db-pool=0"}, env());
  EXPECT_EQ(flag.code, 2) << flag;
  EXPECT_TRUE(contains(flag.err, "ZUSAMMEN_DB_POOL")) << flag;

  Outcome listen = run({"serve"}, env({{"ZUSAMMEN_LISTEN", "nowhere"}}));
  EXPECT_EQ(listen.code, 2) << listen;
  Outcome port = run({"serve", "--listen=127.0.0.1:70000"}, env());
  EXPECT_EQ(port.code, 2) << port;
}

TEST_F(Cli, BadDatabaseUrlExits2WithoutShowingThePassword) {
  Outcome bad = run({"migrate"}, env({{"ZUSAMMEN_DATABASE_URL", "postgres://admin:supersecret@db/zusammen"}}));
  EXPECT_EQ(bad.code, 2) << bad;
  EXPECT_TRUE(contains(bad.err, "ZUSAMMEN_DATABASE_URL")) << bad;
  EXPECT_FALSE(contains(bad.out + bad.err, "supersecret")) << bad;
}

TEST_F(Cli, UnreachableDatabaseFailsCommandsCleanly) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"migrate"}, std::vector<std::string>{"seed"},
                                               std::vector<std::string>{"apikey", "list"}}) {
    Outcome result =
        run(args, env({{"ZUSAMMEN_DATABASE_URL", kUnreachableDatabase}, {"ZUSAMMEN_DB_CONNECT_TIMEOUT", "2"}}));
    EXPECT_NE(result.code, 0) << args[0] << "\n" << result;
    EXPECT_LT(result.code, 128) << args[0] << " crashed\n" << result;
    EXPECT_FALSE(result.err.empty()) << args[0];
  }
}

// ---------------------------------------------------------------- migrate

// An empty database next to the suite's, dropped again at the end.
class FreshDatabase {
 public:
  FreshDatabase(TestDatabase& db, const std::string& suffix) : db_(db) {
    name_ = "zusammen_test_cli_" + suffix + "_" + std::to_string(::getpid());
    exec("DROP DATABASE IF EXISTS " + name_);
    exec("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    url_ = db.url().substr(0, db.url().rfind('/') + 1) + name_;
  }
  ~FreshDatabase() {
    try {
      exec("DROP DATABASE IF EXISTS " + name_);
    } catch (const std::exception&) {
    }
  }
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  void exec(const std::string& sql) {
    std::unique_ptr<::sql::Statement> statement(db_.reader().createStatement());
    statement->execute(sql);
  }
  TestDatabase& db_;
  std::string name_;
  std::string url_;
};

TEST_F(Cli, MigrateAppliesEachMigrationOnce) {
  FreshDatabase fresh(db(), "migrate");
  auto migrations = service::builtin_migrations();
  ASSERT_FALSE(migrations.empty());

  Outcome first = run({"migrate"}, env({{"ZUSAMMEN_DATABASE_URL", fresh.url()}}));
  ASSERT_EQ(first.code, 0) << first;
  EXPECT_TRUE(contains(first.out, "applied " + std::to_string(migrations.size()) + " migration(s)")) << first;
  for (const auto& m : migrations) EXPECT_TRUE(contains(first.out, m.name)) << m.name << "\n" << first;
  std::string in_fresh = "table_schema = '" + fresh.name() + "'";
  long long recorded = db().count(fresh.name() + ".schema_migrations");
  EXPECT_EQ(recorded, static_cast<long long>(migrations.size()));
  long long tables = db().count("information_schema.tables", in_fresh);
  EXPECT_GE(tables, 4);  // companies, initiatives, api_keys, schema_migrations at least

  // Every table InnoDB and utf8mb4.
  EXPECT_EQ(db().count("information_schema.tables",
                       in_fresh + " AND (engine <> 'InnoDB' OR table_collation NOT LIKE 'utf8mb4%')"),
            0);

  Outcome second = run({"migrate"}, env({{"ZUSAMMEN_DATABASE_URL", fresh.url()}}));
  ASSERT_EQ(second.code, 0) << second;
  EXPECT_TRUE(contains(second.out, "applied 0 migration(s)")) << second;
  EXPECT_EQ(db().count(fresh.name() + ".schema_migrations"), recorded);
  EXPECT_EQ(db().count("information_schema.tables", in_fresh), tables);
}

TEST_F(Cli, ConcurrentMigrationsApplyEachMigrationExactlyOnce) {
  // Replicas starting together: the named lock lets one of them migrate.
  FreshDatabase fresh(db(), "race");
  auto migrations = service::builtin_migrations();
  std::vector<std::unique_ptr<Child>> children;
  for (int i = 0; i < 4; ++i) {
    children.push_back(
        std::make_unique<Child>(std::vector<std::string>{"migrate"}, env({{"ZUSAMMEN_DATABASE_URL", fresh.url()}})));
  }
  std::size_t applied = 0;
  for (auto& child : children) {
    auto code = child->wait_for_exit(60s);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << child->err();
    std::smatch match;
    std::string out = child->out();
    ASSERT_TRUE(std::regex_search(out, match, std::regex("applied ([0-9]+) migration"))) << out;
    applied += std::stoul(match[1]);
  }
  EXPECT_EQ(applied, migrations.size());
  EXPECT_EQ(db().count(fresh.name() + ".schema_migrations"), static_cast<long long>(migrations.size()));
}

TEST_F(Cli, MigrateOnAnUpToDateDatabaseAppliesNothing) {
  long long before = db().count("schema_migrations");
  Outcome again = run({"migrate"}, env());
  ASSERT_EQ(again.code, 0) << again;
  EXPECT_TRUE(contains(again.out, "applied 0 migration(s)")) << again;
  EXPECT_EQ(db().count("schema_migrations"), before);
}

TEST_F(Cli, FlagWinsOverTheEnvironmentForTheDatabase) {
  Outcome result =
      run({"migrate", "--database-url=" + db().url()}, env({{"ZUSAMMEN_DATABASE_URL", kUnreachableDatabase}}));
  EXPECT_EQ(result.code, 0) << result;
  Outcome spaced =
      run({"--database-url", db().url(), "migrate"}, env({{"ZUSAMMEN_DATABASE_URL", kUnreachableDatabase}}));
  EXPECT_EQ(spaced.code, 0) << spaced;
}

// ---------------------------------------------------------------- seed

TEST_F(Cli, SeedIsIdempotentAndKeepsGermanTypography) {
  Outcome first = run({"seed"}, env());
  ASSERT_EQ(first.code, 0) << first;
  long long companies = db().count("companies");
  long long initiatives = db().count("initiatives");
  EXPECT_GE(companies, 1);
  EXPECT_GE(initiatives, 1);

  Outcome second = run({"seed"}, env());
  ASSERT_EQ(second.code, 0) << second;
  EXPECT_TRUE(contains(second.out, " 0 created")) << second;
  EXPECT_EQ(db().count("companies"), companies);
  EXPECT_EQ(db().count("initiatives"), initiatives);

  EXPECT_EQ(db().count("companies", "slug = 'deutsche-bahn' AND name = 'Deutsche Bahn AG'"), 1);
  // The bytes as stored, independent of any client character set conversion.
  std::string hex = db().scalar("SELECT LOWER(HEX(description)) FROM companies WHERE slug = 'deutsche-bahn'");
  EXPECT_TRUE(contains(hex, service::hex_encode("„Gelungene Integration geht nur zusammen!“"))) << hex;
  EXPECT_TRUE(contains(hex, "e2809e")) << "„ (U+201E)";
  EXPECT_TRUE(contains(hex, "e2809c")) << "“ (U+201C)";
  EXPECT_TRUE(contains(hex, service::hex_encode("über"))) << "ü (U+00FC)";
  EXPECT_FALSE(contains(hex, "c383")) << "double-encoded UTF-8 (Ã)";
  EXPECT_FALSE(contains(hex, "c3a2e282ac")) << "double-encoded „ (â€)";
  std::string description = db().scalar("SELECT description FROM companies WHERE slug = 'deutsche-bahn'");
  EXPECT_TRUE(service::is_valid_utf8(description));
  EXPECT_TRUE(contains(description, "„Gelungene Integration geht nur zusammen!“")) << description;
  EXPECT_EQ(db().scalar("SELECT CHAR_LENGTH(description) < LENGTH(description) FROM companies "
                        "WHERE slug = 'deutsche-bahn'"),
            "1");
  EXPECT_EQ(db().scalar("SELECT sector FROM companies WHERE slug = 'deutsche-bahn'"), "Mobilität und Logistik");
  EXPECT_GE(db().count("initiatives", "LOWER(HEX(title)) LIKE '%" + service::hex_encode("für") + "%'"), 1);
  // The programmes of the press release can be found by a partner page: slugs and target groups,
  // with the filter's rows in initiative_tags.
  EXPECT_EQ(db().scalar("SELECT target_groups FROM initiatives WHERE slug = 'db-qualifizierung-junge-gefluechtete'"),
            "young_refugees");
  EXPECT_EQ(db().count("initiative_tags",
                       "tag = 'group:skilled_workers' AND id = (SELECT id FROM initiatives "
                       "WHERE slug = 'db-umschulung-elektroniker-betriebstechnik')"),
            1);
}

// ---------------------------------------------------------------- apikey

std::string last_line(const std::string& out) {
  auto all = lines(out);
  return all.empty() ? "" : all.back();
}

TEST_F(Cli, ApiKeyCreatePrintsTheKeyAloneOnTheLastLineAndStoresOnlyItsHash) {
  Outcome created = run({"apikey", "create", "--name", "ci", "--scopes", "content:read,content:write"}, env());
  ASSERT_EQ(created.code, 0) << created;
  ASSERT_FALSE(created.out.empty());
  EXPECT_EQ(created.out.back(), '\n');
  std::string key = last_line(created.out);
  ASSERT_TRUE(std::regex_match(key, std::regex("[A-Za-z0-9_-]{32,200}"))) << "not a key alone: '" << key << "'";
  // Printed once, nowhere else: not in an earlier line, not in the logs.
  EXPECT_EQ(created.out.find(key), created.out.size() - key.size() - 1);
  EXPECT_FALSE(contains(created.err, key));

  ASSERT_EQ(db().count("api_keys", "name = 'ci'"), 1);
  EXPECT_EQ(db().scalar("SELECT key_hash FROM api_keys WHERE name = 'ci'"), service::sha256_hex(key));
  EXPECT_EQ(db().count("api_keys", "INSTR(CONCAT_WS('|', name, prefix, key_hash, scopes), '" + key + "') > 0"), 0);
  std::string prefix = db().scalar("SELECT prefix FROM api_keys WHERE name = 'ci'");
  EXPECT_FALSE(prefix.empty());
  EXPECT_LT(prefix.size(), key.size() / 2);
  EXPECT_EQ(key.rfind(prefix, 0), 0u) << "the prefix is how the key starts";
  std::string scopes = db().scalar("SELECT scopes FROM api_keys WHERE name = 'ci'");
  EXPECT_TRUE(contains(scopes, "content:read")) << scopes;
  EXPECT_TRUE(contains(scopes, "content:write")) << scopes;
  EXPECT_EQ(db().scalar("SELECT revoked_at IS NULL FROM api_keys WHERE name = 'ci'"), "1");

  // Two keys are never the same.
  Outcome other = run({"apikey", "create", "--name=ci-2", "--scopes=admin"}, env());
  ASSERT_EQ(other.code, 0) << other;
  EXPECT_NE(last_line(other.out), key);
  EXPECT_EQ(db().scalar("SELECT scopes FROM api_keys WHERE name = 'ci-2'"), "admin");

  // list: name and prefix, never the key or its hash.
  Outcome list = run({"apikey", "list"}, env());
  ASSERT_EQ(list.code, 0) << list;
  EXPECT_TRUE(contains(list.out, "ci")) << list;
  EXPECT_TRUE(contains(list.out, prefix)) << list;
  EXPECT_FALSE(contains(list.out + list.err, key)) << list;
  EXPECT_FALSE(contains(list.out + list.err, service::sha256_hex(key))) << list;
  EXPECT_FALSE(contains(list.out + list.err, last_line(other.out))) << list;
}

TEST_F(Cli, ApiKeyRevoke) {
  Outcome created = run({"apikey", "create", "--name", "to-revoke", "--scopes", "registrations:read"}, env());
  ASSERT_EQ(created.code, 0) << created;
  std::string id = db().scalar("SELECT id FROM api_keys WHERE name = 'to-revoke'");
  ASSERT_NE(id, "<none>");

  Outcome revoked = run({"apikey", "revoke", id}, env());
  ASSERT_EQ(revoked.code, 0) << revoked;
  EXPECT_EQ(db().scalar("SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = " + id), "1");
  std::string at = db().scalar("SELECT revoked_at FROM api_keys WHERE id = " + id);

  Outcome list = run({"apikey", "list"}, env());
  ASSERT_EQ(list.code, 0) << list;
  bool shown_revoked = false;
  for (const auto& line : lines(list.out)) {
    if (line.rfind(id + "\t", 0) == 0) shown_revoked = contains(line, "revoked");
  }
  EXPECT_TRUE(shown_revoked) << list;

  // Revoking again keeps the first time.
  Outcome again = run({"apikey", "revoke", id}, env());
  EXPECT_EQ(again.code, 0) << again;
  EXPECT_EQ(db().scalar("SELECT revoked_at FROM api_keys WHERE id = " + id), at);

  Outcome unknown = run({"apikey", "revoke", "987654321"}, env());
  EXPECT_NE(unknown.code, 0) << unknown;
  EXPECT_LT(unknown.code, 128) << unknown;
  Outcome not_a_number = run({"apikey", "revoke", "12abc"}, env());
  EXPECT_EQ(not_a_number.code, 2) << not_a_number;
  Outcome missing = run({"apikey", "revoke"}, env());
  EXPECT_EQ(missing.code, 2) << missing;
}

TEST_F(Cli, ApiKeyCreateRejectsBadInput) {
  long long before = db().count("api_keys");
  Outcome scope = run({"apikey", "create", "--name", "bad", "--scopes", "content:read,content:delete"}, env());
  EXPECT_NE(scope.code, 0) << scope;
  EXPECT_LT(scope.code, 128) << scope;
  EXPECT_TRUE(contains(scope.err, "content:delete")) << scope;

  Outcome no_scopes = run({"apikey", "create", "--name", "bad"}, env());
  EXPECT_NE(no_scopes.code, 0) << no_scopes;
  Outcome no_name = run({"apikey", "create", "--scopes", "admin"}, env());
  EXPECT_NE(no_name.code, 0) << no_name;
  Outcome option = run({"apikey", "create", "--name", "bad", "--scopes", "admin", "--colour", "red"}, env());
  EXPECT_EQ(option.code, 2) << option;
  EXPECT_EQ(db().count("api_keys"), before);
}

// ---------------------------------------------------------------- serve

// `zusammen serve` on port 0; the port read from its listening line.
class Served {
 public:
  explicit Served(const Env& env, const std::vector<std::string>& args = {"serve"}) : child_(args, env) {
    auto match = child_.wait_for_output(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)\n"), 20s);
    if (match) port_ = std::stoi(match->at(1));
  }
  int port() const { return port_; }
  Child& child() { return child_; }
  HttpClient client() const { return HttpClient(port_); }

 private:
  Child child_;
  int port_ = 0;
};

Env serve_env(Env base) {
  base.push_back({"ZUSAMMEN_LISTEN", "127.0.0.1:0"});
  base.push_back({"ZUSAMMEN_THREADS", "2"});
  base.push_back({"ZUSAMMEN_DB_POOL", "2"});
  return base;
}

TEST_F(Cli, ServeAnswersAndStopsCleanlyOnSigterm) {
  Served served(serve_env(env()));
  ASSERT_GT(served.port(), 0) << "no listening line\n--- stdout ---\n"
                              << served.child().out() << "--- stderr ---\n"
                              << served.child().err();
  auto client = served.client();
  auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200) << health.raw;
  EXPECT_EQ(health.json()["status"], "ok");
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.raw;

  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*code, 0) << served.child().err();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  // The port is closed.
  EXPECT_THROW(client.get("/healthz"), std::runtime_error);
}

TEST_F(Cli, ServeStopsCleanlyOnSigint) {
  Served served(serve_env(env()));
  ASSERT_GT(served.port(), 0) << served.child().err();
  EXPECT_EQ(served.client().get("/healthz").status, 200);
  ASSERT_EQ(::kill(served.child().pid(), SIGINT), 0);
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGINT";
  EXPECT_EQ(*code, 0) << served.child().err();
}

// SIGTERM and SIGINT go to the thread that waits for them: a thread that does not block them
// (the log writer once did not) would take one first, and the process would die uncleanly
// (exit 143) whenever the signal came before the wait began.
TEST_F(Cli, EveryThreadOfServeBlocksTheStopSignals) {
  Served served(serve_env(env()));
  ASSERT_GT(served.port(), 0) << served.child().err();
  EXPECT_EQ(served.client().get("/healthz").status, 200);
  std::string tasks = "/proc/" + std::to_string(served.child().pid()) + "/task";
  int threads = 0;
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    // The main thread is the one in sigwait, which unblocks them while it waits.
    if (task.path().filename() == std::to_string(served.child().pid())) continue;
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigBlk:", 0) != 0) continue;
      unsigned long long blocked = std::stoull(line.substr(7), nullptr, 16);
      std::string name;
      std::ifstream(task.path() / "comm") >> name;
      EXPECT_TRUE(blocked & (1ULL << (SIGTERM - 1))) << "thread " << task.path().filename() << " (" << name << ")";
      EXPECT_TRUE(blocked & (1ULL << (SIGINT - 1))) << "thread " << task.path().filename() << " (" << name << ")";
      ++threads;
    }
  }
  EXPECT_GT(threads, 3);
  ::kill(served.child().pid(), SIGTERM);
  EXPECT_EQ(served.child().wait_for_exit(10s), 0);
}

TEST_F(Cli, ServeIsTheDefaultCommand) {
  Served served(serve_env(env()), {});
  ASSERT_GT(served.port(), 0) << served.child().err();
  EXPECT_EQ(served.client().get("/healthz").status, 200);
  ::kill(served.child().pid(), SIGTERM);
  EXPECT_EQ(served.child().wait_for_exit(10s), 0);
}

TEST_F(Cli, ServeWithoutADatabaseStaysUp) {
  Served served(serve_env(env({{"ZUSAMMEN_DATABASE_URL", kUnreachableDatabase},
                               {"ZUSAMMEN_DB_CONNECT_TIMEOUT", "2"},
                               {"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "500"},
                               {"ZUSAMMEN_MIGRATE_ON_START", "true"}})));
  ASSERT_GT(served.port(), 0) << "no listening line\n--- stdout ---\n"
                              << served.child().out() << "--- stderr ---\n"
                              << served.child().err();
  auto client = served.client();
  for (int round = 0; round < 3; ++round) {
    auto health = client.get("/healthz");
    EXPECT_EQ(health.status, 200) << health.raw;

    auto ready = client.get("/readyz");
    EXPECT_EQ(ready.status, 503) << ready.raw;
    EXPECT_EQ(ready.header("content-type").value_or(""), "application/problem+json; charset=utf-8");
    auto problem = nlohmann::json::parse(ready.body, nullptr, false);
    ASSERT_TRUE(problem.is_object()) << ready.body;
    EXPECT_EQ(problem["status"], 503);
    EXPECT_EQ(problem["type"], "/problems/unavailable");
    EXPECT_TRUE(problem.contains("title"));
    EXPECT_TRUE(problem.contains("detail"));
    EXPECT_TRUE(ready.header("retry-after").has_value());
    EXPECT_FALSE(contains(ready.body, "127.0.0.1:1")) << "the problem leaks connection details";

    // Data is 503 too, never a 500 or a crash.
    auto companies = client.get("/v1/companies");
    EXPECT_EQ(companies.status, 503) << companies.raw;
    EXPECT_EQ(companies.header("content-type").value_or(""), "application/problem+json; charset=utf-8");
  }
  EXPECT_TRUE(served.child().running());

  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*code, 0) << served.child().err();
}

TEST_F(Cli, ServeMigratesOnStartWhenAsked) {
  FreshDatabase fresh(db(), "serve");
  Served served(serve_env(env({{"ZUSAMMEN_DATABASE_URL", fresh.url()}, {"ZUSAMMEN_MIGRATE_ON_START", "true"}})));
  ASSERT_GT(served.port(), 0) << served.child().err();
  EXPECT_EQ(db().count(fresh.name() + ".schema_migrations"),
            static_cast<long long>(service::builtin_migrations().size()));
  EXPECT_EQ(served.client().get("/readyz").status, 200);
  auto companies = served.client().get("/v1/companies");
  EXPECT_EQ(companies.status, 200) << companies.raw;
  ::kill(served.child().pid(), SIGTERM);
  EXPECT_EQ(served.child().wait_for_exit(10s), 0);
}

TEST_F(Cli, ShutdownGraceReportsNotReadyBeforeClosing) {
  Served served(serve_env(env({{"ZUSAMMEN_SHUTDOWN_GRACE_MS", "3000"}})));
  ASSERT_GT(served.port(), 0) << served.child().err();
  auto client = served.client();
  ASSERT_EQ(client.get("/readyz").status, 200);
  auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  std::this_thread::sleep_for(300ms);
  // Draining: the load balancer is told to stop sending, requests still get answers.
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.raw;
  EXPECT_EQ(ready.header("content-type").value_or(""), "application/problem+json; charset=utf-8");
  EXPECT_EQ(client.get("/healthz").status, 200);
  EXPECT_TRUE(served.child().running());
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*code, 0) << served.child().err();
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, 2500ms);
}

TEST_F(Cli, KeyFromTheCommandLineAuthenticatesUntilRevoked) {
  Outcome created = run({"apikey", "create", "--name", "serve-writer", "--scopes", "content:write"}, env());
  ASSERT_EQ(created.code, 0) << created;
  std::string key = last_line(created.out);
  std::string id = db().scalar("SELECT id FROM api_keys WHERE name = 'serve-writer'");

  Served served(serve_env(env()));
  ASSERT_GT(served.port(), 0) << served.child().err();
  auto client = served.client();
  auto posted =
      client.post("/v1/companies", {{"slug", "cli-key-check"}, {"name", "Schlüssel-Prüfung GmbH"}}, bearer(key));
  EXPECT_EQ(posted.status, 201) << posted.raw;

  Outcome revoked = run({"apikey", "revoke", id}, env());
  ASSERT_EQ(revoked.code, 0) << revoked;
  auto refused = client.post("/v1/companies", {{"slug", "cli-key-check-2"}, {"name", "Zu spät GmbH"}}, bearer(key));
  EXPECT_EQ(refused.status, 401) << refused.raw;
  EXPECT_EQ(db().count("companies", "slug = 'cli-key-check-2'"), 0);

  ::kill(served.child().pid(), SIGTERM);
  EXPECT_EQ(served.child().wait_for_exit(10s), 0);
}

}  // namespace
}  // namespace zusammen::testing
