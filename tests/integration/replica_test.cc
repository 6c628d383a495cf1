// Read replicas for real: a MariaDB replica that follows the test server by its binary log
// (scripts/db.sh replica start; scripts/test.sh exports ZUSAMMEN_TEST_REPLICA_URL). Anonymous
// reads under /v1/ come from the replica, writes and keyed reads from the primary, and a replica
// that cannot be reached costs no failed request and no connect timeout per request.
#include <arpa/inet.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "../support/api_test.h"
#include "../support/child_process.h"

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Polls condition until it holds or timeout passes; true when it held.
// Replication is asynchronous and, while the rest of the suite writes to the same primary on a
// 2-core CI machine, the replica can lag by tens of seconds: waits are generous, and return as
// soon as the condition holds.
bool await(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 180s) {
  auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// A TCP port that accepts connections (the kernel does) but never says a word: a hung server,
// which costs a client its whole connect timeout.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on a free port");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class ReplicaTest : public ApiTest<ReplicaTest> {
 public:
  // The server is made below, once the replica follows.
  static constexpr SuiteSettings kSuite = {.database = "replica", .server = false, .writer = "content:write"};

  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    const char* env = std::getenv("ZUSAMMEN_TEST_REPLICA_URL");
    if (env == nullptr || *env == '\0') {
      setup_error_ =
          "ZUSAMMEN_TEST_REPLICA_URL is not set: it names a replica of ZUSAMMEN_TEST_DATABASE_URL's server "
          "(mysql://zusammen:zusammen@127.0.0.1:3317/); scripts/test.sh starts one with scripts/db.sh replica start";
      return;
    }
    auto parsed = service::parse_database_url(env);
    if (!parsed.ok()) {
      setup_error_ = "ZUSAMMEN_TEST_REPLICA_URL: " + parsed.error().detail;
      return;
    }
    replica_url_ = *parsed;
    replica_url_.database = database_->name();
    replica_ = connect(replica_url_, "");
    // The test database and its migrations reach the replica by replication, like every write.
    std::string migrations = database_->scalar("SELECT COUNT(*) FROM schema_migrations");
    // Until then the replica may not have the database or the table yet.
    auto replicated = [&] {
      try {
        return on_replica("SELECT COUNT(*) FROM " + table("schema_migrations")) == migrations;
      } catch (const ::sql::SQLException&) {
        return false;
      }
    };
    if (!await(replicated)) {
      setup_error_ = "the test database did not reach the replica within 180 s; is it a replica of the test server?";
      return;
    }
    read_pool_ = std::make_unique<service::Pool>(replica_url_, service::PoolOptions{});
    // Retried at once after a failure: a test that breaks replica connections leaves no pause behind.
    read_pool_->fall_back_to(database_->pool(), 0ms);
    api::AppOptions options;
    options.read_pool = read_pool_.get();
    server_ = std::make_unique<TestServer>(*database_, 2, options);
  }
  static void TearDownTestSuite() {
    server_.reset();
    read_pool_.reset();
    replica_.reset();
    ApiTest::TearDownTestSuite();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    ApiTest::SetUp();
    // The replica must have applied the truncation too: otherwise the last test's rows (same ids,
    // same names) would satisfy this test's first wait for replication.
    ASSERT_TRUE(await([] { return on_replica("SELECT COUNT(*) FROM " + table("companies")) == "0"; }))
        << "the replica did not apply the truncation within 180 s";
  }

  static std::string table(const std::string& name) { return database_->name() + "." + name; }

  // First column of the first row on the replica ("<none>" without rows), via Connector/C++.
  static std::string on_replica(const std::string& query) {
    std::unique_ptr<::sql::Statement> statement(replica_->createStatement());
    std::unique_ptr<::sql::ResultSet> rows(statement->executeQuery(query));
    if (!rows->next()) return "<none>";
    return rows->isNull(1) ? "" : std::string(rows->getString(1));
  }
  static void replica_execute(const std::string& sql) {
    std::unique_ptr<::sql::Statement> statement(replica_->createStatement());
    statement->execute(sql);
  }

  long long create_company(const std::string& slug, const std::string& name) {
    return testing::create_company(client(), writer(), slug, name);
  }
  bool replica_has_name(long long id, const std::string& name) {
    return on_replica("SELECT name FROM " + table("companies") + " WHERE id = " + std::to_string(id)) == name;
  }

  static inline std::unique_ptr<service::Pool> read_pool_;
  static inline std::unique_ptr<::sql::Connection> replica_;
  static inline service::DatabaseUrl replica_url_;
  static inline std::string setup_error_;
};

// Restarts the replica's SQL thread however the test ends.
struct SqlThreadStopped {
  explicit SqlThreadStopped(const std::function<void(const std::string&)>& execute) : execute_(execute) {
    execute_("STOP SLAVE SQL_THREAD");
  }
  ~SqlThreadStopped() { execute_("START SLAVE SQL_THREAD"); }
  std::function<void(const std::string&)> execute_;
};

TEST_F(ReplicaTest, TheReplicaIsAReadOnlyServerOfItsOwnThatFollowsThePrimary) {
  EXPECT_EQ(on_replica("SELECT @@read_only"), "1");
  EXPECT_NE(on_replica("SELECT @@server_id"), database_->scalar("SELECT @@server_id"));
  long long id = create_company("bahn", "Deutsche Bahn AG");
  EXPECT_TRUE(await([&] { return replica_has_name(id, "Deutsche Bahn AG"); }))
      << "the write did not reach the replica within 180 s";
}

TEST_F(ReplicaTest, AnonymousReadsComeFromTheReplicaKeyedReadsAndWritesFromThePrimary) {
  long long id = create_company("bahn", "Deutsche Bahn AG");
  ASSERT_TRUE(await([&] { return replica_has_name(id, "Deutsche Bahn AG"); }));
  std::string path = "/v1/companies/" + std::to_string(id);
  auto client = server_->client();
  std::string reader = server_->key({"content:read"});
  {
    // The replica receives the primary's changes but applies none of them for now.
    SqlThreadStopped stopped(replica_execute);
    auto patched = client.patch(path, {{"name", "DB AG"}}, writer());
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(database_->scalar("SELECT name FROM companies WHERE id = " + std::to_string(id)), "DB AG");
    EXPECT_TRUE(replica_has_name(id, "Deutsche Bahn AG"));

    auto anonymous = client.get(path);
    ASSERT_EQ(anonymous.status, 200) << anonymous.body;
    EXPECT_EQ(anonymous.json().at("name"), "Deutsche Bahn AG");
    auto list = client.get("/v1/companies");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json().at("items").at(0).at("name"), "Deutsche Bahn AG");

    auto keyed = client.get(path, bearer(reader));
    ASSERT_EQ(keyed.status, 200) << keyed.body;
    EXPECT_EQ(keyed.json().at("name"), "DB AG");
    // Probes are never routed to the replica.
    EXPECT_EQ(client.get("/readyz").status, 200);
  }
  EXPECT_TRUE(await([&] {
    auto read = client.get(path);
    return read.status == 200 && read.json().at("name") == "DB AG";
  })) << "the replica did not catch up within 180 s after its SQL thread started again";
}

TEST_F(ReplicaTest, ServeReadsAnonymouslyFromTheDatabaseReadUrl) {
  long long id = create_company("bahn", "Deutsche Bahn AG");
  ASSERT_TRUE(await([&] { return replica_has_name(id, "Deutsche Bahn AG"); }));
  std::string path = "/v1/companies/" + std::to_string(id);
  std::string reader = server_->key({"content:read"});
  const auto& r = replica_url_;
  std::string read_url =
      "mysql://" + r.user + ":" + r.password + "@" + r.host + ":" + std::to_string(r.port) + "/" + r.database;
  SqlThreadStopped stopped(replica_execute);
  ASSERT_EQ(server_->client().patch(path, {{"name", "DB AG"}}, writer()).status, 200);

  ServeProcess serve({{"ZUSAMMEN_DATABASE_URL", database_->url()},
                      {"ZUSAMMEN_DATABASE_READ_URL", read_url},
                      {"ZUSAMMEN_CACHE_TTL_MS", "0"}});
  HttpClient client(serve.port());
  EXPECT_EQ(client.get(path).json().at("name"), "Deutsche Bahn AG");
  EXPECT_EQ(client.get(path, bearer(reader)).json().at("name"), "DB AG");
  EXPECT_EQ(client.get("/readyz").status, 200);
}

TEST_F(ReplicaTest, ServeRefusesABrokenDatabaseReadUrl) {
  Outcome serve = run({"serve"}, {{"ZUSAMMEN_DATABASE_URL", database_->url()},
                                  {"ZUSAMMEN_DATABASE_READ_URL", "postgres://elsewhere/db"},
                                  {"ZUSAMMEN_LISTEN", "127.0.0.1:0"}});
  EXPECT_EQ(serve.code, 2) << serve;
  EXPECT_NE(serve.err.find("ZUSAMMEN_DATABASE_READ_URL"), std::string::npos) << serve;
}

TEST_F(ReplicaTest, AReplicaThatDropsItsConnectionsIsReplacedByThePrimaryWithinTheRequest) {
  service::Pool pool(replica_url_, service::PoolOptions{});
  pool.fall_back_to(database_->pool(), 60s);
  api::AppOptions options;
  options.read_pool = &pool;
  TestServer server(*database_, 2, options);
  long long id = create_company("bahn", "Deutsche Bahn AG");
  ASSERT_TRUE(await([&] { return replica_has_name(id, "Deutsche Bahn AG"); }));
  std::string path = "/v1/companies/" + std::to_string(id);
  auto client = server.client();
  ASSERT_EQ(client.get(path).status, 200);  // the pool now holds a replica connection
  // The replica drops the service's connections, as on a restart.
  std::unique_ptr<::sql::Statement> statement(replica_->createStatement());
  std::unique_ptr<::sql::ResultSet> sessions(
      statement->executeQuery("SELECT id FROM information_schema.processlist WHERE db = '" + database_->name() +
                              "' AND id <> CONNECTION_ID()"));
  int killed = 0;
  while (sessions->next()) {
    replica_execute("KILL CONNECTION " + std::string(sessions->getString(1)));
    ++killed;
  }
  ASSERT_GT(killed, 0);

  auto read = client.get(path);
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("name"), "Deutsche Bahn AG");
}

TEST_F(ReplicaTest, AnUnreachableReplicaCostsNeitherErrorsNorAConnectTimeoutPerRequest) {
  SilentListener hung;
  service::DatabaseUrl url = replica_url_;
  url.port = hung.port();
  service::PoolOptions pool_options;
  pool_options.timeouts.connect_seconds = 2;
  pool_options.timeouts.read_seconds = 2;
  pool_options.timeouts.write_seconds = 2;
  service::Pool pool(url, pool_options);
  pool.fall_back_to(database_->pool(), 60s);
  api::AppOptions options;
  options.read_pool = &pool;
  TestServer server(*database_, 2, options);
  long long id = create_company("bahn", "Deutsche Bahn AG");
  std::string path = "/v1/companies/" + std::to_string(id);
  auto client = server.client();

  // The first read tries the replica, gives up after its connect timeout and reads the primary.
  auto first = client.get(path);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("name"), "Deutsche Bahn AG");

  // Then the replica counts as down: the next reads go straight to the primary.
  auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    auto read = client.get(i % 2 == 0 ? path : "/v1/companies");
    ASSERT_EQ(read.status, 200) << read.body;
  }
  auto elapsed = Clock::now() - start;
  EXPECT_LT(elapsed, 2s) << "20 reads took " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                         << " ms: they waited for the unreachable replica";
  // Writes and probes never needed the replica.
  EXPECT_EQ(client.patch(path, {{"name", "DB AG"}}, writer()).status, 200);
  EXPECT_EQ(client.get(path).json().at("name"), "DB AG");
  EXPECT_EQ(client.get("/readyz").status, 200);
}

}  // namespace
}  // namespace zusammen::testing
