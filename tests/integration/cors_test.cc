// CORS end to end (api/cors.h): allow-listed origins get their origin back on every
// answer (errors, 304s, answers given before routing), `*` serves anonymous reads
// only, foreign origins get nothing, preflights name the route's methods and the
// headers the API reads, and the anonymous response cache never hands one origin's
// headers to another.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

const std::string kPartner = "https://partner.example";
const std::string kOther = "http://localhost:3000";
const std::string kForeign = "https://evil.example";

Headers from(const std::string& origin, Headers headers = {}) {
  headers["Origin"] = origin;
  return headers;
}

Headers preflight(const std::string& origin, const std::string& method, const std::string& headers = "") {
  Headers out = {{"Origin", origin}, {"Access-Control-Request-Method", method}};
  if (!headers.empty()) out["Access-Control-Request-Headers"] = headers;
  return out;
}

bool has_cors_headers(const HttpResult& result) {
  for (const auto& [name, value] : result.headers) {
    if (name.rfind("access-control-", 0) == 0) return true;
  }
  return false;
}

class CorsTest : public ApiTest<CorsTest> {
 public:
  // A server per test, with that test's origins.
  static constexpr SuiteSettings kSuite = {.database = "cors", .server = false};

 protected:
  TestServer& serve(const std::string& origins, std::chrono::milliseconds cache_ttl = {}) {
    api::AppOptions options;
    options.cors_origins = origins;
    options.cache_ttl = cache_ttl;
    served_ = std::make_unique<TestServer>(*database_, 2, options);
    return *served_;
  }

  long long company(const std::string& slug) {
    return create_company(served_->client(), bearer(served_->key({"content:write"})), slug, slug);
  }

  std::unique_ptr<TestServer> served_;
};

TEST_F(CorsTest, AnAllowedOriginGetsItselfBackWithVaryAndTheExposedHeaders) {
  auto client = serve(kPartner + ", " + kOther).client();
  long long id = company("bahn");
  auto read = client.get("/v1/companies/" + std::to_string(id), from(kPartner));
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.header("access-control-allow-origin"), kPartner);
  // One Vary header naming what the representation depends on.
  EXPECT_EQ(read.header_items("vary"), (std::set<std::string>{"Authorization", "Origin"}));
  EXPECT_EQ(read.header_items("access-control-expose-headers"),
            (std::set<std::string>{"Content-Location", "ETag", "Link", "Location", "Retry-After", "RateLimit-Limit",
                                   "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "X-Request-Id"}));
  // Keys travel in Authorization, never as cookies: no credentials mode.
  EXPECT_FALSE(read.header("access-control-allow-credentials"));

  // An allow-listed origin may send a key.
  auto keyed = client.get("/v1/companies", from(kOther, bearer(served_->key({"content:read"}))));
  EXPECT_EQ(keyed.status, 200);
  EXPECT_EQ(keyed.header("access-control-allow-origin"), kOther);
  EXPECT_FALSE(keyed.header("access-control-allow-credentials"));
}

TEST_F(CorsTest, ErrorsAnd304sCarryTheHeadersToo) {
  auto client = serve(kPartner).client();
  auto missing = client.get("/v1/companies/999999", from(kPartner));
  EXPECT_TRUE(IsProblem(missing, 404));
  EXPECT_EQ(missing.header("access-control-allow-origin"), kPartner);
  auto unauthorized = client.post("/v1/companies", {{"slug", "x"}, {"name", "X"}}, from(kPartner));
  EXPECT_TRUE(IsProblem(unauthorized, 401));
  EXPECT_EQ(unauthorized.header("access-control-allow-origin"), kPartner);

  auto list = client.get("/v1/companies", from(kPartner));
  auto unchanged = client.get("/v1/companies", from(kPartner, {{"If-None-Match", list.header("etag").value_or("")}}));
  ASSERT_EQ(unchanged.status, 304);
  EXPECT_EQ(unchanged.header("access-control-allow-origin"), kPartner);
  EXPECT_TRUE(unchanged.header_items("vary").count("Origin"));

  // Answers given before routing: a query string that cannot be decoded, a body too large.
  auto malformed = client.get("/v1/companies?q=%zz", from(kPartner));
  EXPECT_TRUE(IsProblem(malformed, 400));
  EXPECT_EQ(malformed.header("access-control-allow-origin"), kPartner);
  auto large = client.request("POST", "/v1/companies", std::string(1024 * 1024 + 1, 'a'),
                              from(kPartner, {{"Content-Type", "application/json"}}));
  EXPECT_TRUE(IsProblem(large, 413));
  EXPECT_EQ(large.header("access-control-allow-origin"), kPartner);
}

TEST_F(CorsTest, AForeignOriginGetsNoCorsHeaders) {
  auto client = serve(kPartner).client();
  auto read = client.get("/v1/companies", from(kForeign));
  EXPECT_EQ(read.status, 200);  // the server answers; the browser withholds it from the page
  EXPECT_FALSE(has_cors_headers(read)) << read.raw;
  EXPECT_TRUE(read.header_items("vary").count("Origin"));
  // Origins match exactly: no prefixes, no other scheme or port.
  for (const char* near :
       {"https://partner.example.evil.example", "http://partner.example", "https://partner.example:8443", "null"}) {
    EXPECT_FALSE(has_cors_headers(client.get("/v1/companies", from(near)))) << near;
  }
  // Without an Origin (not a browser's cross-origin call) nothing but Vary.
  auto plain = client.get("/v1/companies");
  EXPECT_FALSE(has_cors_headers(plain));
  EXPECT_TRUE(plain.header_items("vary").count("Origin"));
}

TEST_F(CorsTest, AStarServesAnonymousCallsFromAnyOriginButNeverWithCredentials) {
  auto& server = serve("*, " + kPartner);
  auto client = server.client();
  auto anonymous = client.get("/v1/companies", from(kForeign));
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.header("access-control-allow-origin"), "*");
  EXPECT_TRUE(anonymous.header("access-control-expose-headers"));
  EXPECT_FALSE(anonymous.header("access-control-allow-credentials"));

  auto key = bearer(server.key({"content:read"}));
  auto keyed = client.get("/v1/companies", from(kForeign, key));
  EXPECT_EQ(keyed.status, 200);
  EXPECT_FALSE(has_cors_headers(keyed)) << keyed.raw;
  // A listed origin keeps its own answer, keyed or not.
  EXPECT_EQ(client.get("/v1/companies", from(kPartner, key)).header("access-control-allow-origin"), kPartner);
  EXPECT_EQ(client.get("/v1/companies", from(kPartner)).header("access-control-allow-origin"), kPartner);
}

TEST_F(CorsTest, APreflightFromAnAllowedOriginNamesTheRoutesMethodsAndTheApisHeaders) {
  auto client = serve(kPartner).client();
  auto answer = client.request("OPTIONS", "/v1/companies/1", "",
                               preflight(kPartner, "PATCH", "authorization, content-type, if-match"));
  ASSERT_EQ(answer.status, 204) << answer.raw;
  EXPECT_TRUE(answer.body.empty());
  EXPECT_EQ(answer.header("access-control-allow-origin"), kPartner);
  auto methods = answer.header_items("access-control-allow-methods");
  for (const char* method : {"GET", "PATCH", "DELETE"}) EXPECT_TRUE(methods.count(method)) << method;
  EXPECT_FALSE(methods.count("POST"));  // /v1/companies/{id} has no POST
  EXPECT_EQ(answer.header_items("access-control-allow-headers"),
            (std::set<std::string>{"Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key",
                                   "X-Request-Id"}));
  EXPECT_EQ(answer.header("access-control-max-age"), "600");
  EXPECT_TRUE(answer.header("allow"));
  EXPECT_FALSE(answer.header("access-control-allow-credentials"));

  auto collection = client.request("OPTIONS", "/v1/companies", "", preflight(kPartner, "POST"));
  EXPECT_TRUE(collection.header_items("access-control-allow-methods").count("POST"));
}

TEST_F(CorsTest, APreflightNeverAllowsAHeaderTheApiDoesNotRead) {
  auto client = serve(kPartner).client();
  auto answer = client.request("OPTIONS", "/v1/companies", "", preflight(kPartner, "GET", "x-secret, content-type"));
  ASSERT_EQ(answer.status, 204);
  auto headers = answer.header_items("access-control-allow-headers");
  EXPECT_TRUE(headers.count("Content-Type"));
  for (const auto& header : headers) EXPECT_NE(lower(header), "x-secret");
}

TEST_F(CorsTest, APreflightFromAForeignOriginIsAPlainOptionsAnswer) {
  auto client = serve(kPartner).client();
  auto answer = client.request("OPTIONS", "/v1/companies", "", preflight(kForeign, "POST", "authorization"));
  EXPECT_EQ(answer.status, 204);
  EXPECT_TRUE(answer.header("allow"));
  EXPECT_FALSE(has_cors_headers(answer)) << answer.raw;
}

TEST_F(CorsTest, APreflightUnderAStarDoesNotAllowAuthorization) {
  auto client = serve("*").client();
  auto answer = client.request("OPTIONS", "/v1/companies", "", preflight(kForeign, "GET", "authorization"));
  ASSERT_EQ(answer.status, 204);
  EXPECT_EQ(answer.header("access-control-allow-origin"), "*");
  auto headers = answer.header_items("access-control-allow-headers");
  EXPECT_FALSE(headers.count("Authorization"));
  EXPECT_TRUE(headers.count("If-None-Match"));
}

TEST_F(CorsTest, CachedAnonymousAnswersDoNotLeakAnotherOriginsHeader) {
  auto client = serve(kPartner + "," + kOther, std::chrono::seconds(60)).client();
  company("bahn");
  auto first = client.get("/v1/companies", from(kPartner));  // stored in the cache
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.header("access-control-allow-origin"), kPartner);

  auto other = client.get("/v1/companies", from(kOther));  // served from it
  EXPECT_EQ(other.body, first.body);
  EXPECT_EQ(other.header("access-control-allow-origin"), kOther);
  EXPECT_EQ(other.header_items("vary"), (std::set<std::string>{"Authorization", "Origin"}));
  auto foreign = client.get("/v1/companies", from(kForeign));
  EXPECT_EQ(foreign.body, first.body);
  EXPECT_FALSE(has_cors_headers(foreign)) << foreign.raw;
  auto none = client.get("/v1/companies");
  EXPECT_FALSE(has_cors_headers(none)) << none.raw;
  EXPECT_EQ(client.get("/v1/companies", from(kPartner)).header("access-control-allow-origin"), kPartner);
}

TEST_F(CorsTest, WithoutConfigurationThereIsNoCors) {
  auto client = serve("").client();
  auto read = client.get("/v1/companies", from(kPartner));
  EXPECT_FALSE(has_cors_headers(read));
  EXPECT_EQ(read.header_items("vary"), (std::set<std::string>{"Authorization"}));
  auto answer = client.request("OPTIONS", "/v1/companies", "", preflight(kPartner, "GET"));
  EXPECT_EQ(answer.status, 204);
  EXPECT_FALSE(has_cors_headers(answer));
}

}  // namespace
}  // namespace zusammen::testing
