// POST /v1/registrations/bulk end to end: the real App and Pistache on port 0 over a private MariaDB,
// every outcome checked through MySQL Connector/C++ (versions, updated_at, the change feed).
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

constexpr const char* kBulk = "/v1/registrations/bulk";

class BulkTest : public ApiTest<BulkTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "bulk", .writer = "registrations:write"};

 protected:
  long long create_meeting(const std::string& capacity = "NULL", bool open = true) {
    return insert_meeting(db(), {.capacity = capacity, .registration_open = open});
  }

  long long create_workshop(long long meeting, const std::string& capacity) {
    return insert_agenda_item(db(), meeting, "workshop", capacity);
  }

  static json item(long long meeting, const std::string& ref, const json& extra = json::object()) {
    json body = registration(meeting, ref + "@crm.example", {{"source", "crm"}, {"external_ref", ref}});
    body.update(extra);
    return body;
  }

  json sync(const json& items) {
    auto response = client().post(kBulk, {{"items", items}}, writer());
    if (response.status != 200) throw std::runtime_error("bulk failed: " + response.body);
    return response.json().at("results");
  }

  // Everything a re-send must leave alone.
  std::string fingerprint() {
    return scalar(
               "SELECT COALESCE(GROUP_CONCAT(CONCAT(id, ':', version, ':', updated_at, ':', status) ORDER BY id), '') "
               "FROM registrations") +
           "|" + std::to_string(count("changes")) + "|" + std::to_string(count("registration_workshops"));
  }

  long long changes_of(long long id) { return testing::changes_of(db(), "registration", id); }
};

TEST_F(BulkTest, MixedBatchAnswersPerIndexAndKeepsTheGoodItems) {
  long long meeting = create_meeting();
  auto first = sync(json::array({item(meeting, "a"), item(meeting, "b")}));
  ASSERT_EQ(first.size(), 2u);
  long long a = first[0].at("id"), b = first[1].at("id");
  EXPECT_EQ(first[0].at("status"), "created");
  EXPECT_EQ(first[1].at("status"), "created");

  json batch = json::array({
      item(meeting, "a"),                                  // 0 unchanged
      item(meeting, "b", {{"job_title", "Ausbilderin"}}),  // 1 updated
      item(meeting, "c"),                                  // 2 created
      item(meeting, "d", {{"email", "kein-email"}}),       // 3 error (422)
      item(meeting, "e", {{"email", "A@crm.example"}}),    // 4 error (409, a's email)
  });
  auto results = sync(batch);
  ASSERT_EQ(results.size(), 5u);
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].at("index"), i);
  EXPECT_EQ(results[0].at("status"), "unchanged");
  EXPECT_EQ(results[0].at("id"), a);
  EXPECT_EQ(results[1].at("status"), "updated");
  EXPECT_EQ(results[1].at("id"), b);
  EXPECT_EQ(results[2].at("status"), "created");
  EXPECT_EQ(results[3].at("status"), "error");
  EXPECT_TRUE(results[3].at("id").is_null());
  EXPECT_EQ(results[3].at("problem").at("status"), 422);
  EXPECT_EQ(results[3].at("problem").at("errors")[0].at("field"), "/email");
  EXPECT_EQ(results[4].at("status"), "error");
  EXPECT_EQ(results[4].at("problem").at("status"), 409);
  EXPECT_EQ(results[4].at("problem").at("existing_id"), a);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(results[i].at("problem").is_null());

  EXPECT_EQ(db().scalar("SELECT version FROM registrations WHERE id = " + std::to_string(a)), "1");
  EXPECT_EQ(db().scalar("SELECT version FROM registrations WHERE id = " + std::to_string(b)), "2");
  EXPECT_EQ(db().scalar("SELECT job_title FROM registrations WHERE id = " + std::to_string(b)), "Ausbilderin");
  EXPECT_EQ(db().count("registrations"), 3);
  EXPECT_EQ(db().count("registrations", "external_ref IN ('d', 'e')"), 0);
}

TEST_F(BulkTest, ResendingTheSameBatchChangesNothing) {
  long long meeting = create_meeting("2");
  long long workshop = create_workshop(meeting, "5");
  json batch = json::array();
  for (int i = 0; i < 5; ++i) {
    batch.push_back(item(meeting, "r" + std::to_string(i), {{"workshop_ids", {workshop}}, {"notes", nullptr}}));
  }
  auto first = sync(batch);
  for (const auto& r : first) EXPECT_EQ(r.at("status"), "created");
  std::string before = fingerprint();
  auto again = sync(batch);
  for (const auto& r : again) EXPECT_EQ(r.at("status"), "unchanged") << r.dump();
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].at("id"), first[i].at("id"));
  EXPECT_EQ(fingerprint(), before);
}

TEST_F(BulkTest, CapacityWaitlistsBeyondTheMeetingAndWorkshopLimits) {
  long long meeting = create_meeting("3");
  long long other = create_meeting();
  long long workshop = create_workshop(other, "1");
  execute("INSERT INTO registrations (meeting_id, first_name, last_name, email, email_key, status) VALUES (" +
          std::to_string(meeting) + ", 'Anna', 'Alt', 'anna@x.example', 'anna@x.example', 'registered')");
  json batch = json::array();
  for (int i = 0; i < 4; ++i) batch.push_back(item(meeting, "m" + std::to_string(i)));
  batch.push_back(item(other, "w0", {{"workshop_ids", {workshop}}}));
  batch.push_back(item(other, "w1", {{"workshop_ids", {workshop}}}));
  auto results = sync(batch);
  std::vector<std::string> statuses;
  for (const auto& r : results) {
    ASSERT_EQ(r.at("status"), "created") << r.dump();
    statuses.push_back(db().scalar("SELECT status FROM registrations WHERE id = " + r.at("id").dump()));
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"registered", "registered", "waitlisted", "waitlisted", "registered",
                                                "waitlisted"}));
  EXPECT_EQ(db().count("registrations", "meeting_id = " + std::to_string(meeting) + " AND status = 'registered'"), 3);
}

TEST_F(BulkTest, ItemValidationNamesFieldsRelativeToTheItem) {
  long long meeting = create_meeting();
  long long closed = create_meeting("NULL", false);
  json batch = json::array({
      item(meeting, "ok"),
      json{{"meeting_id", meeting}, {"first_name", "Ayşe"}, {"last_name", "Yılmaz"}, {"email", "ayse@x.example"}},
      item(meeting, "t", {{"first_name", 5}}),
      item(meeting, "s", {{"status", "attended"}}),
      item(meeting + 1000, "m"),
      item(closed, "closed"),
      item(meeting, "ok", {{"email", "dup@x.example"}}),
      "kein Objekt",
  });
  auto results = sync(batch);
  ASSERT_EQ(results.size(), 8u);
  EXPECT_EQ(results[0].at("status"), "created");
  auto fields = [&](std::size_t i) {
    std::set<std::string> out;
    for (const auto& e : results[i].at("problem").at("errors")) out.insert(e.at("field"));
    return out;
  };
  for (std::size_t i = 1; i < 8; ++i) {
    EXPECT_EQ(results[i].at("status"), "error") << i;
    EXPECT_TRUE(results[i].at("id").is_null());
    EXPECT_TRUE(results[i].at("problem").contains("type"));
    EXPECT_TRUE(results[i].at("problem").contains("title"));
    EXPECT_TRUE(results[i].at("problem").contains("detail"));
  }
  EXPECT_EQ(fields(1), (std::set<std::string>{"/source", "/external_ref"}));
  EXPECT_EQ(results[2].at("problem").at("status"), 400);
  EXPECT_EQ(fields(2), (std::set<std::string>{"/first_name"}));
  EXPECT_EQ(fields(3), (std::set<std::string>{"/status"}));
  EXPECT_EQ(results[4].at("problem").at("status"), 422);
  EXPECT_EQ(fields(4), (std::set<std::string>{"/meeting_id"}));
  EXPECT_EQ(results[5].at("problem").at("status"), 409);
  EXPECT_EQ(fields(6), (std::set<std::string>{"/external_ref"}));
  EXPECT_EQ(results[7].at("problem").at("status"), 400);
  EXPECT_EQ(db().count("registrations"), 1);
}

TEST_F(BulkTest, AnUpdateIntoAFullWorkshopIsRefusedAndLeavingOnePromotesTheWaitingList) {
  long long meeting = create_meeting();
  long long a = create_workshop(meeting, "1");
  long long b = create_workshop(meeting, "1");
  auto first =
      sync(json::array({item(meeting, "p", {{"workshop_ids", {a}}}), item(meeting, "q", {{"workshop_ids", {b}}}),
                        item(meeting, "r", {{"workshop_ids", {a}}})}));
  ASSERT_EQ(first.size(), 3u);
  long long p = first[0].at("id"), r = first[2].at("id");
  auto status_of = [&](long long id) { return scalar("SELECT status FROM registrations WHERE id = " + str(id)); };
  auto workshops_of = [&](long long id) {
    return scalar(
        "SELECT COALESCE(GROUP_CONCAT(agenda_item_id ORDER BY agenda_item_id), '') FROM "
        "registration_workshops WHERE registration_id = " +
        str(id));
  };
  ASSERT_EQ(status_of(p), "registered");
  ASSERT_EQ(status_of(r), "waitlisted");

  // p moves from A to B, whose one seat q holds: refused, p keeps A.
  std::string before = fingerprint();
  auto moved = sync(json::array({item(meeting, "p", {{"workshop_ids", {b}}})}));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].at("status"), "error") << moved.dump();
  EXPECT_EQ(moved[0].at("problem").at("errors")[0].at("field"), "/workshop_ids") << moved.dump();
  EXPECT_NE(moved[0].at("problem").at("errors")[0].at("message").get<std::string>().find(str(b)), std::string::npos)
      << moved.dump();
  EXPECT_EQ(fingerprint(), before);
  EXPECT_EQ(workshops_of(p), str(a));

  // p leaves A: the seat goes to r, the oldest waiting, in the same transaction and feed.
  long long r_changes = changes_of(r);
  auto left = sync(json::array({item(meeting, "p", {{"workshop_ids", json::array()}})}));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].at("status"), "updated") << left.dump();
  EXPECT_EQ(workshops_of(p), "");
  EXPECT_EQ(status_of(p), "registered");
  EXPECT_EQ(status_of(r), "registered");
  EXPECT_EQ(workshops_of(r), str(a));
  EXPECT_EQ(changes_of(r), r_changes + 1);
}

TEST_F(BulkTest, DuplicateEmailWithinTheBatchNamesTheFirstItemsId) {
  long long meeting = create_meeting("1");
  long long workshop = create_workshop(meeting, "1");
  auto results = sync(
      json::array({item(meeting, "p", {{"email", "same@x.example"}}), item(meeting, "q", {{"email", "SAME@x.example"}}),
                   item(meeting, "r", {{"workshop_ids", {workshop}}})}));
  EXPECT_EQ(results[0].at("status"), "created");
  EXPECT_EQ(results[1].at("status"), "error");
  EXPECT_EQ(results[1].at("problem").at("status"), 409);
  EXPECT_EQ(results[1].at("problem").at("existing_id"), results[0].at("id"));
  // The meeting is full after item 0: item 2 waits, in the meeting and for the workshop.
  EXPECT_EQ(db().scalar("SELECT status FROM registrations WHERE id = " + results[2].at("id").dump()), "waitlisted");
  // Workshop choices are replaced: p (holding the only place) takes the free seat, waitlisted r keeps its
  // choice; then r drops it.
  auto later = sync(json::array({item(meeting, "p", {{"email", "same@x.example"}, {"workshop_ids", {workshop}}}),
                                 item(meeting, "r", {{"workshop_ids", {workshop}}, {"job_title", "Azubi"}})}));
  EXPECT_EQ(later[0].at("status"), "updated");
  EXPECT_EQ(later[1].at("status"), "updated");
  auto full = sync(json::array({item(meeting, "z"), item(meeting, "r", {{"workshop_ids", json::array()}})}));
  EXPECT_EQ(full[0].at("status"), "created");
  EXPECT_EQ(full[1].at("status"), "updated");
  EXPECT_EQ(db().count("registration_workshops"), 1);
}

TEST_F(BulkTest, WholeRequestErrors) {
  long long meeting = create_meeting();
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back(item(meeting, "x" + std::to_string(i)));
  auto too_many = client().post(kBulk, {{"items", many}}, writer());
  EXPECT_TRUE(IsProblem(too_many, 413));
  EXPECT_NE(too_many.json().at("detail").get<std::string>().find("1000"), std::string::npos);
  EXPECT_TRUE(IsProblem(client().post(kBulk, {{"items", "nein"}}, writer()), 400));
  EXPECT_TRUE(IsProblem(client().post(kBulk, json::array(), writer()), 400));
  EXPECT_TRUE(IsProblem(client().post(kBulk, {{"items", json::array()}, {"extra", 1}}, writer()), 400));
  EXPECT_TRUE(IsProblem(client().post(kBulk, {{"items", json::array()}}, writer()), 422));
  EXPECT_TRUE(
      IsProblem(client().request("POST", kBulk, "{\"items\": [",
                                 {{"Authorization", "Bearer " + writer_key_}, {"Content-Type", "application/json"}}),
                400));
  EXPECT_EQ(db().count("registrations"), 0);
}

TEST_F(BulkTest, ChangeFeedShowsCreatedAndUpdatedButNotUnchanged) {
  long long meeting = create_meeting();
  auto first = sync(json::array({item(meeting, "a"), item(meeting, "b")}));
  long long a = first[0].at("id"), b = first[1].at("id");
  EXPECT_EQ(changes_of(a), 1);
  EXPECT_EQ(changes_of(b), 1);
  sync(json::array({item(meeting, "a"), item(meeting, "b", {{"notes", "Rückfrage"}})}));
  EXPECT_EQ(changes_of(a), 1);
  EXPECT_EQ(changes_of(b), 2);
  auto reader = bearer(server_->key({"registrations:read"}));
  auto feed = client().get("/v1/changes?types=registration", reader);
  ASSERT_EQ(feed.status, 200) << feed.body;
  json page = feed.json();
  std::vector<long long> ids;
  for (const auto& c : page.at("items")) ids.push_back(c.at("id"));
  EXPECT_EQ(ids, (std::vector<long long>{a, b, b}));
}

TEST_F(BulkTest, NeedsAKeyWithRegistrationsWrite) {
  long long meeting = create_meeting();
  json body = {{"items", json::array({item(meeting, "a")})}};
  EXPECT_TRUE(IsProblem(client().post(kBulk, body), 401));
  EXPECT_TRUE(IsProblem(client().post(kBulk, body, bearer(server_->key({"registrations:read"}))), 403));
  EXPECT_EQ(db().count("registrations"), 0);
}

}  // namespace
}  // namespace zusammen::testing
