// The first end-to-end path: server up, a company created over HTTP, read back
// through MySQL Connector/C++.
#include <gtest/gtest.h>

#include "../support/test_server.h"

namespace zusammen::testing {
namespace {

TEST(Smoke, HealthAndCreateCompany) {
  TestDatabase database("smoke");
  TestServer server(database);
  auto client = server.client();

  auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_TRUE(health.header("x-request-id").has_value());

  std::string key = server.key({"content:write"});
  auto created = client.post(
      "/v1/companies", {{"slug", "deutsche-bahn"}, {"name", "Deutsche Bahn AG"}, {"city", "Berlin"}}, bearer(key));
  ASSERT_EQ(created.status, 201) << created.body;
  long long id = created.json()["id"].get<long long>();
  EXPECT_EQ(created.header("location").value_or(""), "/v1/companies/" + std::to_string(id));
  EXPECT_EQ(database.scalar("SELECT name FROM companies WHERE id = " + std::to_string(id)), "Deutsche Bahn AG");

  auto read = client.get("/v1/companies/" + std::to_string(id));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.json()["slug"], "deutsche-bahn");
  EXPECT_FALSE(read.json().contains("contact_email"));
}

}  // namespace
}  // namespace zusammen::testing
