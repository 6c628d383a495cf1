// Rate limits end to end (api/rate_limit.h): a burst then 429 with Retry-After and
// RateLimit-* headers, refill, 304s for free, keys and addresses on their own
// buckets, X-Forwarded-For only from trusted proxies, unknown keys charged to the
// address, probes never limited, and the response cache neither bypassing the limit
// nor keeping a 429 or another client's headers.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

int int_header(const HttpResult& result, const std::string& name) {
  auto value = result.header(name);
  if (!value) {
    ADD_FAILURE() << "no " << name << " header in\n" << result.raw;
    return -1;
  }
  return std::stoi(*value);
}

Headers forwarded_for(const std::string& address) { return {{"X-Forwarded-For", address}}; }

class RateLimitTest : public ApiTest<RateLimitTest> {
 public:
  // A server per test, with that test's limits.
  static constexpr SuiteSettings kSuite = {.database = "rate_limit", .server = false};

 protected:
  // A server with these limits (per second, burst) and otherwise the test defaults.
  TestServer& serve(int anonymous_per_second, int anonymous_burst, int key_per_second, int key_burst,
                    const std::string& trusted_proxies = "", std::chrono::milliseconds cache_ttl = {}) {
    api::AppOptions options;
    options.rate_limits = {anonymous_per_second, anonymous_burst, key_per_second, key_burst, trusted_proxies};
    options.cache_ttl = cache_ttl;
    served_ = std::make_unique<TestServer>(*database_, 2, options);
    return *served_;
  }

  std::unique_ptr<TestServer> served_;
};

TEST_F(RateLimitTest, ABurstIsServedThenA429WithRetryAfterAndRateLimitHeaders) {
  auto client = serve(1, 3, 0, 0).client();
  for (int i = 0; i < 3; ++i) {
    auto served = client.get("/v1/companies");
    ASSERT_EQ(served.status, 200) << served.raw;
    EXPECT_EQ(int_header(served, "ratelimit-limit"), 3);
    EXPECT_EQ(int_header(served, "ratelimit-remaining"), 2 - i);
    EXPECT_EQ(served.header("ratelimit-policy"), "3;w=3");
  }
  auto refused = client.get("/v1/companies");
  ASSERT_TRUE(IsProblem(refused, 429)) << refused.raw;
  EXPECT_EQ(refused.json()["type"], "/problems/too-many-requests");
  EXPECT_GE(int_header(refused, "retry-after"), 1);
  EXPECT_EQ(int_header(refused, "ratelimit-limit"), 3);
  EXPECT_EQ(int_header(refused, "ratelimit-remaining"), 0);
  EXPECT_GE(int_header(refused, "ratelimit-reset"), 1);
  // Every method on /v1/ is charged, a write as well as a read.
  EXPECT_EQ(client.post("/v1/companies", {{"slug", "x"}, {"name", "X"}}).status, 429);
}

TEST_F(RateLimitTest, ProbesAreNeverLimitedNorCounted) {
  auto client = serve(1, 1, 0, 0).client();
  for (int i = 0; i < 5; ++i) {
    for (const char* probe : {"/healthz", "/readyz", "/openapi.yaml"}) {
      auto answer = client.get(probe);
      EXPECT_EQ(answer.status, 200) << probe;
      EXPECT_FALSE(answer.header("ratelimit-limit")) << probe;
    }
  }
  EXPECT_EQ(client.get("/v1/companies").status, 200);
  EXPECT_EQ(client.get("/v1/companies").status, 429);
  EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST_F(RateLimitTest, TokensComeBackAtTheConfiguredRate) {
  auto client = serve(5, 2, 0, 0).client();
  ASSERT_EQ(client.get("/v1/companies").status, 200);
  ASSERT_EQ(client.get("/v1/companies").status, 200);
  auto refused = client.get("/v1/companies");
  ASSERT_EQ(refused.status, 429);
  // One token every 200 ms: the client is served again well within Retry-After.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(int_header(refused, "retry-after") + 2);
  HttpResult again;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    again = client.get("/v1/companies");
  } while (again.status == 429 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(again.status, 200) << again.raw;
}

TEST_F(RateLimitTest, A304GivesItsTokenBack) {
  auto& server = serve(1, 3, 1, 3);
  auto client = server.client();
  auto first = client.get("/v1/companies");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  for (int i = 0; i < 10; ++i) {
    auto unchanged = client.get("/v1/companies", {{"If-None-Match", etag}});
    ASSERT_EQ(unchanged.status, 304) << i;
    EXPECT_GE(int_header(unchanged, "ratelimit-remaining"), 2);
  }
  EXPECT_EQ(client.get("/v1/companies").status, 200);

  // The same for a key.
  auto key = bearer(server.key({"content:read"}));
  auto keyed = client.get("/v1/companies", key);
  ASSERT_EQ(keyed.status, 200);
  auto with_etag = key;
  with_etag["If-None-Match"] = keyed.header("etag").value_or("");
  for (int i = 0; i < 10; ++i) ASSERT_EQ(client.get("/v1/companies", with_etag).status, 304) << i;
  EXPECT_EQ(client.get("/v1/companies", key).status, 200);
}

TEST_F(RateLimitTest, EachKeyHasItsOwnBucketApartFromAnonymousClients) {
  auto& server = serve(1, 2, 1, 2);
  auto client = server.client();
  auto first = bearer(server.key({"content:read"}));
  auto second = bearer(server.key({"content:read"}));
  ASSERT_EQ(client.get("/v1/companies", first).status, 200);
  ASSERT_EQ(client.get("/v1/companies", first).status, 200);
  auto refused = client.get("/v1/companies", first);
  ASSERT_TRUE(IsProblem(refused, 429)) << refused.raw;
  EXPECT_NE(refused.json()["detail"].get<std::string>().find("API key"), std::string::npos);

  auto other = client.get("/v1/companies", second);
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(int_header(other, "ratelimit-remaining"), 1);
  auto anonymous = client.get("/v1/companies");
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_EQ(int_header(anonymous, "ratelimit-remaining"), 1);
}

TEST_F(RateLimitTest, UnknownKeysCountAgainstTheClientAddress) {
  auto& server = serve(1, 2, 1, 5);
  auto client = server.client();
  auto unknown = client.get("/v1/companies", bearer("zus_not_a_key_1"));
  EXPECT_TRUE(IsProblem(unknown, 401)) << unknown.raw;
  EXPECT_EQ(int_header(unknown, "ratelimit-remaining"), 1);
  EXPECT_EQ(client.get("/v1/companies", bearer("zus_not_a_key_2")).status, 401);
  // Another random key does not buy a new bucket, and the address's anonymous reads share it.
  EXPECT_TRUE(IsProblem(client.get("/v1/companies", bearer("zus_not_a_key_3")), 429));
  EXPECT_TRUE(IsProblem(client.get("/v1/companies"), 429));
  // A live key from the same address is charged on its own.
  auto live = client.get("/v1/companies", bearer(server.key({"content:read"})));
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(int_header(live, "ratelimit-limit"), 5);
}

TEST_F(RateLimitTest, ForwardedForIsIgnoredFromAnUntrustedPeer) {
  auto client = serve(1, 2, 0, 0, "10.0.0.0/8").client();
  ASSERT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.1")).status, 200);
  ASSERT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.2")).status, 200);
  // The peer (127.0.0.1) is the client, whatever it claims to forward for.
  EXPECT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.3")).status, 429);
}

TEST_F(RateLimitTest, ATrustedProxyNamesTheClientAndAddressesAreIndependent) {
  auto client = serve(1, 2, 0, 0, "127.0.0.1, 10.0.0.0/8").client();
  for (int i = 0; i < 2; ++i) ASSERT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.1")).status, 200);
  EXPECT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.1")).status, 429);
  // Another client behind the proxy, and the same client seen through a second proxy hop.
  EXPECT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.2")).status, 200);
  EXPECT_EQ(client.get("/v1/companies", forwarded_for("198.51.100.1, 10.1.2.3")).status, 429);
  // A forged entry on the left does not help: the right-most untrusted one counts.
  EXPECT_EQ(client.get("/v1/companies", forwarded_for("203.0.113.50, 198.51.100.1")).status, 429);
}

TEST_F(RateLimitTest, TheResponseCacheNeitherBypassesTheLimitNorKeepsAnotherClientsHeaders) {
  auto client = serve(1, 2, 0, 0, "127.0.0.1", std::chrono::seconds(60)).client();
  auto a = forwarded_for("198.51.100.1");
  ASSERT_EQ(client.get("/v1/companies", a).status, 200);  // stored
  auto hit = client.get("/v1/companies", a);              // served from the cache
  ASSERT_EQ(hit.status, 200);
  EXPECT_EQ(int_header(hit, "ratelimit-remaining"), 0);
  EXPECT_TRUE(IsProblem(client.get("/v1/companies", a), 429));
  // Another client gets the cached 200 with its own standing, never the 429.
  auto b = client.get("/v1/companies", forwarded_for("198.51.100.2"));
  EXPECT_EQ(b.status, 200) << b.raw;
  EXPECT_EQ(int_header(b, "ratelimit-remaining"), 1);
  EXPECT_FALSE(b.header("retry-after"));
}

TEST_F(RateLimitTest, LimitsAreOffByDefault) {
  api::AppOptions options;
  TestServer server(*database_, 2, options);
  auto client = server.client();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(client.get("/v1/companies").status, 200) << i;
  EXPECT_FALSE(client.get("/v1/companies").header("ratelimit-limit"));
}

}  // namespace
}  // namespace zusammen::testing
