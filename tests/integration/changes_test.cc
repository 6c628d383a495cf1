// The change feed: every write recorded in its own transaction, in commit order,
// deletions as tombstones, resumable, scoped; nothing skipped when a change commits late.
#include "service/changes.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

class ChangesTest : public ApiTest<ChangesTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "changes", .writer = "content:write"};

 protected:
  long long create_company(const std::string& slug) {
    return testing::create_company(client(), writer(), slug, "Firma " + slug);
  }

  // Follows the feed from the beginning to its end; returns every item and the last cursor.
  std::pair<std::vector<nlohmann::json>, std::string> follow(const std::string& key, const std::string& extra = "",
                                                             std::string cursor = "") {
    std::vector<nlohmann::json> items;
    for (int guard = 0; guard < 1000; ++guard) {
      std::string target = "/v1/changes?limit=3" + extra + (cursor.empty() ? "" : "&since=" + cursor);
      auto res = client().get(target, bearer(key));
      EXPECT_EQ(res.status, 200) << res.body;
      auto body = res.json();
      EXPECT_TRUE(body["next_cursor"].is_string());
      for (auto& item : body["items"]) items.push_back(item);
      std::string next = body["next_cursor"];
      if (body["items"].empty()) {
        EXPECT_EQ(next, cursor.empty() ? next : cursor) << "an empty page resumes where it was asked";
        return {items, next};
      }
      cursor = next;
    }
    ADD_FAILURE() << "the feed did not end";
    return {items, cursor};
  }
};

TEST_F(ChangesTest, EveryWriteIsRecordedInOrderWithTombstones) {
  long long company = create_company("bahn");
  auto initiative =
      client().post("/v1/initiatives", {{"company_id", company}, {"title", "Sprachkurs"}, {"category", "language"}},
                    bearer(writer_key_));
  ASSERT_EQ(initiative.status, 201) << initiative.body;
  long long initiative_id = initiative.json()["id"];
  ASSERT_EQ(
      client().patch("/v1/companies/" + std::to_string(company), {{"city", "Berlin"}}, bearer(writer_key_)).status,
      200);
  ASSERT_EQ(client().del("/v1/initiatives/" + std::to_string(initiative_id), bearer(writer_key_)).status, 204);

  auto [items, cursor] = follow(writer_key_);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["type"], "company");
  EXPECT_EQ(items[0]["id"], company);
  EXPECT_EQ(items[0]["op"], "upsert");
  EXPECT_EQ(items[1]["type"], "initiative");
  EXPECT_EQ(items[2]["type"], "company");
  EXPECT_EQ(items[3]["type"], "initiative");
  EXPECT_EQ(items[3]["id"], initiative_id);
  EXPECT_EQ(items[3]["op"], "delete");
  EXPECT_EQ(database_->count("changes"), 4);

  // Resuming from the last cursor: nothing new, then exactly the next change.
  auto [none, same] = follow(writer_key_, "", cursor);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(same, cursor);
  create_company("siemens");
  auto [more, later] = follow(writer_key_, "", cursor);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0]["type"], "company");
}

TEST_F(ChangesTest, RejectedWritesRecordNothing) {
  long long company = create_company("bahn");
  EXPECT_EQ(client().post("/v1/companies", {{"slug", "bahn"}, {"name", "Doppelt"}}, bearer(writer_key_)).status, 409);
  EXPECT_EQ(client().post("/v1/companies", {{"slug", "Bad Slug"}, {"name", "X"}}, bearer(writer_key_)).status, 422);
  EXPECT_EQ(client()
                .patch("/v1/companies/" + std::to_string(company), {{"name", "Neu"}},
                       {{"Authorization", "Bearer " + writer_key_}, {"If-Match", "\"99-0000000000000000\""}})
                .status,
            412);
  EXPECT_EQ(
      client().patch("/v1/companies/" + std::to_string(company), nlohmann::json::object(), bearer(writer_key_)).status,
      200);  // changes nothing, records nothing
  EXPECT_EQ(database_->count("changes"), 1);
}

TEST_F(ChangesTest, TypesFilterAndLimit) {
  long long company = create_company("bahn");
  for (int i = 0; i < 4; ++i) {
    auto res = client().post(
        "/v1/initiatives", {{"company_id", company}, {"title", "Kurs " + std::to_string(i)}, {"category", "language"}},
        bearer(writer_key_));
    ASSERT_EQ(res.status, 201);
  }
  auto [initiatives, _] = follow(writer_key_, "&types=initiative");
  EXPECT_EQ(initiatives.size(), 4u);
  for (const auto& item : initiatives) EXPECT_EQ(item["type"], "initiative");
  auto page = client().get("/v1/changes?limit=2", bearer(writer_key_));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.json()["items"].size(), 2u);
  ASSERT_TRUE(page.header("link").has_value());
  EXPECT_NE(page.header("link")->find("since="), std::string::npos);
}

TEST_F(ChangesTest, BadParametersAre400) {
  EXPECT_EQ(client().get("/v1/changes?types=person", bearer(writer_key_)).status, 400);
  EXPECT_EQ(client().get("/v1/changes?limit=0", bearer(writer_key_)).status, 400);
  EXPECT_EQ(client().get("/v1/changes?limit=1001", bearer(writer_key_)).status, 400);
  EXPECT_EQ(client().get("/v1/changes?since=bm9wZQ", bearer(writer_key_)).status, 400);
  EXPECT_EQ(client().get("/v1/changes?since=%%%", bearer(writer_key_)).status, 400);
  EXPECT_EQ(client().get("/v1/changes?color=red", bearer(writer_key_)).status, 400);
}

TEST_F(ChangesTest, ScopesGuardTheFeed) {
  create_company("bahn");
  EXPECT_EQ(client().get("/v1/changes").status, 401);
  auto registrations_only = server_->key({"registrations:read"});
  // A registrations key asking for content changes: 403; without types it sees only registrations.
  EXPECT_EQ(client().get("/v1/changes?types=company", bearer(registrations_only)).status, 403);
  auto own = client().get("/v1/changes", bearer(registrations_only));
  ASSERT_EQ(own.status, 200);
  EXPECT_TRUE(own.json()["items"].empty());
  auto content_reader = server_->key({"content:read"});
  EXPECT_EQ(client().get("/v1/changes?types=registration", bearer(content_reader)).status, 403);
  EXPECT_EQ(client().get("/v1/changes", bearer(content_reader)).json()["items"].size(), 1u);
  EXPECT_EQ(client().get("/v1/changes?types=company,registration", bearer(server_->key({"admin"}))).status, 200);
}

// A transaction that took its place in the feed but commits late holds up later writers,
// so a follower never reads past a change that is not committed yet.
TEST_F(ChangesTest, AChangeThatCommitsLateIsNotSkipped) {
  auto lease = database_->pool().lease();
  ASSERT_TRUE(lease.ok());
  soci::session& slow = lease->session();
  auto late = std::make_unique<soci::transaction>(slow);
  service::record_change(slow, "company", 4242, service::ChangeOp::upsert);

  // Another writer starts while the slow one is open; it cannot get ahead of it.
  auto writer = std::async(std::launch::async, [this] { return create_company("bahn"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto [during, cursor] = follow(writer_key_);
  EXPECT_TRUE(during.empty()) << "nothing is visible before the first writer commits";

  late->commit();
  late.reset();
  long long company = writer.get();
  auto [after, end] = follow(writer_key_, "", cursor);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0]["id"], 4242);
  EXPECT_EQ(after[1]["id"], company);
}

TEST_F(ChangesTest, AFollowerMissesNothingWhileWritersRun) {
  constexpr int kWriters = 4;
  constexpr int kEach = 15;
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      for (int i = 0; i < kEach; ++i) create_company("w" + std::to_string(w) + "-" + std::to_string(i));
    });
  }
  std::vector<nlohmann::json> seen;
  std::string cursor;
  std::thread follower([&] {
    while (true) {
      bool finished = done.load();
      auto [items, next] = follow(writer_key_, "", cursor);
      seen.insert(seen.end(), items.begin(), items.end());
      cursor = next;
      if (finished && items.empty()) break;
    }
  });
  for (auto& t : writers) t.join();
  done = true;
  follower.join();

  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kWriters * kEach));
  std::set<long long> ids;
  for (const auto& item : seen) ids.insert(item["id"].get<long long>());
  EXPECT_EQ(ids.size(), seen.size()) << "no change twice";
  EXPECT_EQ(database_->count("companies"), kWriters * kEach);
  EXPECT_EQ(database_->count("changes"), kWriters * kEach);
}

}  // namespace
}  // namespace zusammen::testing
