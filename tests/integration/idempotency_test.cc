// Idempotency-Key on POST: retries replay the first answer and write nothing, the key commits
// with the write (also under concurrent duplicates), keys are per API key and expire.
#include "api/idempotency.h"

#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

class IdempotencyTest : public ApiTest<IdempotencyTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "idempotency", .threads = 8, .writer = "content:write"};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    company_ = create_company("bahn");
  }

  static Headers with_key(const std::string& api_key, const std::string& idempotency_key) {
    return with(bearer(api_key), "Idempotency-Key", idempotency_key);
  }
  Headers keyed(const std::string& idempotency_key) const { return with_key(writer_key_, idempotency_key); }

  long long create_company(const std::string& slug) {
    return testing::create_company(client(), writer(), slug, "Firma " + slug);
  }
  json initiative(const std::string& title) const {
    return {{"company_id", company_}, {"title", title}, {"category", "language"}};
  }

  long long company_ = 0;
};

bool is_problem(const HttpResult& res, int status, const std::string& field = "") {
  if (res.status != status) return false;
  if (res.header("content-type").value_or("").rfind("application/problem+json", 0) != 0) return false;
  if (field.empty()) return true;
  auto body = res.json();
  if (!body.contains("errors")) return false;
  for (const auto& e : body["errors"]) {
    if (e.value("field", "") == field) return true;
  }
  return false;
}

TEST_F(IdempotencyTest, RetryWithTheSameKeyAndBodyReplaysTheFirstAnswer) {
  json body = {{"slug", "telekom"}, {"name", "Deutsche Telekom"}, {"city", "Bonn"}};
  auto first = client().post("/v1/companies", body, keyed("create-telekom-1"));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.header("idempotent-replayed"));

  auto retry = client().post("/v1/companies", body, keyed("create-telekom-1"));
  EXPECT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.header("location"), first.header("location"));
  EXPECT_EQ(retry.header("etag"), first.header("etag"));
  EXPECT_EQ(retry.header("content-type"), first.header("content-type"));
  EXPECT_EQ(retry.header("idempotent-replayed").value_or(""), "true");
  // Member order and whitespace do not make another request.
  auto reordered = client().request("POST", "/v1/companies",
                                    R"({ "city": "Bonn", "name": "Deutsche Telekom",   "slug": "telekom" })", [&] {
                                      auto h = keyed("create-telekom-1");
                                      h["Content-Type"] = "application/json";
                                      return h;
                                    }());
  EXPECT_EQ(reordered.status, 201) << reordered.body;
  EXPECT_EQ(reordered.body, first.body);

  EXPECT_EQ(db().count("companies", "slug = 'telekom'"), 1);
  EXPECT_EQ(db().count("changes", "entity_type = 'company'"), 2);  // bahn and telekom, once each
  EXPECT_EQ(db().count("idempotency_keys"), 1);
}

TEST_F(IdempotencyTest, TheSameKeyWithAnotherBodyIs422AndWritesNothing) {
  ASSERT_EQ(client().post("/v1/initiatives", initiative("Sprachkurs"), keyed("k-1")).status, 201);
  auto other = client().post("/v1/initiatives", initiative("Mentoring"), keyed("k-1"));
  EXPECT_TRUE(is_problem(other, 422, "Idempotency-Key")) << other.status << " " << other.body;
  // Nor on another path.
  auto elsewhere = client().post("/v1/companies", {{"slug", "siemens"}, {"name", "Siemens"}}, keyed("k-1"));
  EXPECT_TRUE(is_problem(elsewhere, 422, "Idempotency-Key")) << elsewhere.status << " " << elsewhere.body;
  EXPECT_EQ(db().count("initiatives"), 1);
  EXPECT_EQ(db().count("companies"), 1);
}

TEST_F(IdempotencyTest, KeysOfDifferentApiKeysAreIndependent) {
  std::string other_writer = server_->key({"content:write"});
  auto mine = client().post("/v1/initiatives", initiative("Sprachkurs"), keyed("shared-key"));
  auto theirs = client().post("/v1/initiatives", initiative("Sprachkurs"), with_key(other_writer, "shared-key"));
  ASSERT_EQ(mine.status, 201) << mine.body;
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_FALSE(theirs.header("idempotent-replayed"));
  EXPECT_NE(mine.json()["id"], theirs.json()["id"]);
  EXPECT_EQ(db().count("initiatives"), 2);
  // And another body under the other caller's key is no 422 for this one.
  auto again = client().post("/v1/initiatives", initiative("Sprachkurs"), keyed("shared-key"));
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, mine.body);
}

TEST_F(IdempotencyTest, AFailedRequestKeepsNothingSoACorrectedRetryWithTheSameKeyWorks) {
  auto bad = client().post("/v1/companies", {{"slug", "Not A Slug"}, {"name", "Siemens"}}, keyed("siemens"));
  ASSERT_TRUE(is_problem(bad, 422)) << bad.status << " " << bad.body;
  auto unreadable = client().post("/v1/companies", {{"slug", "siemens"}, {"name", 7}}, keyed("siemens"));
  ASSERT_TRUE(is_problem(unreadable, 400)) << unreadable.status << " " << unreadable.body;
  EXPECT_EQ(db().count("idempotency_keys"), 0);

  json good = {{"slug", "siemens"}, {"name", "Siemens"}};
  auto created = client().post("/v1/companies", good, keyed("siemens"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto retry = client().post("/v1/companies", good, keyed("siemens"));
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.body, created.body);
  EXPECT_EQ(db().count("companies", "slug = 'siemens'"), 1);
}

TEST_F(IdempotencyTest, ARequestWithoutTheScopeStoresNothing) {
  std::string reader = server_->key({"content:read"});
  auto denied = client().post("/v1/initiatives", initiative("Sprachkurs"), with_key(reader, "k"));
  EXPECT_TRUE(is_problem(denied, 403)) << denied.status;
  EXPECT_EQ(db().count("idempotency_keys"), 0);
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesCreateOneRowAndAllGetTheSameAnswer) {
  constexpr int kRequests = 8;
  for (const std::string& path : {std::string("/v1/initiatives"), std::string("/v1/companies")}) {
    json body = path == "/v1/initiatives" ? initiative("Ausbildung für Geflüchtete")
                                          : json{{"slug", "lufthansa"}, {"name", "Lufthansa"}};
    std::vector<std::future<HttpResult>> answers;
    for (int i = 0; i < kRequests; ++i) {
      answers.push_back(
          std::async(std::launch::async, [&] { return client().post(path, body, keyed("burst" + path)); }));
    }
    std::vector<HttpResult> results;
    for (auto& a : answers) results.push_back(a.get());
    int replayed = 0;
    for (const auto& r : results) {
      EXPECT_EQ(r.status, 201) << path << ": " << r.body;
      EXPECT_EQ(r.body, results.front().body) << path;
      EXPECT_EQ(r.header("location"), results.front().header("location")) << path;
      if (r.header("idempotent-replayed")) ++replayed;
    }
    EXPECT_EQ(replayed, kRequests - 1) << path;
  }
  EXPECT_EQ(db().count("initiatives"), 1);
  EXPECT_EQ(db().count("companies", "slug = 'lufthansa'"), 1);
  EXPECT_EQ(db().count("changes", "entity_type = 'initiative'"), 1);
}

// The write committed with its key, but the answer was never stored: the database's reply to
// COMMIT, the process or the network was lost in between (faults_test cuts the reply itself).
// Simulated here by taking the stored answer away. A retry rebuilds the answer from the row the
// key names: the same status, id, Location and ETag, the current body, Idempotent-Replayed; it
// never writes again. Every POST that creates.
TEST_F(IdempotencyTest, ALostAnswerIsRebuiltFromTheRowItCreated) {
  json meeting = {
      {"title", "Netzwerktreffen"},        {"kind", "network_meeting"}, {"starts_at", "2018-11-13T08:00:00Z"},
      {"ends_at", "2018-11-13T16:00:00Z"}, {"capacity", 100},           {"registration_open", true}};
  auto first_meeting = client().post("/v1/meetings", meeting, writer());
  ASSERT_EQ(first_meeting.status, 201) << first_meeting.body;
  std::string meeting_path = "/v1/meetings/" + std::to_string(first_meeting.json()["id"].get<long long>());
  std::string registrar = key({"registrations:write"});
  struct Create {
    std::string path;
    json body;
    std::string api_key;
    std::string table;
  };
  std::vector<Create> creates = {
      {"/v1/companies", {{"slug", "post"}, {"name", "Deutsche Post"}}, writer_key_, "companies"},
      {"/v1/initiatives", initiative("Sprachkurs"), writer_key_, "initiatives"},
      {"/v1/meetings", meeting, writer_key_, "meetings"},
      {meeting_path + "/agenda",
       {{"kind", "keynote"},
        {"title", "Begrüßung"},
        {"starts_at", "2018-11-13T08:00:00Z"},
        {"ends_at", "2018-11-13T08:30:00Z"}},
       writer_key_,
       "agenda_items"},
      {"/v1/testimonials",
       {{"quote", "Gemeinsam schaffen wir das."}, {"author_name", "Anna"}, {"language", "de"}},
       writer_key_,
       "testimonials"},
      {"/v1/registrations",
       {{"meeting_id", first_meeting.json()["id"]},
        {"first_name", "Amal"},
        {"last_name", "Haddad"},
        {"email", "amal@example.org"}},
       registrar,
       "registrations"}};
  for (const auto& create : creates) {
    SCOPED_TRACE(create.path);
    std::string idempotency_key = "lost " + create.path;
    Headers headers = with_key(create.api_key, idempotency_key);
    auto first = client().post(create.path, create.body, headers);
    ASSERT_EQ(first.status, 201) << first.body;
    long long rows = db().count(create.table);
    auto kept = [&](const std::string& column) {
      return db().scalar("SELECT COALESCE(" + column + ", '<null>') FROM idempotency_keys WHERE idem_key = '" +
                         idempotency_key + "'");
    };
    // What the key names was committed with it, in the same transaction as the row.
    EXPECT_EQ(kept("resource_id"), std::to_string(first.json()["id"].get<long long>()));
    execute(
        "UPDATE idempotency_keys SET status = NULL, response_headers = NULL, response_body = NULL, "
        "created_at = created_at - INTERVAL 2 MINUTE WHERE idem_key = '" +
        idempotency_key + "'");

    auto retry = client().post(create.path, create.body, headers);
    EXPECT_EQ(retry.status, 201) << retry.body;
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.header("location"), first.header("location"));
    EXPECT_EQ(retry.header("etag"), first.header("etag"));
    EXPECT_EQ(retry.header("idempotent-replayed").value_or(""), "true");
    EXPECT_EQ(db().count(create.table), rows) << "the retry wrote again";
  }

  // The body is the current representation: a change made since shows, under the same id.
  std::string idempotency_key = "changed since";
  Headers headers = keyed(idempotency_key);
  auto first = client().post("/v1/initiatives", initiative("Sprachkurs"), headers);
  ASSERT_EQ(first.status, 201) << first.body;
  std::string location = first.header("location").value_or("");
  ASSERT_EQ(client().patch(location, {{"participants", 12}}, writer()).status, 200);
  execute(
      "UPDATE idempotency_keys SET status = NULL, response_headers = NULL, response_body = NULL "
      "WHERE idem_key = '" +
      idempotency_key + "'");
  auto current = client().post("/v1/initiatives", initiative("Sprachkurs"), headers);
  EXPECT_EQ(current.status, 201) << current.body;
  EXPECT_EQ(current.json()["id"], first.json()["id"]);
  EXPECT_EQ(current.json()["participants"], 12);
  EXPECT_EQ(current.header("location").value_or(""), location);
  EXPECT_NE(current.header("etag"), first.header("etag"));
}

// A committed key that names nothing the route can rebuild (stored before the key named its row,
// or a bulk request) is never run again either: a 409 says it was carried out (no Retry-After
// once the first request is evidently gone; a younger key is "still in progress").
TEST_F(IdempotencyTest, ACommittedKeyWithoutAnAnswerNeverWritesAgain) {
  json body = initiative("Sprachkurs");
  ASSERT_EQ(client().post("/v1/initiatives", body, keyed("lost")).status, 201);
  execute(
      "UPDATE idempotency_keys SET status = NULL, response_headers = NULL, response_body = NULL, "
      "resource_type = NULL, resource_id = NULL, created_at = created_at - INTERVAL 2 MINUTE");
  auto retry = client().post("/v1/initiatives", body, keyed("lost"));
  EXPECT_TRUE(is_problem(retry, 409)) << retry.status << " " << retry.body;
  EXPECT_FALSE(retry.header("retry-after"));
  EXPECT_EQ(db().count("initiatives"), 1);

  execute("UPDATE idempotency_keys SET created_at = NOW(6)");
  auto running = client().post("/v1/initiatives", body, keyed("lost"));  // waits for the answer first
  EXPECT_TRUE(is_problem(running, 409)) << running.status << " " << running.body;
  EXPECT_EQ(running.header("retry-after").value_or(""), "1");
  EXPECT_EQ(db().count("initiatives"), 1);

  // Another body under that key is still a 422, at once.
  EXPECT_TRUE(is_problem(client().post("/v1/initiatives", initiative("Anders"), keyed("lost")), 422));
}

TEST_F(IdempotencyTest, ExpiredKeysAreForgotten) {
  json body = initiative("Sprachkurs");
  auto first = client().post("/v1/initiatives", body, keyed("old"));
  ASSERT_EQ(first.status, 201);
  execute("UPDATE idempotency_keys SET created_at = created_at - INTERVAL 25 HOUR");
  auto again = client().post("/v1/initiatives", body, keyed("old"));
  EXPECT_EQ(again.status, 201);
  EXPECT_FALSE(again.header("idempotent-replayed"));
  EXPECT_NE(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(db().count("initiatives"), 2);
  EXPECT_EQ(db().count("idempotency_keys"), 1);
}

TEST_F(IdempotencyTest, EveryPostHonoursTheKey) {
  json meeting = {{"title", "Netzwerktreffen"},
                  {"kind", "network_meeting"},
                  {"starts_at", "2018-11-13T08:00:00Z"},
                  {"ends_at", "2018-11-13T16:00:00Z"}};
  auto created = client().post("/v1/meetings", meeting, keyed("meeting"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(client().post("/v1/meetings", meeting, keyed("meeting")).body, created.body);
  std::string agenda = "/v1/meetings/" + std::to_string(created.json()["id"].get<long long>()) + "/agenda";
  json item = {{"kind", "keynote"},
               {"title", "Begrüßung"},
               {"starts_at", "2018-11-13T08:00:00Z"},
               {"ends_at", "2018-11-13T08:30:00Z"}};
  auto first_item = client().post(agenda, item, keyed("item"));
  ASSERT_EQ(first_item.status, 201) << first_item.body;
  auto retried_item = client().post(agenda, item, keyed("item"));
  EXPECT_EQ(retried_item.body, first_item.body);
  EXPECT_EQ(retried_item.header("idempotent-replayed").value_or(""), "true");
  json quote = {{"quote", "Gemeinsam schaffen wir das."}, {"author_name", "Anna"}, {"language", "de"}};
  auto testimonial = client().post("/v1/testimonials", quote, keyed("quote"));
  ASSERT_EQ(testimonial.status, 201) << testimonial.body;
  EXPECT_EQ(client().post("/v1/testimonials", quote, keyed("quote")).body, testimonial.body);
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(db().count("testimonials"), 1);
}

TEST_F(IdempotencyTest, TheKeyIsIgnoredOnOtherMethods) {
  std::string path = "/v1/companies/" + std::to_string(company_);
  Headers headers = keyed(std::string(300, 'x'));  // not even a valid key: ignored all the same
  auto patched = client().patch(path, {{"city", "Berlin"}}, headers);
  EXPECT_EQ(patched.status, 200) << patched.body;
  auto again = client().patch(path, {{"city", "Hamburg"}}, headers);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["city"], "Hamburg");
  EXPECT_EQ(client().get(path, headers).status, 200);
  EXPECT_EQ(db().count("idempotency_keys"), 0);
}

TEST_F(IdempotencyTest, AMalformedKeyIs400) {
  for (const std::string& key : {std::string(256, 'k'),
                                 std::string("schl\xC3\xBC"
                                             "ssel"),
                                 std::string("a\tb")}) {
    auto res = client().post("/v1/initiatives", initiative("Sprachkurs"), keyed(key));
    EXPECT_TRUE(is_problem(res, 400, "Idempotency-Key")) << res.status << " " << res.body;
  }
  EXPECT_EQ(db().count("initiatives"), 0);
  EXPECT_EQ(client().post("/v1/initiatives", initiative("Sprachkurs"), keyed(std::string(255, 'k'))).status, 201);
}

}  // namespace
}  // namespace zusammen::testing
