// The in-process cache of anonymous GET responses (api/response_cache.h): reused
// within the TTL, cleared by writes through this process, never for keyed callers.
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

class CacheTest : public ApiTest<CacheTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "cache", .threads = 2, .writer = "content:write"};
  static api::AppOptions app_options() {
    api::AppOptions options;
    options.cache_ttl = std::chrono::milliseconds(400);
    return options;
  }

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::this_thread::sleep_for(std::chrono::milliseconds(450));  // let entries of earlier tests expire
  }

  // Changes a row behind the service's back, as another replica would.
  void rename_directly(long long id, const std::string& name) {
    execute("UPDATE companies SET name = '" + name + "', version = version + 1 WHERE id = " + std::to_string(id));
  }

  long long create(const std::string& slug, const std::string& name) {
    return create_company(client(), writer(), slug, name);
  }
};

TEST_F(CacheTest, AnonymousReadsAreReusedUntilTheTtlEnds) {
  long long id = create("bahn", "Deutsche Bahn AG");
  auto client = server_->client();
  std::string path = "/v1/companies/" + std::to_string(id);
  ASSERT_EQ(client.get(path).json()["name"], "Deutsche Bahn AG");

  rename_directly(id, "Umbenannt AG");
  // Within the TTL the anonymous answer is the cached one; a keyed caller reads the database.
  auto cached = client.get(path);
  EXPECT_EQ(cached.json()["name"], "Deutsche Bahn AG");
  auto keyed = client.get(path, bearer(writer_key_));
  EXPECT_EQ(keyed.json()["name"], "Umbenannt AG");

  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  EXPECT_EQ(client.get(path).json()["name"], "Umbenannt AG");
}

TEST_F(CacheTest, AWriteThroughThisProcessClearsTheCache) {
  long long id = create("bahn", "Deutsche Bahn AG");
  auto client = server_->client();
  ASSERT_EQ(client.get("/v1/companies").json()["items"].size(), 1u);
  create("siemens", "Siemens AG");
  EXPECT_EQ(client.get("/v1/companies").json()["items"].size(), 2u);

  std::string path = "/v1/companies/" + std::to_string(id);
  ASSERT_EQ(client.get(path).json()["name"], "Deutsche Bahn AG");
  auto patched = client.patch(path, {{"name", "DB AG"}}, bearer(writer_key_));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(client.get(path).json()["name"], "DB AG");
}

TEST_F(CacheTest, CachedAnswersKeepEtagsAndConditionalRequests) {
  long long id = create("bahn", "Deutsche Bahn AG");
  auto client = server_->client();
  std::string path = "/v1/companies/" + std::to_string(id);
  auto first = client.get(path);
  auto second = client.get(path);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(first.body, second.body);
  ASSERT_TRUE(second.header("etag").has_value());
  EXPECT_EQ(first.header("etag"), second.header("etag"));
  auto not_modified = client.get(path, {{"If-None-Match", *second.header("etag")}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_TRUE(not_modified.header("x-request-id").has_value());
}

TEST_F(CacheTest, ErrorsAreNotCached) {
  auto client = server_->client();
  EXPECT_EQ(client.get("/v1/companies/1").status, 404);
  // Inserted behind the service's back: only an uncached 404 lets the row show at once.
  std::unique_ptr<::sql::Statement> statement(database_->reader().createStatement());
  statement->execute("INSERT INTO companies (id, slug, name) VALUES (1, 'bahn', 'Deutsche Bahn AG')");
  EXPECT_EQ(client.get("/v1/companies/1").status, 200);
}

}  // namespace
}  // namespace zusammen::testing
