// Database faults, against the real `zusammen serve`: a database that is not there at
// start (and appears later, with migrations at start), a connection path that is cut and
// restored, connections killed by the server, and a statement over its time limit. The
// service stays up, answers 503 problems with Retry-After while the database cannot
// serve it, and recovers by itself. A small TCP forwarder in the test stands between the
// service and MariaDB so the test decides when the database is reachable.
#include <arpa/inet.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "../support/child_process.h"

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;

// Forwards TCP connections from a local port to the database. Until open() nothing
// listens on the port (connections are refused); cut() closes every forwarded
// connection and refuses new ones, restore() forwards again.
class Forwarder {
 public:
  Forwarder(std::string target_host, int target_port) : host_(std::move(target_host)), target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Bound but not listening: connections to the port are refused.
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;
  ~Forwarder() {
    stop_ = true;
    cut();
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> pipes;
    {
      std::lock_guard lock(mutex_);
      pipes.swap(pipes_);
    }
    for (auto& pipe : pipes) pipe.join();
    ::close(listener_);
  }

  int port() const { return port_; }

  void open() {
    if (::listen(listener_, 64) != 0) throw std::runtime_error("listen failed");
    forwarding_ = true;
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  // Closes the forwarded connections; new ones are accepted and closed at once.
  void cut() {
    forwarding_ = false;
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  void restore() { forwarding_ = true; }
  // The next COMMIT a client sends reaches the database, which commits and answers; the answer is
  // dropped and that connection closed: the client cannot know whether its transaction committed.
  void drop_next_commit_reply() { drop_commit_reply_ = true; }
  int commit_replies_dropped() const { return commit_replies_dropped_.load(); }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      if (!forwarding_) {
        ::close(client);
        continue;
      }
      int server = connect_target();
      if (server < 0) {
        ::close(client);
        continue;
      }
      std::lock_guard lock(mutex_);
      open_fds_.insert(client);
      open_fds_.insert(server);
      pipes_.emplace_back([this, client, server] { pump(client, server); });
    }
  }

  int connect_target() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(target_port_));
    ::inet_pton(AF_INET, host_ == "localhost" ? "127.0.0.1" : host_.c_str(), &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  // A whole MySQL COM_QUERY packet of the text COMMIT (3-byte length 7, sequence 0, 0x03, COMMIT).
  static bool is_commit(const char* bytes, ssize_t n) {
    static const char kCommit[] = {7, 0, 0, 0, 3, 'C', 'O', 'M', 'M', 'I', 'T'};
    if (n != static_cast<ssize_t>(sizeof kCommit)) return false;
    for (std::size_t i = 0; i < sizeof kCommit; ++i) {
      if (std::toupper(static_cast<unsigned char>(bytes[i])) != kCommit[i]) return false;
    }
    return true;
  }

  // Copies both ways until either side closes (a is the client, b the database).
  void pump(int a, int b) {
    char buffer[16384];
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    bool flowing = true;
    while (flowing && !stop_) {
      if (::poll(fds, 2, 100) < 0) break;
      for (int i = 0; i < 2 && flowing; ++i) {
        if (fds[i].revents == 0) continue;
        ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0 || ::send(fds[1 - i].fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) flowing = false;
        if (flowing && i == 0 && is_commit(buffer, n) && drop_commit_reply_.exchange(false)) {
          // The database's answer (it has committed) is read and dropped; then the connection ends.
          pollfd reply{b, POLLIN, 0};
          if (::poll(&reply, 1, 5000) > 0) (void)::read(b, buffer, sizeof buffer);
          commit_replies_dropped_.fetch_add(1);
          flowing = false;
        }
      }
    }
    std::lock_guard lock(mutex_);
    open_fds_.erase(a);
    open_fds_.erase(b);
    ::close(a);
    ::close(b);
  }

  std::string host_;
  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> forwarding_{false};
  std::atomic<bool> drop_commit_reply_{false};
  std::atomic<int> commit_replies_dropped_{0};
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::set<int> open_fds_;
  std::vector<std::thread> pipes_;
};

// Polls until check() holds; false when it did not within timeout.
bool eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return check();
}

::testing::AssertionResult IsUnavailable(const HttpResult& result) {
  auto problem = IsProblem(result, 503);
  if (!problem) return problem;
  if (result.header("retry-after").value_or("").empty()) {
    return ::testing::AssertionFailure() << "503 without Retry-After:\n" << result.raw;
  }
  return ::testing::AssertionSuccess();
}

// A database of its own for one test (the service's connections are the only ones in it),
// created empty; dropped at the end.
class OwnDatabase {
 public:
  OwnDatabase(TestDatabase& db, const std::string& suffix) : db_(db) {
    auto url = *service::parse_database_url(db.url());
    name_ = url.database + "_" + suffix;
    user_ = url.user;
    password_ = url.password;
    host_ = url.host;
    port_ = url.port;
    execute("DROP DATABASE IF EXISTS `" + name_ + "`");
    execute("CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  OwnDatabase(const OwnDatabase&) = delete;
  OwnDatabase& operator=(const OwnDatabase&) = delete;
  ~OwnDatabase() { execute("DROP DATABASE IF EXISTS `" + name_ + "`"); }

  const std::string& name() const { return name_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // Its URL; via_port: another port to reach the same server through (a forwarder).
  std::string url(int via_port = 0) const {
    return "mysql://" + user_ + ":" + password_ + "@" + host_ + ":" + std::to_string(via_port == 0 ? port_ : via_port) +
           "/" + name_;
  }
  std::string table(const std::string& table_name) const { return "`" + name_ + "`." + table_name; }

  // Applies the migrations with the CLI; returns an API key with content:read,content:write.
  std::string migrate_and_create_key() {
    Outcome migrated = run({"migrate"}, {{"ZUSAMMEN_DATABASE_URL", url()}});
    EXPECT_EQ(migrated.code, 0) << migrated;
    Outcome created = run({"apikey", "create", "--name", "faults", "--scopes", "content:read,content:write"},
                          {{"ZUSAMMEN_DATABASE_URL", url()}});
    EXPECT_EQ(created.code, 0) << created;
    return lines(created.out).back();
  }

  // The processlist ids of the connections to this database.
  std::set<long long> connections() {
    std::unique_ptr<::sql::Statement> statement(db_.reader().createStatement());
    std::unique_ptr<::sql::ResultSet> rows(
        statement->executeQuery("SELECT id FROM information_schema.processlist WHERE db = '" + name_ + "'"));
    std::set<long long> ids;
    while (rows->next()) ids.insert(rows->getInt64(1));
    return ids;
  }

  void execute(const std::string& sql) {
    std::unique_ptr<::sql::Statement> statement(db_.reader().createStatement());
    statement->execute(sql);
  }

 private:
  TestDatabase& db_;
  std::string name_, user_, password_, host_;
  int port_ = 0;
};

// The database only: the binary under test is the server.
class Faults : public ApiTest<Faults> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "faults", .server = false};

 protected:
  // No truncation: each case makes its own rows.
  void SetUp() override {}

  static Env serve_env(const std::string& url, Env extra = {}) {
    Env env = {{"ZUSAMMEN_DATABASE_URL", url},
               {"ZUSAMMEN_THREADS", "2"},
               {"ZUSAMMEN_DB_POOL", "2"},
               {"ZUSAMMEN_DB_CONNECT_TIMEOUT", "2"},
               {"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "500"},
               {"ZUSAMMEN_CACHE_TTL_MS", "0"},
               {"ZUSAMMEN_LOG_LEVEL", "info"}};
    for (auto& setting : extra) {
      std::erase_if(env, [&](const auto& old) { return old.first == setting.first; });
      env.push_back(setting);
    }
    return env;
  }

  static HttpResult create_company(HttpClient& client, const std::string& key, const std::string& slug) {
    return client.post("/v1/companies", {{"slug", slug}, {"name", "Firma " + slug}}, bearer(key));
  }
};

TEST_F(Faults, DatabaseAppearingAfterStartIsMigratedAndServedWithoutARestart) {
  // An empty database: the migrations at start have everything to do once it appears.
  OwnDatabase own(db(), "late");
  Forwarder forwarder(own.host(), own.port());
  ServeProcess served(serve_env(own.url(forwarder.port()), {{"ZUSAMMEN_MIGRATE_ON_START", "true"}}));
  HttpClient client(served.port());

  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(client.get("/healthz").status, 200);
    EXPECT_TRUE(IsUnavailable(client.get("/readyz")));
    EXPECT_TRUE(IsUnavailable(client.get("/v1/companies")));
  }
  EXPECT_TRUE(served.child().running());

  forwarder.open();
  auto appeared = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return client.get("/readyz").status == 200; }, 10s))
      << "not ready 10 s after the database appeared\n"
      << served.child().err();
  auto ready_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - appeared);
  EXPECT_LT(ready_after, 5s);
  RecordProperty("ready_after_ms", std::to_string(ready_after.count()));

  auto list = client.get("/v1/companies");
  EXPECT_EQ(list.status, 200) << list.raw;
  EXPECT_GT(db().count(own.table("schema_migrations")), 0);
  EXPECT_TRUE(
      eventually([&] { return contains(served.child().err(), "migrations applied; the service is ready"); }, 2s))
      << served.child().err();
}

TEST_F(Faults, CutConnectionAnswers503AndRecoversWhenRestored) {
  OwnDatabase own(db(), "cut");
  std::string key = own.migrate_and_create_key();
  Forwarder forwarder(own.host(), own.port());
  forwarder.open();
  ServeProcess served(serve_env(own.url(forwarder.port())));
  HttpClient client(served.port());
  ASSERT_EQ(client.get("/readyz").status, 200);
  ASSERT_EQ(create_company(client, key, "vorher").status, 201);

  forwarder.cut();
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(IsUnavailable(client.get("/v1/companies", bearer(key))));
    EXPECT_TRUE(IsUnavailable(create_company(client, key, "waehrend-" + std::to_string(round))));
    EXPECT_TRUE(IsUnavailable(client.get("/readyz")));
    EXPECT_EQ(client.get("/healthz").status, 200);
  }
  EXPECT_EQ(db().count(own.table("companies"), "slug LIKE 'waehrend-%'"), 0);

  forwarder.restore();
  EXPECT_TRUE(eventually([&] { return client.get("/readyz").status == 200; }, 5s)) << served.child().err();
  auto after = create_company(client, key, "nachher");
  EXPECT_EQ(after.status, 201) << after.raw;
  auto list = client.get("/v1/companies", bearer(key));
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(ids_of(list).size(), 2u);
  EXPECT_EQ(db().count(own.table("companies")), 2);
  EXPECT_TRUE(served.child().running());
  // Nothing logged at level error (a 500 would be).
  EXPECT_FALSE(contains(served.child().err(), "Z error ")) << served.child().err();
}

TEST_F(Faults, ConnectionsKilledByTheServerAreReplacedTransparently) {
  OwnDatabase own(db(), "killed");
  std::string key = own.migrate_and_create_key();
  ServeProcess served(serve_env(own.url(), {{"ZUSAMMEN_THREADS", "1"}, {"ZUSAMMEN_DB_POOL", "1"}}));
  HttpClient client(served.port());
  ASSERT_EQ(client.get("/v1/companies").status, 200);

  // What wait_timeout or a restart does to an idle connection: the server closes it.
  auto kill_all = [&] {
    auto before = own.connections();
    ASSERT_FALSE(before.empty());
    for (long long id : before) own.execute("KILL " + std::to_string(id));
    ASSERT_TRUE(eventually(
        [&] {
          auto now = own.connections();
          return std::none_of(before.begin(), before.end(), [&](long long id) { return now.contains(id); });
        },
        5s));
  };
  kill_all();
  // Keyed: an anonymous list would come from the in-memory catalogue, never asking the database.
  auto read = client.get("/v1/companies", bearer(key));
  EXPECT_EQ(read.status, 200) << read.raw << served.child().err();

  kill_all();
  auto write = create_company(client, key, "nach-kill");
  EXPECT_EQ(write.status, 201) << write.raw << served.child().err();
  EXPECT_EQ(db().count(own.table("companies"), "slug = 'nach-kill'"), 1);
}

TEST_F(Faults, StatementOverItsTimeLimitAnswers503AndTheConnectionStaysUsable) {
  OwnDatabase own(db(), "slow");
  own.migrate_and_create_key();
  ServeProcess served(serve_env(own.url(), {{"ZUSAMMEN_THREADS", "1"},
                                            {"ZUSAMMEN_DB_POOL", "1"},
                                            {"ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS", "300"},
                                            // One connection to watch: no catalogue loading on a second one.
                                            {"ZUSAMMEN_CATALOGUE_MAX_ROWS", "0"}}));
  HttpClient client(served.port());
  ASSERT_EQ(client.get("/v1/companies").status, 200);
  // The CLI's connections are gone; the service's one remains.
  ASSERT_TRUE(eventually([&] { return own.connections().size() == 1; }, 5s));
  auto connection = own.connections();

  // The reader holds the table: the service's statement waits until its time is up.
  own.execute("LOCK TABLES " + own.table("companies") + " WRITE");
  auto started = std::chrono::steady_clock::now();
  auto slow = client.get("/v1/companies");
  auto took = std::chrono::steady_clock::now() - started;
  own.execute("UNLOCK TABLES");
  EXPECT_TRUE(IsUnavailable(slow));
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
  // The log line reaches the test through a pipe and a reader thread: it may trail the answer.
  EXPECT_TRUE(eventually([&] { return contains(served.child().err(), "over its time limit"); }, 2s))
      << served.child().err();

  auto next = client.get("/v1/companies");
  EXPECT_EQ(next.status, 200) << next.raw;
  // The same pooled connection served it: not dropped, not replaced.
  EXPECT_EQ(own.connections(), connection);
}

TEST_F(Faults, AReadWhoseConnectionDiesRunsAgainButAWriteIsNeverRepeated) {
  OwnDatabase own(db(), "midway");
  std::string key = own.migrate_and_create_key();
  ServeProcess served(serve_env(own.url(), {{"ZUSAMMEN_THREADS", "1"},
                                            {"ZUSAMMEN_DB_POOL", "1"},
                                            {"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "10000"},
                                            // Only the request waits for the table: no catalogue
                                            // refresh that the test could kill instead.
                                            {"ZUSAMMEN_CATALOGUE_MAX_ROWS", "0"}}));
  HttpClient client(served.port());
  ASSERT_EQ(client.get("/v1/companies", bearer(key)).status, 200);

  // The reader holds the table; the service's statement waits for it and its connection is
  // killed while it waits (after the check before use: the statement was sent).
  auto killed_while_waiting = [&](const std::function<HttpResult()>& request) {
    own.execute("LOCK TABLES " + own.table("companies") + " WRITE");
    std::optional<HttpResult> result;
    std::thread caller([&] { result = request(); });
    std::string waiting = "SELECT id FROM information_schema.processlist WHERE db = '" + own.name() +
                          "' AND state LIKE 'Waiting for table%'";
    bool found = eventually([&] { return db().scalar(waiting) != "<none>"; }, 5s);
    if (found) own.execute("KILL " + db().scalar(waiting));
    own.execute("UNLOCK TABLES");
    caller.join();
    EXPECT_TRUE(found) << "the service's statement never waited for the table";
    return result.value_or(HttpResult{});
  };

  // Only a SELECT was sent: it runs again on a fresh connection.
  auto read = killed_while_waiting([&] { return client.get("/v1/companies", bearer(key)); });
  EXPECT_EQ(read.status, 200) << read.raw << served.child().err();

  // The INSERT was sent: the service cannot know whether it ran, and does not send it again.
  auto write = killed_while_waiting([&] { return create_company(client, key, "einmal"); });
  EXPECT_TRUE(IsUnavailable(write)) << served.child().err();
  EXPECT_EQ(db().count(own.table("companies"), "slug = 'einmal'"), 0);
  EXPECT_TRUE(eventually([&] { return contains(served.child().err(), "retrying a read on a fresh connection"); }, 2s))
      << served.child().err();

  auto again = create_company(client, key, "einmal");
  EXPECT_EQ(again.status, 201) << again.raw;
}

// The database commits a create, but its reply to COMMIT never reaches the service (a restart, a
// network cut, the process killed after COMMIT): the service cannot know from the connection
// whether the write happened. Under an Idempotency-Key it need not guess: the key committed in the
// same transaction, naming the row it created, so the request itself, and any retry, answers 201
// with that row: the same id and Location, written once.
TEST_F(Faults, ACreateWhoseCommitReplyIsLostIsAnsweredExactlyUnderItsIdempotencyKey) {
  OwnDatabase own(db(), "commit");
  std::string key = own.migrate_and_create_key();
  Forwarder forwarder(own.host(), own.port());
  forwarder.open();
  // No catalogue: its refreshes would be the only other traffic on the pool.
  ServeProcess served(serve_env(own.url(forwarder.port()), {{"ZUSAMMEN_CATALOGUE_MAX_ROWS", "0"}}));
  HttpClient client(served.port());
  ASSERT_EQ(client.get("/readyz").status, 200);
  HttpResult before = create_company(client, key, "vorher");
  ASSERT_EQ(before.status, 201) << before.raw;

  Headers headers = with(bearer(key), "Idempotency-Key", "einmal-anlegen");
  nlohmann::json body = {{"slug", "einmal"}, {"name", "Firma einmal"}};
  forwarder.drop_next_commit_reply();
  auto first = client.post("/v1/companies", body, headers);
  ASSERT_EQ(forwarder.commit_replies_dropped(), 1) << "no COMMIT went through the forwarder";
  EXPECT_EQ(db().count(own.table("companies"), "slug = 'einmal'"), 1) << "the database did not commit";
  EXPECT_EQ(first.status, 201) << first.raw << served.child().err();
  EXPECT_EQ(first.header("idempotent-replayed").value_or(""), "true");

  auto retry = client.post("/v1/companies", body, headers);
  EXPECT_EQ(retry.status, 201) << retry.raw;
  EXPECT_EQ(retry.header("idempotent-replayed").value_or(""), "true");
  ASSERT_TRUE(first.json().contains("id"));
  EXPECT_EQ(retry.json()["id"], first.json()["id"]);
  EXPECT_EQ(retry.header("location"), first.header("location"));
  EXPECT_EQ(retry.header("location").value_or(""),
            "/v1/companies/" + std::to_string(first.json()["id"].get<long long>()));
  EXPECT_EQ(db().count(own.table("companies"), "slug = 'einmal'"), 1);
}

}  // namespace
}  // namespace zusammen::testing
