// The graceful stop of the real binary under a request that is in flight: on SIGTERM
// /readyz turns 503 at once while connections are still accepted, then the listener
// closes (new connections are refused), the blocked request still gets its real answer
// and its write commits, a keep-alive connection is closed after its next response,
// and the process exits 0. A request stuck past ZUSAMMEN_SHUTDOWN_TIMEOUT_MS does not
// hold the process: it exits 1.
#include <arpa/inet.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "../support/child_process.h"
#include "service/api_keys.h"

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connection of our own, to see refusals and keep-alive behaviour that HttpClient hides.
class Connection {
 public:
  // Connects to 127.0.0.1:port; connected() is false when the connection was refused.
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    error_ = connected_ ? 0 : errno;
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }
  int error() const { return error_; }

  bool send(const std::string& target) {
    std::string bytes = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // The next response, once complete; nullopt when it is not within timeout or the server closed.
  std::optional<HttpResult> receive(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      std::size_t used = 0;
      if (auto result = parse_response(raw_, &used)) {
        raw_.erase(0, used);
        return result;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count()))) <= 0) return {};
      char buffer[8192];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return {};
      raw_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  // True when the server closes the connection within timeout (and sends nothing more).
  bool closed_by_server(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char byte = 0;
    return ::recv(fd_, &byte, 1, 0) <= 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  int error_ = 0;
  std::string raw_;
};

// Pistache hands each connection to one HTTP thread for good, and a request that blocks in
// the database holds its thread: a connection that landed there waits behind it. So probes
// go out over a few fresh connections at once (spread over the threads), and the first
// answer counts; nullopt when none answers within timeout.
std::optional<HttpResult> first_answer(int port, const std::string& target, std::chrono::milliseconds timeout) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < 4; ++i) {
    auto connection = std::make_unique<Connection>(port);
    if (connection->connected() && connection->send(target)) connections.push_back(std::move(connection));
  }
  auto deadline = Clock::now() + timeout;
  while (!connections.empty() && Clock::now() < deadline) {
    for (auto& connection : connections) {
      if (auto result = connection->receive(0ms)) return result;
    }
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

// The database only: the binary under test is the server.
class Shutdown : public ApiTest<Shutdown> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "shutdown", .server = false};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto created = service::ApiKeyService(database_->pool()).create("shutdown", {"content:write"});
    ASSERT_TRUE(created.ok());
    key_ = created->secret;
  }
  void TearDown() override {
    if (locked_) release();  // a failed test must not leave the row locked
  }

  static Env env(int grace_ms, int timeout_ms) {
    return {{"ZUSAMMEN_DATABASE_URL", database_->url()},
            {"ZUSAMMEN_THREADS", "2"},
            {"ZUSAMMEN_SHUTDOWN_GRACE_MS", std::to_string(grace_ms)},
            {"ZUSAMMEN_SHUTDOWN_TIMEOUT_MS", std::to_string(timeout_ms)}};
  }

  long long create_company(int port, const std::string& slug) {
    return testing::create_company(HttpClient(port), bearer(key_), slug, "Vorher AG");
  }

  // Takes the row lock of the company on the test's own connection, so that a write to it
  // blocks inside the service until release().
  void lock(long long id) {
    locked_ = true;
    database_->reader().setAutoCommit(false);
    std::unique_ptr<::sql::Statement> statement(database_->reader().createStatement());
    std::unique_ptr<::sql::ResultSet> rows(
        statement->executeQuery("SELECT id FROM companies WHERE id = " + std::to_string(id) + " FOR UPDATE"));
  }
  void release() {
    locked_ = false;
    database_->reader().commit();
    database_->reader().setAutoCommit(true);
  }

  // Waits until the service's UPDATE of companies runs (and so waits for the lock held here).
  static bool a_write_waits_for_the_lock(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      // The service connects as the same user, so its statements are in our process list.
      if (database_->scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE command = 'Query' AND "
                            "info LIKE 'UPDATE companies %' AND db = DATABASE()") != "0") {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::string key_;
  bool locked_ = false;
};

TEST_F(Shutdown, DrainsTheRequestInFlightRefusesNewConnectionsAndExitsZero) {
  ServeProcess served(env(1500, 20000));
  int port = served.port();
  long long id = create_company(port, "vorher");

  // Keep-alive connections, used once before the signal and once while draining (two, so
  // that one is served by a thread the blocked request does not hold).
  std::vector<std::unique_ptr<Connection>> keep_alive;
  for (int i = 0; i < 2; ++i) {
    keep_alive.push_back(std::make_unique<Connection>(port));
    ASSERT_TRUE(keep_alive.back()->connected());
    ASSERT_TRUE(keep_alive.back()->send("/healthz"));
    auto first = keep_alive.back()->receive(10s);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    EXPECT_EQ(lower(first->header("connection").value_or("")), "keep-alive");
  }

  lock(id);
  auto patched = std::async(std::launch::async, [&] {
    return HttpClient(port).patch("/v1/companies/" + std::to_string(id), {{"name", "Nachher AG"}}, bearer(key_));
  });
  ASSERT_TRUE(a_write_waits_for_the_lock(10s)) << served.child().err();

  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  auto signalled = Clock::now();
  // Not ready at once, while connections are still accepted.
  int readiness = 0;
  while (Clock::now() < signalled + 1s) {
    auto ready = first_answer(port, "/readyz", 1s);
    readiness = ready ? ready->status : 0;
    if (readiness == 503) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(readiness, 503);
  EXPECT_LT(Clock::now() - signalled, 1500ms) << "the grace period was over before /readyz turned 503";

  // After the grace period, new connections are refused; the PATCH is still waiting.
  bool refused = false;
  int error = 0;
  while (!refused && Clock::now() < signalled + 10s) {
    Connection probe(port);
    refused = !probe.connected();
    error = probe.error();
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(refused) << "still accepting connections 10 s after SIGTERM";
  EXPECT_EQ(error, ECONNREFUSED);
  EXPECT_GE(Clock::now() - signalled, 1500ms) << "the listener closed before the grace period ended";
  EXPECT_EQ(patched.wait_for(0s), std::future_status::timeout);
  EXPECT_TRUE(served.child().running());

  // An open keep-alive connection is still served, and closed after that response.
  for (auto& connection : keep_alive) ASSERT_TRUE(connection->send("/healthz"));
  std::optional<HttpResult> second;
  auto deadline = Clock::now() + 5s;
  std::size_t served_by = 0;
  while (!second && Clock::now() < deadline) {
    for (served_by = 0; served_by < keep_alive.size() && !second; ++served_by)
      second = keep_alive[served_by]->receive(5ms);
  }
  ASSERT_TRUE(second) << "no open keep-alive connection was answered while draining";
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(lower(second->header("connection").value_or("")), "close");
  EXPECT_TRUE(keep_alive[served_by - 1]->closed_by_server(5s));

  // The request in flight completes with its real answer, and its write is committed.
  release();
  auto res = patched.get();
  EXPECT_EQ(res.status, 200) << res.raw;
  EXPECT_EQ(res.json()["name"], "Nachher AG") << res.body;
  EXPECT_EQ(database_->scalar("SELECT name FROM companies WHERE id = " + std::to_string(id)), "Nachher AG");

  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after the last request ended\n" << served.child().err();
  EXPECT_EQ(*code, 0) << served.child().err();
  EXPECT_TRUE(contains(served.child().err(), "stopped")) << served.child().err();
}

TEST_F(Shutdown, ARequestStuckPastTheTimeoutDoesNotHoldTheProcess) {
  ServeProcess served(env(0, 300));
  int port = served.port();
  long long id = create_company(port, "haengt");
  lock(id);
  auto patched = std::async(std::launch::async, [&] {
    try {
      return HttpClient(port).patch("/v1/companies/" + std::to_string(id), {{"name", "Nie"}}, bearer(key_)).status;
    } catch (const std::exception&) {
      return 0;  // the connection ended without an answer
    }
  });
  ASSERT_TRUE(a_write_waits_for_the_lock(10s));

  auto signalled = Clock::now();
  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << "a stuck request held the process";
  EXPECT_EQ(*code, 1) << served.child().err();
  EXPECT_LT(Clock::now() - signalled, 5s);
  EXPECT_TRUE(contains(served.child().err(), "still in flight")) << served.child().err();
  EXPECT_EQ(patched.get(), 0);
  release();
  EXPECT_EQ(database_->scalar("SELECT name FROM companies WHERE id = " + std::to_string(id)), "Vorher AG");
}

TEST_F(Shutdown, WithNothingInFlightItStopsRightAfterTheGracePeriod) {
  ServeProcess served(env(200, 20000));
  ASSERT_EQ(HttpClient(served.port()).get("/healthz").status, 200);
  auto signalled = Clock::now();
  ASSERT_EQ(::kill(served.child().pid(), SIGTERM), 0);
  auto code = served.child().wait_for_exit(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << served.child().err();
  EXPECT_GE(Clock::now() - signalled, 200ms);
  EXPECT_LT(Clock::now() - signalled, 5s);
}

}  // namespace
}  // namespace zusammen::testing
