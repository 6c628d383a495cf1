// Hostile clients against the real binary (`zusammen serve` as a child process), over raw
// sockets: size limits, slow and silent clients, malformed request lines and headers, Expect,
// deep JSON and broken UTF-8, unknown methods, and clients that vanish mid-exchange. After each
// case a normal request is still answered and the process is still running.
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "../support/child_process.h"
#include "../support/raw_connection.h"
#include "service/encoding.h"

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kHeaderTimeoutSeconds = 2;
constexpr int kBodyTimeoutSeconds = 3;

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

struct Exchange {
  std::optional<HttpResult> response;
  bool closed = false;
};

// The database of the suite; the server is the real binary (serve_), one for all cases.
class Abuse : public ApiTest<Abuse> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "abuse", .server = false};

  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    Env env = {{"ZUSAMMEN_DATABASE_URL", database_->url()},
               {"ZUSAMMEN_THREADS", "2"},
               {"ZUSAMMEN_HEADER_TIMEOUT", std::to_string(kHeaderTimeoutSeconds)},
               {"ZUSAMMEN_BODY_TIMEOUT", std::to_string(kBodyTimeoutSeconds)},
               {"ZUSAMMEN_KEEPALIVE_TIMEOUT", "3"},
               {"ZUSAMMEN_CACHE_TTL_MS", "0"},
               {"ZUSAMMEN_LOG_LEVEL", "warn"}};
    Outcome created = run({"apikey", "create", "--name", "abuse", "--scopes", "content:read,content:write"}, env);
    ASSERT_EQ(created.code, 0) << created;
    auto output = lines(created.out);
    ASSERT_FALSE(output.empty());
    key_ = output.back();
    serve_ = std::make_unique<ServeProcess>(env);
  }
  static void TearDownTestSuite() {
    serve_.reset();
    ApiTest::TearDownTestSuite();
  }

 protected:
  // The API key stays; what a case wrote goes.
  void SetUp() override { execute("DELETE FROM companies"); }

  void TearDown() override {
    // Whatever the case did, the process lives on and answers a normal request at once.
    ASSERT_TRUE(serve_->child().running()) << "the server died:\n" << serve_->child().err();
    auto started = Clock::now();
    auto health = client().get("/healthz");
    EXPECT_EQ(health.status, 200) << health.raw;
    EXPECT_LT(elapsed_ms(started), 2000);
  }

  static HttpClient client() { return HttpClient(serve_->port()); }
  static int port() { return serve_->port(); }

  // A POST /v1/companies head (with the key) whose body is `body`, with extra header lines.
  static std::string post_company(const std::string& body, const std::string& extra = "") {
    return "POST /v1/companies HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + key_ +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
           "\r\n" + body;
  }

  // Sends bytes on a new connection: the response, if any, and whether the server then closed.
  static Exchange exchange(const std::string& bytes, int timeout_ms = 3000) {
    Connection connection(port());
    connection.send(bytes);
    Exchange out;
    out.response = connection.read_response(timeout_ms);
    out.closed = connection.closed_by_server(timeout_ms);
    return out;
  }

  static inline std::unique_ptr<ServeProcess> serve_;
  static inline std::string key_;
};

// A refused request: this problem, and the connection closed after it.
::testing::AssertionResult Refused(const Exchange& exchange, int status) {
  if (!exchange.response) return ::testing::AssertionFailure() << "no response";
  auto problem = IsProblem(*exchange.response, status);
  if (!problem) return problem << "\n" << exchange.response->raw.substr(0, 400);
  if (exchange.response->header("connection").value_or("") != "Close" &&
      exchange.response->header("connection").value_or("") != "close") {
    return ::testing::AssertionFailure() << "no Connection: close on a refusal";
  }
  if (!exchange.closed) return ::testing::AssertionFailure() << "the connection stayed open after a refusal";
  return ::testing::AssertionSuccess();
}

// --- sizes --------------------------------------------------------------------------------

TEST_F(Abuse, AContentLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  Connection connection(port());
  auto started = Clock::now();
  connection.send("POST /v1/companies HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + key_ +
                  "\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n");
  auto response = connection.read_response(3000);
  ASSERT_TRUE(response.has_value()) << "no answer without the body";
  EXPECT_TRUE(IsProblem(*response, 413));
  EXPECT_LT(elapsed_ms(started), 1000);
  EXPECT_TRUE(connection.closed_by_server());
  // Far over any buffer: still our problem, not Pistache's plain text.
  EXPECT_TRUE(Refused(exchange("POST /v1/companies HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999\r\n\r\n"), 413));
}

TEST_F(Abuse, ABodyOverTheLimitSentWholeIs413) {
  std::string body = "{\"slug\":\"gross\",\"name\":\"" + std::string(2 * 1024 * 1024, 'a') + "\"}";
  auto response = client().request("POST", "/v1/companies", body, bearer(key_));
  EXPECT_TRUE(IsProblem(response, 413)) << response.raw.substr(0, 300);
  EXPECT_EQ(db().count("companies"), 0);
}

TEST_F(Abuse, AHugeRequestLineIs414AndHugeHeadersAre431) {
  EXPECT_TRUE(Refused(exchange("GET /healthz?" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n"), 414));
  // No line end at all: refused as soon as the line is too long, not at the timeout.
  EXPECT_TRUE(Refused(exchange("GET /" + std::string(100000, 'a')), 414));

  std::string many = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 150; ++i) many += "X-Header-" + std::to_string(i) + ": v\r\n";
  EXPECT_TRUE(Refused(exchange(many + "\r\n"), 431));
  EXPECT_TRUE(
      Refused(exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(9000, 'b') + "\r\n\r\n"), 431));
  std::string large = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 6; ++i) large += "X-Part-" + std::to_string(i) + ": " + std::string(7000, 'p') + "\r\n";
  EXPECT_TRUE(Refused(exchange(large + "\r\n"), 431));
  // Within the limits: served.
  std::string fine = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  for (int i = 0; i < 90; ++i) fine += "X-Header-" + std::to_string(i) + ": v\r\n";
  auto served = exchange(fine + "\r\n");
  ASSERT_TRUE(served.response.has_value());
  EXPECT_EQ(served.response->status, 200);
}

// --- slow and silent clients --------------------------------------------------------------

// Pistache checks every 500 ms and answers an unfinished request with a bare 408 (no body) before
// closing; an idle connection is closed without a word.
TEST_F(Abuse, SlowAndSilentClientsAreCutOffAndCostNoThread) {
  constexpr int kSlowClients = 12;  // six times the two HTTP threads
  std::vector<std::unique_ptr<Connection>> silent;
  std::vector<std::unique_ptr<Connection>> trickling;
  std::vector<std::unique_ptr<Connection>> slow_body;
  for (int i = 0; i < kSlowClients; ++i) {
    silent.push_back(std::make_unique<Connection>(port()));
    trickling.push_back(std::make_unique<Connection>(port()));
    trickling.back()->send("GET /healthz HTTP/1.1\r\n");
    slow_body.push_back(std::make_unique<Connection>(port()));
    std::string body = "{\"slug\":\"langsam\",\"name\":\"Langsam\"}";
    slow_body.back()->send(post_company(body).substr(0, post_company(body).size() - body.size() + 5));
  }
  auto started = Clock::now();
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    // One header byte every 200 ms on every trickling connection: never a complete head.
    while (!stop) {
      for (auto& c : trickling) c->send("X");
      std::this_thread::sleep_for(200ms);
    }
  });
  // Meanwhile everyone else is served promptly.
  for (int i = 0; i < 10; ++i) {
    auto before = Clock::now();
    auto health = client().get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_LT(elapsed_ms(before), 1000) << "a normal request waited behind slow clients";
  }
  auto limit = (kBodyTimeoutSeconds + 2) * 1000;
  for (auto& c : silent) EXPECT_TRUE(c->closed_by_server(limit)) << "a silent client was never cut off";
  for (auto& c : trickling) EXPECT_TRUE(c->closed_by_server(limit)) << "a trickling client was never cut off";
  for (auto& c : slow_body) EXPECT_TRUE(c->closed_by_server(limit)) << "a slow body was never cut off";
  stop = true;
  trickler.join();
  EXPECT_LT(elapsed_ms(started), limit + 1000);
  EXPECT_GE(elapsed_ms(started), kHeaderTimeoutSeconds * 1000 - 100) << "cut off before the timeout";
  // A trickling client got the bare 408 before the close.
  auto answer = parse_response(trickling.front()->pending());
  ASSERT_TRUE(answer.has_value()) << trickling.front()->pending();
  EXPECT_EQ(answer->status, 408);
  EXPECT_EQ(db().count("companies"), 0);
}

TEST_F(Abuse, AnIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout) {
  Connection connection(port());
  connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  auto started = Clock::now();
  EXPECT_TRUE(connection.closed_by_server(6000));
  EXPECT_LT(elapsed_ms(started), 4500);
}

// --- malformed requests -------------------------------------------------------------------

TEST_F(Abuse, MalformedRequestLinesAndHeadersAreRefusedWithAProblem) {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  struct Case {
    std::string bytes;
    int status;
  };
  const std::vector<Case> cases = {
      {get + "Content-Length: -1\r\n\r\n", 400},
      {get + "Content-Length: 1e3\r\n\r\n", 400},
      {get + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", 400},
      {get + "Content-Length: 5, 6\r\n\r\nabcdef", 400},
      {get + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {get + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411},
      {get + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
      {"GET /healthz HTTP/1.1\nHost: t\n\n", 400},
      {"GET /healthz HTTP/1.1\r\nHost: t\nX: y\r\n\r\n", 400},
      {get + "X-Nul: a" + std::string(1, '\0') + "b\r\n\r\n", 400},
      {std::string("GET /heal\0thz HTTP/1.1\r\nHost: t\r\n\r\n", 35), 400},
      {"GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n", 400},
      {"GET /healthz HTTP/1.1x\r\nHost: t\r\n\r\n", 400},
      {"GET /healthz\r\nHost: t\r\n\r\n", 400},
      {"GET  /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET http://example.com/healthz HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 400},
      {get + "X-Folded: a\r\n continued\r\n\r\n", 400},
      {get + "Bad Name: x\r\n\r\n", 400},
      {get + "no colon\r\n\r\n", 400},
      {"\r\n\r\n", 400},
      {"GET /healthz HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", 400},
      {"GET /h\xc3\xa4lthz HTTP/1.1\r\nHost: t\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(Refused(exchange(c.bytes), c.status)) << "for: " << c.bytes.substr(0, 80);
  }
}

// Pistache parses these headers into typed values and throws on garbage: a 400, or a 415 for a
// media type (Content-Type, Accept) it cannot read.
TEST_F(Abuse, GarbageInHeadersPistacheParsesIsA4xxNeverA500) {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  for (std::string header : {"Date: yesterday-ish", "Accept: ;;;,,==", "Content-Type: /",
                             "Content-Length: ", "Accept-Encoding: \xff\xfe", "Host: a b c", "Connection: \x01"}) {
    auto result = exchange(get + header + "\r\n\r\n");
    ASSERT_TRUE(result.response.has_value()) << header;
    int status = result.response->status;
    EXPECT_TRUE(status == 200 || status == 400 || status == 415) << header << ": " << result.response->raw;
    if (status != 200) {
      EXPECT_TRUE(Refused(result, status)) << header;
    }
  }
  EXPECT_TRUE(Refused(exchange(get + "Date: yesterday-ish\r\n\r\n"), 400));
  EXPECT_TRUE(Refused(exchange(get + "Accept: ;;;,,==\r\n\r\n"), 415));
  // A garbage Content-Type on a body: unreadable (400), or readable but not JSON (the operation's 415).
  auto response = client().request("POST", "/v1/companies", "{}",
                                   {{"Authorization", "Bearer " + key_}, {"Content-Type", "x/y/z;;="}});
  EXPECT_TRUE(response.status == 415 || response.status == 400) << response.raw;
}

// --- Expect: 100-continue -----------------------------------------------------------------

TEST_F(Abuse, Expect100ContinueIsAnsweredBeforeTheBody) {
  std::string body = "{\"slug\":\"vorab\",\"name\":\"Vorab\"}";
  std::string request = post_company(body, "Expect: 100-continue\r\n");
  Connection connection(port());
  connection.send(request.substr(0, request.size() - body.size()));
  const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
  ASSERT_TRUE(connection.wait_for_bytes(continue_line.size(), 2000)) << connection.pending();
  EXPECT_EQ(connection.pending().substr(0, continue_line.size()), continue_line);
  connection.send(body);
  auto interim = connection.read_response();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  auto response = connection.read_response();
  ASSERT_TRUE(response.has_value()) << connection.pending();
  EXPECT_EQ(response->status, 201) << response->raw;
  EXPECT_EQ(db().count("companies"), 1);

  // Too large: the final 413 instead of the 100, the body never read.
  Connection large(port());
  large.send(
      "POST /v1/companies HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
  auto refused = large.read_response(2000);
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(IsProblem(*refused, 413));
  // An expectation we cannot meet.
  EXPECT_TRUE(Refused(exchange(post_company(body, "Expect: the-unexpected\r\n")), 417));
  EXPECT_EQ(db().count("companies"), 1);
}

// --- bodies, queries and paths ------------------------------------------------------------

TEST_F(Abuse, DeepJsonAndBrokenUtf8Are400) {
  for (const std::string& body : {std::string(1024 * 1024, '['),
                                  [] {
                                    std::string nested;
                                    while (nested.size() < 1000000) nested += "{\"a\":";
                                    return nested;
                                  }(),
                                  std::string("{\"slug\":\"kaputt\",\"name\":\"M\xfcnchen\"}"),
                                  std::string("{\"slug\":\"kaputt\",\"name\":\"\xc3\"}"),
                                  std::string("{\"slug\":\"kaputt\",\"name\":\"\xed\xa0\x80\"}")}) {
    auto response = client().request("POST", "/v1/companies", body, bearer(key_));
    EXPECT_TRUE(IsProblem(response, 400)) << body.substr(0, 40) << ": " << response.raw.substr(0, 300);
  }
  EXPECT_EQ(db().count("companies"), 0);
}

TEST_F(Abuse, BrokenUtf8InQueriesAndPathsIs400) {
  for (const char* target : {"/v1/companies?q=M%FCnchen", "/v1/companies?q=%C3", "/v1/companies?%FF=1",
                             "/v1/companies?q=%ED%A0%80", "/v1/companies/%FF", "/v1/initiatives?q=%C3%28"}) {
    auto response = client().get(target);
    EXPECT_TRUE(IsProblem(response, 400)) << target << ": " << response.raw.substr(0, 300);
  }
  // A cursor carries the last sort value to the database: forged with a byte that is not UTF-8.
  std::string forged = service::base64url_encode(std::string("1\nname\n5\nM\xfcnchen"));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies?sort=name&cursor=" + forged), 400));
  EXPECT_TRUE(Refused(exchange("GET /v1/companies?q=M\xfcnchen HTTP/1.1\r\nHost: t\r\n\r\n"), 400));
  EXPECT_TRUE(Refused(exchange("GET /v1/\xff\xfe HTTP/1.1\r\nHost: t\r\n\r\n"), 400));
  // Decoded UTF-8 is searched for as such.
  ASSERT_EQ(client().post("/v1/companies", {{"slug", "muenchner"}, {"name", "Münchner Werke"}}, bearer(key_)).status,
            201);
  auto found = client().get("/v1/companies?q=M%C3%BCnchner+Werke");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json().at("items").size(), 1u);
}

// --- methods ------------------------------------------------------------------------------

TEST_F(Abuse, UnknownMethodsAre501AndKnownOnesTheRoutersAre405) {
  for (const char* method : {"PROPFIND", "BREW", "get", "MKCOL", "PURGE"}) {
    EXPECT_TRUE(Refused(exchange(std::string(method) + " /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 501)) << method;
  }
  for (const char* method : {"TRACE", "CONNECT", "PUT"}) {
    auto response = client().request(method, "/v1/companies");
    EXPECT_TRUE(IsProblem(response, 405)) << method << ": " << response.raw;
    std::string allow = response.header("allow").value_or("");
    EXPECT_TRUE(contains(allow, "GET") && contains(allow, "POST")) << method << ": " << allow;
  }
}

// --- clients that go away -----------------------------------------------------------------

TEST_F(Abuse, ClientsThatResetMidResponseDoNotHurtTheServer) {
  // A response far larger than the socket buffers, its reader gone: writes fail with EPIPE/ECONNRESET.
  for (int i = 0; i < 20; ++i) {
    Connection connection(port());
    connection.send("GET /openapi.yaml HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(connection.wait_for_bytes(1, 3000));
    connection.reset();
  }
  for (int i = 0; i < 20; ++i) {
    Connection connection(port());
    connection.send(
        "GET /v1/companies?limit=100 HTTP/1.1\r\nHost: t\r\n\r\nGET /openapi.yaml HTTP/1.1\r\nHost: t\r\n\r\n");
    connection.reset();
  }
}

TEST_F(Abuse, AClientThatLeavesMidRequestWritesNothingAndOneThatLeavesAfterSendingWritesOnce) {
  std::string body = "{\"slug\":\"halb\",\"name\":\"Halb\"}";
  {
    Connection connection(port());
    std::string request = post_company(body);
    connection.send(request.substr(0, request.size() - 5));
  }
  {
    // Sent whole, then gone (closed) before the answer: the request is carried out all the same.
    Connection connection(port());
    connection.send(post_company("{\"slug\":\"ganz\",\"name\":\"Ganz\"}"));
  }
  auto deadline = Clock::now() + 5s;
  while (db().count("companies") < 1 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(db().count("companies", "slug = 'ganz'"), 1);
  // The half request can no longer complete: its connection is gone. A write after it is the only other one.
  ASSERT_EQ(client().post("/v1/companies", {{"slug", "danach"}, {"name", "Danach"}}, bearer(key_)).status, 201);
  EXPECT_EQ(db().count("companies"), 2);
  EXPECT_EQ(db().count("companies", "slug = 'halb'"), 0);
}

// Pipelined requests on one connection are answered in order; a bad one in the middle ends the
// connection after its refusal, so nothing after it is read as a request (no smuggling).
TEST_F(Abuse, ARefusedRequestEndsThePipeline) {
  Connection connection(port());
  connection.send(
      "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\n"
      "GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto first = connection.read_response();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  auto second = connection.read_response();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(IsProblem(*second, 400));
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_FALSE(parse_response(connection.pending()).has_value()) << connection.pending();
}

}  // namespace
}  // namespace zusammen::testing
