// /v1/companies end to end, JSON Merge Patch and delete: only the given fields change, If-Match guards
// against lost updates (also between concurrent editors), a company with initiatives cannot go.
#include <gtest/gtest.h>

#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "companies_fixture.h"

namespace zusammen::testing {
namespace {

const SuiteSettings CompaniesTest::kSuite = {
    .database = "companies_patch", .writer = "content:write", .reader = "content:read"};

// JSON Merge Patch

TEST_F(CompaniesTest, MergePatchChangesOnlyTheGivenFields) {
  auto before = create(kDeutscheBahn);
  long long id = before["id"].get<long long>();
  auto res = client().patch("/v1/companies/" + std::to_string(id), {{"city", "Potsdam"}, {"state", "DE-BB"}}, writer());
  ASSERT_EQ(res.status, 200) << res.body;
  auto after = res.json();
  EXPECT_EQ(after["city"], "Potsdam");
  EXPECT_EQ(after["state"], "DE-BB");
  auto expected = writable(before);
  expected["city"] = "Potsdam";
  expected["state"] = "DE-BB";
  EXPECT_EQ(writable(after), expected);
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["created_at"], before["created_at"]);
  EXPECT_EQ(after["version"], 2);
  ASSERT_TRUE(after["updated_at"].is_string());
  EXPECT_TRUE(std::regex_match(after["updated_at"].get<std::string>(), kTimestamp));
  EXPECT_GE(after["updated_at"].get<std::string>(), before["updated_at"].get<std::string>());
  auto etag = res.header("etag").value_or("");
  EXPECT_TRUE(std::regex_match(etag, kItemEtag)) << etag;
  EXPECT_EQ(etag.rfind("\"2-", 0), 0u) << etag;

  // Committed: the new values, the old ones elsewhere, version 2 and a later updated_at.
  EXPECT_EQ(column(id, "city"), "Potsdam");
  EXPECT_EQ(column(id, "state"), "DE-BB");
  EXPECT_EQ(column(id, "HEX(description)"), hex_of(kDeutscheBahn["description"].get<std::string>()));
  EXPECT_EQ(column(id, "version"), "2");
  EXPECT_EQ(column(id, "updated_at > created_at"), "1");
  EXPECT_EQ(get_json(id, writer()), after);

  // A second patch: +1 again.
  auto third = client().patch("/v1/companies/" + std::to_string(id), {{"description", "Kurz."}}, writer());
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.json()["version"], 3);
  EXPECT_EQ(third.json()["city"], "Potsdam");
  EXPECT_EQ(column(id, "version"), "3");
}

TEST_F(CompaniesTest, MergePatchNullClearsANullableField) {
  long long id = create(kDeutscheBahn)["id"].get<long long>();
  auto res = client().patch("/v1/companies/" + std::to_string(id),
                            {{"sector", nullptr}, {"contact_email", nullptr}, {"member_since", nullptr}}, writer());
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = res.json();
  EXPECT_TRUE(body["sector"].is_null());
  EXPECT_TRUE(body["contact_email"].is_null());
  EXPECT_TRUE(body["member_since"].is_null());
  EXPECT_EQ(body["city"], "Berlin");
  EXPECT_EQ(column(id, "sector IS NULL AND contact_email IS NULL AND member_since IS NULL"), "1");
  EXPECT_EQ(column(id, "city"), "Berlin");
}

TEST_F(CompaniesTest, MergePatchNullOnARequiredFieldIs422AndChangesNothing) {
  long long id = create(kDeutscheBahn)["id"].get<long long>();
  for (const char* field : {"name", "slug", "status"}) {
    auto res = client().patch("/v1/companies/" + std::to_string(id), {{field, nullptr}}, writer());
    EXPECT_TRUE(IsProblem(res, 422)) << field;
    EXPECT_EQ(error_fields(res), std::set<std::string>{std::string("/") + field}) << res.body;
  }
  auto mixed = client().patch("/v1/companies/" + std::to_string(id),
                              {{"name", nullptr}, {"city", "Hamburg"}, {"state", "DE-XX"}}, writer());
  ASSERT_TRUE(IsProblem(mixed, 422));
  EXPECT_EQ(error_fields(mixed), (std::set<std::string>{"/name", "/state"})) << mixed.body;
  EXPECT_EQ(column(id, "name"), "Deutsche Bahn AG");
  EXPECT_EQ(column(id, "city"), "Berlin");
  EXPECT_EQ(column(id, "version"), "1");
}

TEST_F(CompaniesTest, MergePatchAcceptsBothJsonMediaTypes) {
  long long id = create_id("Medien AG");
  std::string path = "/v1/companies/" + std::to_string(id);
  auto merge = client().patch(path, {{"city", "Köln"}}, with(writer(), "Content-Type", "application/merge-patch+json"));
  ASSERT_EQ(merge.status, 200) << merge.body;
  EXPECT_EQ(merge.json()["city"], "Köln");
  auto plain = client().patch(path, {{"city", "München"}}, with(writer(), "Content-Type", "application/json"));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json()["city"], "München");
  EXPECT_EQ(plain.json()["version"], 3);
  EXPECT_EQ(column(id, "HEX(city)"), hex_of("München"));

  auto text = client().patch(path, {{"city", "Bonn"}}, with(writer(), "Content-Type", "text/plain"));
  EXPECT_TRUE(IsProblem(text, 415));
  EXPECT_EQ(column(id, "city"), "München");
  EXPECT_EQ(column(id, "version"), "3");
}

TEST_F(CompaniesTest, UnreadableOrInvalidPatchesChangeNothing) {
  long long id = create(kDeutscheBahn)["id"].get<long long>();
  std::string path = "/v1/companies/" + std::to_string(id);
  for (const char* body : {R"({"version":3})", R"({"id":9})", R"({"updated_at":"2020-01-01T00:00:00Z"})",
                           R"({"name":5})", R"({"unbekannt":1})", R"({"city":"Bonn")", "[]", "\"x\"", "null", ""}) {
    auto res = client().request("PATCH", path, body, with(writer(), "Content-Type", "application/merge-patch+json"));
    EXPECT_TRUE(IsProblem(res, 400)) << body;
  }
  for (const json& body : {json{{"slug", "Bad Slug"}}, json{{"website", "kein-link"}}, json{{"status", "weg"}},
                           json{{"member_since", "2019-02-29"}}}) {
    auto res = client().patch(path, body, writer());
    EXPECT_TRUE(IsProblem(res, 422)) << body;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"/" + body.begin().key()}) << res.body;
  }
  EXPECT_EQ(column(id, "version"), "1");
  EXPECT_EQ(column(id, "slug"), "deutsche-bahn");
  EXPECT_EQ(column(id, "city"), "Berlin");
}

TEST_F(CompaniesTest, EmptyMergePatchChangesNothing) {
  auto before = create(kDeutscheBahn);
  long long id = before["id"].get<long long>();
  auto res = client().patch("/v1/companies/" + std::to_string(id), json::object(), writer());
  ASSERT_EQ(res.status, 200) << res.body;
  // openapi.yaml: "An empty object changes nothing and answers the company as it is."
  EXPECT_EQ(res.json(), before);
  EXPECT_EQ(column(id, "version"), "1");
}

TEST_F(CompaniesTest, PatchHonoursIfMatch) {
  auto created = client().post("/v1/companies", kDeutscheBahn, writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json()["id"].get<long long>();
  std::string path = "/v1/companies/" + std::to_string(id);
  std::string v1 = *created.header("etag");

  auto current = client().patch(path, {{"city", "Potsdam"}}, with(writer(), "If-Match", v1));
  ASSERT_EQ(current.status, 200) << current.body;
  std::string v2 = current.header("etag").value_or("");
  EXPECT_EQ(current.json()["version"], 2);

  auto stale = client().patch(path, {{"city", "Dresden"}}, with(writer(), "If-Match", v1));
  ASSERT_TRUE(IsProblem(stale, 412));
  EXPECT_EQ(stale.json()["type"], "/problems/precondition-failed");
  EXPECT_EQ(column(id, "city"), "Potsdam");
  EXPECT_EQ(column(id, "version"), "2");

  for (const char* garbage : {"\"garbage\"", "garbage", "\"\"", "W/\"2-0000000000000000\"", "\"0-abc\"", "2"}) {
    auto res = client().patch(path, {{"city", "Dresden"}}, with(writer(), "If-Match", garbage));
    EXPECT_TRUE(IsProblem(res, 412)) << garbage;
  }
  EXPECT_EQ(column(id, "city"), "Potsdam");
  EXPECT_EQ(column(id, "version"), "2");

  auto star = client().patch(path, {{"city", "Leipzig"}}, with(writer(), "If-Match", "*"));
  ASSERT_EQ(star.status, 200) << star.body;
  EXPECT_EQ(star.json()["version"], 3);
  EXPECT_EQ(column(id, "city"), "Leipzig");

  // The ETag of the PATCH answer is good for the next one.
  auto fresh = client().get(path, writer());
  auto again = client().patch(path, {{"city", "Erfurt"}}, with(writer(), "If-Match", *fresh.header("etag")));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_NE(v2, *fresh.header("etag"));
}

TEST_F(CompaniesTest, TwoEditorsNeverOverwriteEachOther) {
  long long id = create(kDeutscheBahn)["id"].get<long long>();
  std::string path = "/v1/companies/" + std::to_string(id);
  auto editor_a = client().get(path, writer());
  auto editor_b = client().get(path, writer());
  ASSERT_EQ(editor_a.status, 200);
  ASSERT_EQ(editor_b.status, 200);
  ASSERT_EQ(editor_a.header("etag"), editor_b.header("etag"));

  auto a =
      client().patch(path, {{"description", "Fassung von A"}}, with(writer(), "If-Match", *editor_a.header("etag")));
  ASSERT_EQ(a.status, 200) << a.body;
  auto b =
      client().patch(path, {{"description", "Fassung von B"}}, with(writer(), "If-Match", *editor_b.header("etag")));
  ASSERT_TRUE(IsProblem(b, 412));
  EXPECT_EQ(column(id, "description"), "Fassung von A");
  EXPECT_EQ(column(id, "version"), "2");

  // B reads again and may then write.
  auto reread = client().get(path, writer());
  EXPECT_EQ(reread.json()["description"], "Fassung von A");
  auto b2 =
      client().patch(path, {{"description", "Fassung von B"}}, with(writer(), "If-Match", *reread.header("etag")));
  EXPECT_EQ(b2.status, 200) << b2.body;
  EXPECT_EQ(column(id, "version"), "3");
}

TEST_F(CompaniesTest, ConcurrentPatchesWithoutIfMatchLoseNoUpdate) {
  // Several editors at once, each changing another field: every change must survive.
  const std::vector<json> patches = {{{"city", "Potsdam"}},
                                     {{"sector", "Bahn und Logistik"}},
                                     {{"description", "Neu: „Chance plus“ für Geflüchtete."}},
                                     {{"website", "https://www.db.de"}},
                                     {{"member_since", "2015-10-01"}}};
  for (int round = 0; round < 4; ++round) {
    long long id = create_id("Gleichzeitig AG");
    std::string path = "/v1/companies/" + std::to_string(id);
    std::vector<int> statuses(patches.size(), 0);
    std::vector<std::string> bodies(patches.size());
    std::latch start(static_cast<std::ptrdiff_t>(patches.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < patches.size(); ++i) {
      threads.emplace_back([&, i] {
        HttpClient own(server().port());
        start.arrive_and_wait();
        try {
          auto res = own.patch(path, patches[i], writer());
          statuses[i] = res.status;
          bodies[i] = res.body;
        } catch (const std::exception& e) {
          bodies[i] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < patches.size(); ++i) EXPECT_EQ(statuses[i], 200) << patches[i] << ": " << bodies[i];

    auto final_state = get_json(id, writer());
    for (const auto& patch : patches) {
      for (const auto& [field, value] : patch.items()) EXPECT_EQ(final_state[field], value) << "round " << round;
    }
    EXPECT_EQ(final_state["version"], 1 + static_cast<int>(patches.size()));
    EXPECT_EQ(column(id, "version"), std::to_string(1 + patches.size()));
    EXPECT_EQ(column(id, "city"), "Potsdam");
    EXPECT_EQ(column(id, "sector"), "Bahn und Logistik");
    EXPECT_EQ(column(id, "website"), "https://www.db.de");
    EXPECT_EQ(column(id, "DATE_FORMAT(member_since, '%Y-%m-%d')"), "2015-10-01");
    EXPECT_EQ(column(id, "HEX(description)"), hex_of("Neu: „Chance plus“ für Geflüchtete."));
    EXPECT_EQ(column(id, "name"), "Gleichzeitig AG");
  }
}

// ---------------------------------------------------------------------------------------------
// Delete

TEST_F(CompaniesTest, DeleteAnswers204AndTheRowIsGone) {
  long long id = create_id("Weg GmbH");
  long long kept = create_id("Bleibt GmbH");
  std::string path = "/v1/companies/" + std::to_string(id);
  ASSERT_NO_FATAL_FAILURE(ExpectDeletes(client(), db(), "/v1/companies", "companies", id, kept, writer()));
  EXPECT_TRUE(IsProblem(client().get(path, writer()), 404));
  EXPECT_TRUE(IsProblem(client().del(path, writer()), 404));
  EXPECT_TRUE(IsProblem(client().patch(path, {{"city", "Berlin"}}, writer()), 404));
  EXPECT_EQ(companies(), 1);
}

TEST_F(CompaniesTest, DeleteHonoursIfMatch) {
  auto created = client().post("/v1/companies", {{"slug", "weg"}, {"name", "Weg GmbH"}}, writer());
  ASSERT_EQ(created.status, 201);
  long long id = created.json()["id"].get<long long>();
  std::string path = "/v1/companies/" + std::to_string(id);
  std::string v1 = *created.header("etag");
  auto changed = client().patch(path, {{"city", "Berlin"}}, writer());
  ASSERT_EQ(changed.status, 200);

  EXPECT_TRUE(IsProblem(client().del(path, with(writer(), "If-Match", v1)), 412));
  EXPECT_TRUE(IsProblem(client().del(path, with(writer(), "If-Match", "nonsense")), 412));
  EXPECT_EQ(db().count("companies", "id = " + std::to_string(id)), 1);

  auto current = client().del(path, with(writer(), "If-Match", *changed.header("etag")));
  EXPECT_EQ(current.status, 204) << current.body;
  EXPECT_EQ(db().count("companies", "id = " + std::to_string(id)), 0);

  long long other = create_id("Stern GmbH");
  auto star = client().del("/v1/companies/" + std::to_string(other), with(writer(), "If-Match", "*"));
  EXPECT_EQ(star.status, 204) << star.body;
  EXPECT_EQ(companies(), 0);
}

TEST_F(CompaniesTest, DeletingACompanyWithAnInitiativeIs409) {
  long long id = create_id("Deutsche Bahn AG");
  auto initiative = client().post(
      "/v1/initiatives", {{"company_id", id}, {"title", "Chance plus"}, {"category", "qualification"}}, writer());
  ASSERT_EQ(initiative.status, 201) << initiative.body;
  EXPECT_EQ(db().count("initiatives", "company_id = " + std::to_string(id)), 1);

  auto res = client().del("/v1/companies/" + std::to_string(id), writer());
  ASSERT_TRUE(IsProblem(res, 409));
  EXPECT_EQ(res.json()["type"], "/problems/conflict");
  EXPECT_NE(res.json()["detail"].get<std::string>().find("initiative"), std::string::npos) << res.body;
  EXPECT_EQ(db().count("companies", "id = " + std::to_string(id)), 1);
  EXPECT_EQ(db().count("initiatives"), 1);
  EXPECT_EQ(client().get("/v1/companies/" + std::to_string(id)).status, 200);
}

}  // namespace
}  // namespace zusammen::testing
