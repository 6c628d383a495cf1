// API keys: the service (create, list, revoke, authenticate) checked through MySQL
// Connector/C++, and what HTTP callers see with no key, a bad key, too few scopes.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;
using service::ErrorCode;

// 401 with a challenge that names the Bearer scheme.
::testing::AssertionResult IsUnauthorized(const HttpResult& result) {
  auto problem = IsProblem(result, 401);
  if (!problem) return problem;
  std::string challenge = result.header("www-authenticate").value_or("");
  if (challenge.rfind("Bearer", 0) != 0) {
    return ::testing::AssertionFailure() << "WWW-Authenticate is \"" << challenge << "\"";
  }
  return ::testing::AssertionSuccess();
}

bool has_field(const service::Error& error, const std::string& field) {
  return std::any_of(error.errors.begin(), error.errors.end(),
                     [&](const service::FieldError& e) { return e.field == field; });
}

class AuthTest : public ApiTest<AuthTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "auth"};

 protected:
  service::ApiKeyService& keys() { return server().app().services().api_keys; }

  // A company (active or former, with a contact email) and one unpublished initiative of it.
  long long seed_company(const std::string& slug, const std::string& status = "active") {
    return create_company(client(), bearer(key({"content:write"})), slug, slug,
                          {{"status", status}, {"contact_email", "kontakt@" + slug + ".example"}});
  }

  // Every column of every api_keys row, as text.
  std::vector<std::string> all_key_cells() {
    std::vector<std::string> columns;
    {
      std::unique_ptr<::sql::Statement> statement(db().reader().createStatement());
      std::unique_ptr<::sql::ResultSet> rows(statement->executeQuery(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND "
          "table_name = 'api_keys' ORDER BY ordinal_position"));
      while (rows->next()) columns.push_back(rows->getString(1));
    }
    std::vector<std::string> cells;
    std::unique_ptr<::sql::Statement> statement(db().reader().createStatement());
    std::unique_ptr<::sql::ResultSet> rows(statement->executeQuery("SELECT * FROM api_keys"));
    while (rows->next()) {
      for (std::size_t i = 1; i <= columns.size(); ++i) {
        cells.push_back(
            rows->isNull(static_cast<uint32_t>(i)) ? "" : std::string(rows->getString(static_cast<uint32_t>(i))));
      }
    }
    EXPECT_GE(columns.size(), 4u);
    return cells;
  }
};

// --- the service --------------------------------------------------------------------------

TEST_F(AuthTest, ACreatedKeyIsStoredOnlyAsItsSha256Hash) {
  auto created = keys().create("CRM sync", {"content:read", "registrations:write"});
  ASSERT_TRUE(created.ok()) << created.error().detail;
  const std::string& secret = created->secret;
  ASSERT_GE(secret.size(), 32u) << "a key needs enough randomness";
  EXPECT_EQ(created->key.name, "CRM sync");
  EXPECT_EQ(created->key.scopes, (std::set<std::string>{"content:read", "registrations:write"}));
  EXPECT_FALSE(created->key.revoked_at.has_value());
  EXPECT_EQ(db().count("api_keys"), 1);

  std::string id = std::to_string(created->key.id);
  std::string hash = db().scalar("SELECT key_hash FROM api_keys WHERE id = " + id);
  EXPECT_TRUE(std::regex_match(hash, std::regex("[0-9a-f]{64}"))) << hash;
  // SHA-256 computed by the database, not by our code.
  EXPECT_EQ(db().scalar("SELECT SHA2('" + secret + "', 256)"), hash);

  // The secret (or any long piece of it) appears in no column.
  std::string tail = secret.substr(secret.size() - 16);
  for (const auto& cell : all_key_cells()) {
    EXPECT_EQ(cell.find(secret), std::string::npos) << "the key is stored in clear: " << cell;
    EXPECT_EQ(cell.find(tail), std::string::npos) << "a part of the key is stored: " << cell;
  }
  // The stored prefix only recognises the key; it is much shorter than the key.
  std::string prefix = db().scalar("SELECT prefix FROM api_keys WHERE id = " + id);
  EXPECT_EQ(secret.rfind(prefix, 0), 0u);
  EXPECT_LE(prefix.size(), 12u);
  EXPECT_EQ(created->key.prefix, prefix);
}

TEST_F(AuthTest, TwoKeysDiffer) {
  auto first = keys().create("Dashboard", {"content:read"});
  auto second = keys().create("Dashboard", {"content:read"});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->secret, second->secret);
  EXPECT_NE(first->key.id, second->key.id);
  EXPECT_EQ(db().count("api_keys"), 2);
  EXPECT_EQ(db().scalar("SELECT COUNT(DISTINCT key_hash) FROM api_keys"), "2");
}

TEST_F(AuthTest, CreatingAKeyWithBadScopesOrNameIsAValidationError) {
  auto unknown = keys().create("Dashboard", {"content:read", "root"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::validation_failed);
  EXPECT_TRUE(has_field(unknown.error(), "scopes"));

  auto none = keys().create("Dashboard", {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::validation_failed);
  EXPECT_TRUE(has_field(none.error(), "scopes"));

  auto nameless = keys().create("", {"content:read"});
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error().code, ErrorCode::validation_failed);
  EXPECT_TRUE(has_field(nameless.error(), "name"));

  EXPECT_EQ(db().count("api_keys"), 0);
}

TEST_F(AuthTest, ListShowsKeysWithoutSecretsAndRevokeMarksThem) {
  auto first = keys().create("Dashboard", {"content:read"});
  auto second = keys().create("CRM", {"registrations:write", "registrations:read"});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());

  auto listed = keys().list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, first->key.id);
  EXPECT_EQ((*listed)[0].name, "Dashboard");
  EXPECT_EQ((*listed)[1].scopes, (std::set<std::string>{"registrations:read", "registrations:write"}));
  EXPECT_FALSE((*listed)[0].revoked_at.has_value());

  ASSERT_TRUE(keys().revoke(first->key.id).ok());
  EXPECT_EQ(db().count("api_keys", "revoked_at IS NOT NULL"), 1);
  EXPECT_EQ(db().count("api_keys", "id = " + std::to_string(first->key.id) + " AND revoked_at IS NOT NULL"), 1);
  auto after = keys().list();
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_TRUE((*after)[0].revoked_at.has_value());
  EXPECT_FALSE((*after)[1].revoked_at.has_value());

  auto unknown = keys().revoke(first->key.id + second->key.id + 100);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_EQ(db().count("api_keys", "revoked_at IS NOT NULL"), 1);
}

TEST_F(AuthTest, AuthenticateKnowsLiveKeysOnly) {
  auto created = keys().create("Dashboard", {"content:read"});
  ASSERT_TRUE(created.ok());
  auto found = keys().authenticate(created->secret);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->key.id);
  EXPECT_EQ((*found)->scopes, std::set<std::string>{"content:read"});

  for (const std::string& token : {std::string(""), std::string("zus_"), created->secret + "x",
                                   created->secret.substr(0, created->secret.size() - 1), std::string("nonsense"),
                                   std::string("zus_") + std::string(300, 'a')}) {
    auto unknown = keys().authenticate(token);
    ASSERT_TRUE(unknown.ok()) << token;
    EXPECT_FALSE(unknown->has_value()) << token;
  }

  ASSERT_TRUE(keys().revoke(created->key.id).ok());
  auto revoked = keys().authenticate(created->secret);
  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE(revoked->has_value());
}

// --- HTTP ---------------------------------------------------------------------------------

TEST_F(AuthTest, WritesWithoutAKeyAre401WithABearerChallenge) {
  long long company = seed_company("deutsche-bahn");
  std::string item = "/v1/companies/" + std::to_string(company);
  EXPECT_TRUE(IsUnauthorized(client().post("/v1/companies", {{"slug", "neu"}, {"name", "Neu"}})));
  EXPECT_TRUE(IsUnauthorized(client().patch(item, {{"name", "Anders"}})));
  EXPECT_TRUE(IsUnauthorized(client().del(item)));
  EXPECT_TRUE(IsUnauthorized(
      client().post("/v1/initiatives", {{"company_id", company}, {"title", "T"}, {"category", "other"}})));
  EXPECT_TRUE(IsUnauthorized(client().del("/v1/initiatives/1")));

  EXPECT_EQ(db().count("companies"), 1);
  EXPECT_EQ(db().count("initiatives"), 0);
  EXPECT_EQ(db().scalar("SELECT CONCAT(name, ' ', version) FROM companies WHERE id = " + std::to_string(company)),
            "deutsche-bahn 1");
}

TEST_F(AuthTest, AnInvalidKeyIs401EvenWhereAnonymousCallersMayRead) {
  long long company = seed_company("deutsche-bahn");
  auto revoked = keys().create("alt", {"content:read"});
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(keys().revoke(revoked->key.id).ok());
  for (const std::string& authorization :
       {std::string("Bearer zus_nonsense"), std::string("Bearer nonsense"), std::string("Bearer "),
        std::string("Bearer"), "Bearer " + revoked->secret, std::string("Basic dXNlcjpwYXNz"), std::string("Token abc"),
        std::string("zus_nonsense")}) {
    for (const std::string& path : {std::string("/v1/companies"), "/v1/companies/" + std::to_string(company),
                                    std::string("/v1/initiatives"), std::string("/v1/companies/4711")}) {
      auto response = client().get(path, {{"Authorization", authorization}});
      EXPECT_TRUE(IsUnauthorized(response)) << authorization << " on " << path;
      EXPECT_EQ(response.body.find("kontakt@"), std::string::npos);
    }
  }
  // A Basic challenge on a write does not get through either.
  auto basic =
      client().post("/v1/companies", {{"slug", "neu"}, {"name", "Neu"}}, {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
  EXPECT_TRUE(IsUnauthorized(basic));
  EXPECT_EQ(db().count("companies"), 1);
}

TEST_F(AuthTest, AKeyWithoutTheScopeIs403) {
  long long company = seed_company("deutsche-bahn");
  std::string reader = server_->key({"content:read"});
  std::string registrations = server_->key({"registrations:read", "registrations:write"});

  auto post = client().post("/v1/companies", {{"slug", "neu"}, {"name", "Neu"}}, bearer(reader));
  EXPECT_TRUE(IsProblem(post, 403));
  auto initiative = client().post("/v1/initiatives", {{"company_id", company}, {"title", "T"}, {"category", "other"}},
                                  bearer(reader));
  EXPECT_TRUE(IsProblem(initiative, 403));
  EXPECT_TRUE(
      IsProblem(client().patch("/v1/companies/" + std::to_string(company), {{"name", "X"}}, bearer(reader)), 403));
  EXPECT_TRUE(IsProblem(client().del("/v1/companies/" + std::to_string(company), bearer(reader)), 403));

  // Reading content with a key needs content:read or content:write; other scopes do not read.
  EXPECT_TRUE(IsProblem(client().get("/v1/companies", bearer(registrations)), 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies/" + std::to_string(company), bearer(registrations)), 403));
  EXPECT_TRUE(IsProblem(client().get("/v1/initiatives", bearer(registrations)), 403));
  EXPECT_TRUE(
      IsProblem(client().post("/v1/companies", {{"slug", "neu"}, {"name", "Neu"}}, bearer(registrations)), 403));

  EXPECT_EQ(db().count("companies"), 1);
  EXPECT_EQ(db().count("initiatives"), 0);
  EXPECT_EQ(db().scalar("SELECT version FROM companies WHERE id = " + std::to_string(company)), "1");
}

TEST_F(AuthTest, ContentWriteAlsoReadsAndSeesInternalData) {
  long long active = seed_company("deutsche-bahn");
  long long former = seed_company("ehemalig", "former");
  std::string writer = server_->key({"content:write"});

  auto list = client().get("/v1/companies", bearer(writer));
  ASSERT_EQ(list.status, 200) << list.body;
  json items = list.json().at("items");
  EXPECT_EQ(items.size(), 2u);
  for (const auto& item : items) EXPECT_TRUE(item.contains("contact_email")) << item.dump();
  auto read = client().get("/v1/companies/" + std::to_string(former), bearer(writer));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("contact_email"), "kontakt@ehemalig.example");

  // The same reads anonymously: the former member is gone, contact_email is left out.
  auto anonymous = client().get("/v1/companies");
  ASSERT_EQ(anonymous.status, 200);
  ASSERT_EQ(anonymous.json().at("items").size(), 1u);
  EXPECT_EQ(anonymous.json()["items"][0].at("id"), active);
  EXPECT_FALSE(anonymous.json()["items"][0].contains("contact_email"));
  EXPECT_TRUE(IsProblem(client().get("/v1/companies/" + std::to_string(former)), 404));
}

TEST_F(AuthTest, AdminMayDoEverything) {
  std::string admin = server_->key({"admin"});
  auto created =
      client().post("/v1/companies",
                    {{"slug", "bosch"}, {"name", "Bosch"}, {"status", "former"}, {"contact_email", "k@bosch.example"}},
                    bearer(admin));
  ASSERT_EQ(created.status, 201) << created.body;
  long long id = created.json().at("id").get<long long>();
  std::string item = "/v1/companies/" + std::to_string(id);
  auto read = client().get(item, bearer(admin));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("contact_email"), "k@bosch.example");
  auto initiative = client().post(
      "/v1/initiatives", {{"company_id", id}, {"title", "Sprachkurs"}, {"category", "language"}}, bearer(admin));
  ASSERT_EQ(initiative.status, 201) << initiative.body;
  EXPECT_EQ(client().get("/v1/initiatives", bearer(admin)).status, 200);
  EXPECT_EQ(client().patch(item, {{"name", "Robert Bosch GmbH"}}, bearer(admin)).status, 200);
  EXPECT_EQ(client()
                .del("/v1/initiatives/" + std::to_string(initiative.json().at("id").get<long long>()), bearer(admin))
                .status,
            204);
  EXPECT_EQ(client().del(item, bearer(admin)).status, 204);
  EXPECT_EQ(db().count("companies"), 0);
  EXPECT_EQ(db().count("initiatives"), 0);
}

TEST_F(AuthTest, ARevokedKeyIsRefusedRightAway) {
  auto created = keys().create("Dashboard", {"content:write"});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(client().get("/v1/companies", bearer(created->secret)).status, 200);
  ASSERT_TRUE(keys().revoke(created->key.id).ok());
  EXPECT_TRUE(IsUnauthorized(client().get("/v1/companies", bearer(created->secret))));
  EXPECT_TRUE(
      IsUnauthorized(client().post("/v1/companies", {{"slug", "neu"}, {"name", "Neu"}}, bearer(created->secret))));
  EXPECT_EQ(db().count("companies"), 0);
}

TEST_F(AuthTest, TheBearerSchemeIsCaseInsensitive) {
  std::string key = server_->key({"content:read"});
  EXPECT_EQ(client().get("/v1/companies", {{"Authorization", "bearer " + key}}).status, 200);
  EXPECT_EQ(client().get("/v1/companies", {{"Authorization", "BEARER " + key}}).status, 200);
}

TEST_F(AuthTest, ProbesAndTheContractAnswerWhateverTheCredentials) {
  for (const std::string& authorization : {std::string("Bearer zus_nonsense"), std::string("Basic dXNlcjpwYXNz")}) {
    Headers headers = {{"Authorization", authorization}};
    auto health = client().get("/healthz", headers);
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_EQ(health.json().at("status"), "ok");
    auto ready = client().get("/readyz", headers);
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.json().at("status"), "ready");
    EXPECT_EQ(client().get("/openapi.yaml", headers).status, 200);
  }
}

}  // namespace
}  // namespace zusammen::testing
