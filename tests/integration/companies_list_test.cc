// /v1/companies end to end, reading: conditional GETs of items and lists, sorting, limits and keyset
// pagination that visits every row exactly once, also while rows are inserted.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "companies_fixture.h"

namespace zusammen::testing {
namespace {

const SuiteSettings CompaniesTest::kSuite = {
    .database = "companies_list", .writer = "content:write", .reader = "content:read"};

// Conditional GET

TEST_F(CompaniesTest, ConditionalGetOfAnItem) {
  long long id = create(kDeutscheBahn)["id"].get<long long>();
  std::string path = "/v1/companies/" + std::to_string(id);
  for (const Headers& who : {Headers{}, reader()}) {
    auto first = client().get(path, who);
    ASSERT_EQ(first.status, 200);
    auto etag = first.header("etag");
    ASSERT_TRUE(etag.has_value());
    EXPECT_TRUE(std::regex_match(*etag, kItemEtag)) << *etag;
    EXPECT_TRUE(first.header("cache-control").has_value());

    auto cached = client().get(path, with(who, "If-None-Match", *etag));
    EXPECT_EQ(cached.status, 304) << cached.raw;
    EXPECT_TRUE(cached.body.empty()) << cached.body;
    EXPECT_EQ(cached.header("etag"), etag);
    auto among = client().get(path, with(who, "If-None-Match", "\"1-0000000000000000\", " + *etag));
    EXPECT_EQ(among.status, 304);
    auto other = client().get(path, with(who, "If-None-Match", "\"1-0000000000000000\""));
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.json(), first.json());
  }
  // Anonymous and keyed representations differ (contact_email), and so do their ETags.
  EXPECT_NE(client().get(path).header("etag"), client().get(path, reader()).header("etag"));

  auto old_anonymous = *client().get(path).header("etag");
  auto old_keyed = *client().get(path, reader()).header("etag");
  ASSERT_EQ(client().patch(path, {{"city", "Potsdam"}}, writer()).status, 200);
  auto after = client().get(path, with({}, "If-None-Match", old_anonymous));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.json()["city"], "Potsdam");
  EXPECT_NE(after.header("etag"), std::optional<std::string>(old_anonymous));
  auto after_keyed = client().get(path, with(reader(), "If-None-Match", old_keyed));
  EXPECT_EQ(after_keyed.status, 200);
  EXPECT_EQ(client().get(path, with({}, "If-None-Match", *after.header("etag"))).status, 304);
}

TEST_F(CompaniesTest, ConditionalGetOfAList) {
  long long id = create_id("Alpha AG");
  create_id("Beta AG");
  auto first = client().get("/v1/companies?sort=name");
  ASSERT_EQ(first.status, 200);
  auto etag = first.header("etag");
  ASSERT_TRUE(etag.has_value());
  auto cached = client().get("/v1/companies?sort=name", {{"If-None-Match", *etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());

  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(id), {{"city", "Bremen"}}, writer()).status, 200);
  auto changed = client().get("/v1/companies?sort=name", {{"If-None-Match", *etag}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag"), etag);
  EXPECT_EQ(changed.json()["items"][0]["city"], "Bremen");

  auto new_etag = *changed.header("etag");
  create_id("Gamma AG");
  auto grown = client().get("/v1/companies?sort=name", {{"If-None-Match", new_etag}});
  ASSERT_EQ(grown.status, 200);
  EXPECT_EQ(grown.json()["items"].size(), 3u);

  auto keyed = client().get("/v1/companies", reader());
  ASSERT_TRUE(keyed.header("etag").has_value());
  EXPECT_EQ(client().get("/v1/companies", with(reader(), "If-None-Match", *keyed.header("etag"))).status, 304);
}

// ---------------------------------------------------------------------------------------------
// Lists: sort, limit, cursor

TEST_F(CompaniesTest, ListSorts) {
  // Created in this order; names deliberately not in creation order.
  std::vector<std::string> names = {"Siemens AG", "Deutsche Bahn AG", "Zalando SE", "Bosch GmbH", "Ärzte ohne Grenzen"};
  std::vector<long long> ids;
  for (const auto& n : names) ids.push_back(create_id(n));

  auto names_of = [&](const std::string& query) {
    auto res = client().get("/v1/companies" + query);
    EXPECT_EQ(res.status, 200) << query << " " << res.body;
    std::vector<std::string> out;
    if (res.status == 200) {
      for (const auto& item : items_of(res)) out.push_back(item["name"].get<std::string>());
    }
    return out;
  };
  auto ids_of = [&](const std::string& query) { return list_ids("/v1/companies" + query); };
  // German collation: Ä sorts with A.
  std::vector<std::string> by_name = {"Ärzte ohne Grenzen", "Bosch GmbH", "Deutsche Bahn AG", "Siemens AG",
                                      "Zalando SE"};
  EXPECT_EQ(names_of(""), by_name);
  EXPECT_EQ(names_of("?sort=name"), by_name);
  std::vector<std::string> reversed(by_name.rbegin(), by_name.rend());
  EXPECT_EQ(names_of("?sort=-name"), reversed);
  EXPECT_EQ(ids_of("?sort=created_at"), ids);
  std::vector<long long> newest_first(ids.rbegin(), ids.rend());
  EXPECT_EQ(ids_of("?sort=-created_at"), newest_first);
  EXPECT_EQ(ids_of("?sort=created_at"), db_ids("created_at, id"));
  EXPECT_EQ(ids_of("?sort=name"), db_ids("name, id"));

  // The most recently updated comes last by updated_at.
  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(ids[0]), {{"city", "München"}}, writer()).status, 200);
  auto by_update = ids_of("?sort=updated_at");
  ASSERT_FALSE(by_update.empty());
  EXPECT_EQ(by_update.back(), ids[0]);
  EXPECT_EQ(ids_of("?sort=-updated_at").front(), ids[0]);

  for (const char* bad : {"?sort=id", "?sort=-", "?sort=", "?sort=Name", "?sort=name,-created_at", "?sort=%2Bname",
                          "?sort=--name", "?sort=slug"}) {
    auto res = client().get(std::string("/v1/companies") + bad);
    EXPECT_TRUE(IsProblem(res, 400)) << bad;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"sort"}) << bad << " " << res.body;
  }
}

TEST_F(CompaniesTest, ListLimitBounds) {
  for (int i = 0; i < 25; ++i) create_id("Firma " + std::to_string(100 + i));
  auto standard = client().get("/v1/companies");
  ASSERT_EQ(standard.status, 200);
  EXPECT_EQ(standard.json()["items"].size(), 20u);
  EXPECT_TRUE(standard.json()["next_cursor"].is_string());
  EXPECT_TRUE(standard.header("link").has_value());

  auto one = client().get("/v1/companies?limit=1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json()["items"].size(), 1u);
  EXPECT_EQ(one.json()["items"][0]["name"], "Firma 100");

  auto exact = client().get("/v1/companies?limit=25");
  ASSERT_EQ(exact.status, 200);
  EXPECT_EQ(exact.json()["items"].size(), 25u);
  EXPECT_TRUE(exact.json()["next_cursor"].is_null()) << "a next page after the last row";
  EXPECT_FALSE(exact.header("link").has_value());

  auto most = client().get("/v1/companies?limit=100");
  ASSERT_EQ(most.status, 200);
  EXPECT_EQ(most.json()["items"].size(), 25u);
  EXPECT_TRUE(most.json()["next_cursor"].is_null());
  EXPECT_FALSE(most.header("link").has_value());

  for (const char* bad : {"0", "101", "abc", "-1", "", "1.5", "1e2", "99999999999999999999", "%2B5"}) {
    auto res = client().get(std::string("/v1/companies?limit=") + bad);
    EXPECT_TRUE(IsProblem(res, 400)) << "limit=" << bad;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"limit"}) << bad << " " << res.body;
  }
}

TEST_F(CompaniesTest, KeysetPaginationVisitsEveryRowExactlyOnce) {
  // Ties in the sort key (equal names) must be broken by id across page boundaries.
  std::vector<long long> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(create_id("Gleicher Name GmbH"));
  for (int i = 0; i < 16; ++i) ids.push_back(create_id((i % 2 ? "Zweig " : "Ast ") + std::to_string(i)));
  // Spread updated_at so that it also has ties and distinct values.
  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(ids[2]), {{"city", "Kiel"}}, writer()).status, 200);
  ASSERT_EQ(client().patch("/v1/companies/" + std::to_string(ids[11]), {{"city", "Kiel"}}, writer()).status, 200);
  std::string tied;
  for (int i = 4; i < 8; ++i) tied += (tied.empty() ? "" : ", ") + std::to_string(ids[static_cast<std::size_t>(i)]);
  execute("UPDATE companies SET updated_at = '2018-11-13 09:00:00' WHERE id IN (" + tied + ")");

  const std::vector<std::pair<std::string, std::string>> orders = {{"name", "name ASC, id ASC"},
                                                                   {"-name", "name DESC, id DESC"},
                                                                   {"created_at", "created_at ASC, id ASC"},
                                                                   {"-created_at", "created_at DESC, id DESC"},
                                                                   {"updated_at", "updated_at ASC, id ASC"},
                                                                   {"-updated_at", "updated_at DESC, id DESC"}};
  for (const auto& [sort, order_by] : orders) {
    for (int limit : {1, 4, 7, 23}) {
      int pages = 0;
      auto seen = walk("sort=" + sort + "&limit=" + std::to_string(limit), writer(), &pages);
      EXPECT_EQ(seen, db_ids(order_by)) << "sort=" << sort << " limit=" << limit;
      EXPECT_EQ(pages, (23 + limit - 1) / limit) << "sort=" << sort << " limit=" << limit;
    }
  }
  // With filters in the query: the Link keeps them.
  auto filtered = walk("q=Zweig&limit=3&sort=-name", reader());
  EXPECT_EQ(filtered.size(), 8u);
  EXPECT_EQ(std::set<long long>(filtered.begin(), filtered.end()).size(), 8u);
}

TEST_F(CompaniesTest, ForeignAndGarbageCursorsAre400) {
  for (int i = 0; i < 5; ++i) create_id("Firma " + std::to_string(i));
  auto page = client().get("/v1/companies?sort=name&limit=2");
  ASSERT_EQ(page.status, 200);
  std::string cursor = page.json()["next_cursor"].get<std::string>();
  EXPECT_EQ(client().get("/v1/companies?sort=name&limit=2&cursor=" + api::url_encode(cursor)).status, 200);
  EXPECT_EQ(client().get("/v1/companies?limit=2&cursor=" + api::url_encode(cursor)).status, 200)
      << "name is the default sort";

  for (const char* other : {"-name", "created_at", "-created_at", "updated_at"}) {
    auto res = client().get(std::string("/v1/companies?limit=2&sort=") + other + "&cursor=" + api::url_encode(cursor));
    EXPECT_TRUE(IsProblem(res, 400)) << other;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"cursor"}) << res.body;
  }
  for (const std::string& garbage :
       {std::string("!!!"), std::string("abc"), std::string("eyJpZCI6MX0"), std::string("x"), std::string(""),
        std::string("MQpuYW1lCmFiYwp4"), std::string("MgpuYW1lCjEKeA"), std::string("MQpuYW1lCi01CngK"),
        std::string("MQpuYW1lCjAKeA"), std::string("MQotbmFtZQoxCng")}) {
    auto res = client().get("/v1/companies?sort=name&limit=2&cursor=" + api::url_encode(garbage));
    EXPECT_TRUE(IsProblem(res, 400)) << "cursor=" << garbage << " " << res.body;
    EXPECT_EQ(error_fields(res), std::set<std::string>{"cursor"}) << garbage << " " << res.body;
  }
}

TEST_F(CompaniesTest, PagingIsStableWhileRowsAreInserted) {
  std::vector<std::string> initial_names;
  for (char c = 'B'; c <= 'Y'; c += 2) initial_names.push_back(std::string(1, c) + "-Firma");
  std::set<long long> initial;
  for (const auto& n : initial_names) initial.insert(create_id(n));
  int inserted = 0;
  int calls = 0;
  // Between the first three pages (so that the walk ends): rows before, between and after the ones already seen.
  auto insert_some = [&] {
    if (++calls > 3) return;
    for (const char* n : {"A-Neu", "M-Neu", "Z-Neu"}) create_id(std::string(n) + " " + std::to_string(++inserted));
    create_id("H-Firma");  // a tie with an existing name
  };
  for (const char* sort : {"name", "-name", "created_at", "-created_at", "updated_at"}) {
    calls = 0;
    auto seen = walk(std::string("sort=") + sort + "&limit=3", reader(), nullptr, insert_some);
    std::set<long long> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a row was seen twice with sort=" << sort;
    for (long long id : initial) EXPECT_TRUE(unique.contains(id)) << "row " << id << " skipped with sort=" << sort;
    initial = {};
    for (long long id : db_ids("id")) initial.insert(id);  // what exists now is the start of the next walk
  }

  // And with a writer inserting concurrently, not just between pages.
  std::atomic<bool> stop{false};
  std::thread inserter([&] {
    HttpClient own(server().port());
    int n = 0;
    while (!stop.load() && n < 150) {
      auto res = own.post("/v1/companies",
                          {{"slug", "parallel-" + std::to_string(++n)}, {"name", "P " + std::to_string(n)}}, writer());
      if (res.status != 201) break;
    }
  });
  std::set<long long> before;
  for (long long id : db_ids("id")) before.insert(id);
  std::vector<long long> seen;
  try {
    seen = walk("sort=name&limit=4", reader());
  } catch (...) {
    stop = true;
    inserter.join();
    throw;
  }
  stop = true;
  inserter.join();
  std::set<long long> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size());
  for (long long id : before) EXPECT_TRUE(unique.contains(id)) << "row " << id << " skipped under concurrent inserts";
}

}  // namespace
}  // namespace zusammen::testing
