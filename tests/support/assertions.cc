#include "assertions.h"

#include "api_test.h"

namespace zusammen::testing {

using nlohmann::json;

std::set<std::string> error_fields(const HttpResult& result) {
  std::set<std::string> out;
  auto body = json::parse(result.body, nullptr, false);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array()) return out;
  for (const auto& e : body["errors"]) {
    if (e.is_object() && e.contains("field") && e["field"].is_string()) out.insert(e["field"].get<std::string>());
  }
  return out;
}

::testing::AssertionResult IsProblem(const HttpResult& result, int status) {
  if (result.status != status) {
    return ::testing::AssertionFailure() << "status " << result.status << ", expected " << status << ": "
                                         << result.body;
  }
  std::string type = result.header("content-type").value_or("");
  if (type.rfind("application/problem+json", 0) != 0) {
    return ::testing::AssertionFailure() << "content-type \"" << type << "\" is not application/problem+json";
  }
  auto body = json::parse(result.body, nullptr, false);
  if (!body.is_object() || body.value("status", 0) != status || !body.contains("type") || !body["type"].is_string() ||
      !body.contains("title") || !body.contains("detail")) {
    return ::testing::AssertionFailure() << "not a problem body for " << status << ": " << result.body;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Names(const HttpResult& result, const std::set<std::string>& fields) {
  auto named = error_fields(result);
  std::string missing;
  for (const auto& f : fields) {
    if (!named.contains(f)) missing += " " + f;
  }
  if (!missing.empty()) return ::testing::AssertionFailure() << "errors do not name" << missing << ": " << result.body;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult NamesExactly(const HttpResult& result, const std::set<std::string>& fields) {
  auto named = error_fields(result);
  if (named != fields) {
    std::string want;
    for (const auto& f : fields) want += " " + f;
    return ::testing::AssertionFailure() << "errors should name exactly" << want << ": " << result.body;
  }
  return ::testing::AssertionSuccess();
}

std::vector<long long> ids_in_order(const HttpResult& result) {
  std::vector<long long> out;
  json body = result.json();  // kept alive: the loop runs over a part of it
  for (const auto& item : body.at("items")) out.push_back(item.at("id").get<long long>());
  return out;
}

std::vector<long long> listed_ids(HttpClient client, const std::string& path, const Headers& headers) {
  auto response = client.get(path, headers);
  EXPECT_EQ(response.status, 200) << path << ": " << response.body;
  return response.status == 200 ? ids_in_order(response) : std::vector<long long>{};
}

std::set<long long> ids_of(const HttpResult& result) {
  auto ids = ids_in_order(result);
  return {ids.begin(), ids.end()};
}

std::set<long long> listed_id_set(HttpClient client, const std::string& path, const Headers& headers) {
  auto response = client.get(path, headers);
  EXPECT_EQ(response.status, 200) << path << ": " << response.body;
  return response.status == 200 ? ids_of(response) : std::set<long long>{};
}

::testing::AssertionResult IsCreated(const HttpResult& result, const std::string& collection) {
  if (result.status != 201) {
    return ::testing::AssertionFailure() << "status " << result.status << ", expected 201: " << result.body;
  }
  std::string type = result.header("content-type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    return ::testing::AssertionFailure() << "content-type \"" << type << "\" is not application/json";
  }
  auto body = json::parse(result.body, nullptr, false);
  if (!body.is_object() || !body.contains("id") || !body["id"].is_number_integer() ||
      body["id"].get<long long>() <= 0) {
    return ::testing::AssertionFailure() << "no positive id: " << result.body;
  }
  std::string location = result.header("location").value_or("");
  if (location != collection + "/" + std::to_string(body["id"].get<long long>())) {
    return ::testing::AssertionFailure() << "location \"" << location << "\" is not " << collection << "/<id>";
  }
  std::string etag = result.header("etag").value_or("");
  if (!matches(etag, R"("1-[0-9a-f]{16}")")) {
    return ::testing::AssertionFailure() << "etag " << etag << " is not one of version 1";
  }
  if (body.value("version", 0) != 1) return ::testing::AssertionFailure() << "not at version 1: " << result.body;
  if (!body.contains("created_at") || !body["created_at"].is_string() ||
      !matches(body["created_at"].get<std::string>(), R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")) {
    return ::testing::AssertionFailure() << "created_at is not an instant in UTC: " << result.body;
  }
  return ::testing::AssertionSuccess();
}

void ExpectDeletes(HttpClient client, TestDatabase& db, const std::string& collection, const std::string& table,
                   long long id, long long kept, const Headers& headers) {
  std::string path = collection + "/" + std::to_string(id);
  SCOPED_TRACE("DELETE " + path);
  auto removed = client.del(path, headers);
  ASSERT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(removed.body.empty());
  EXPECT_EQ(db.count(table, "id = " + std::to_string(id)), 0);
  EXPECT_EQ(db.count(table, "id = " + std::to_string(kept)), 1);
}

std::string updated_at_instant(TestDatabase& db, const std::string& table, long long id) {
  return db.scalar("SELECT DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM " + table +
                   " WHERE id = " + std::to_string(id));
}

void ExpectUpdatedSinceListsTheChange(HttpClient client, TestDatabase& db, const std::string& collection,
                                      const std::string& table, const Headers& headers, long long older,
                                      long long changed) {
  SCOPED_TRACE(collection + "?updated_since=");
  std::string since = updated_at_instant(db, table, changed);
  ASSERT_EQ(db.count(table, "updated_at < (SELECT updated_at FROM (SELECT updated_at FROM " + table +
                                " WHERE id = " + std::to_string(changed) + ") t)"),
            1);

  auto at = client.get(collection + "?updated_since=" + since, headers);
  ASSERT_EQ(at.status, 200) << at.body;
  EXPECT_EQ(ids_of(at), (std::set<long long>{changed}));
  auto past = client.get(collection + "?updated_since=2000-01-01T01:00:00%2B01:00", headers);
  ASSERT_EQ(past.status, 200) << past.body;
  EXPECT_EQ(ids_of(past), (std::set<long long>{older, changed}));
  auto future = client.get(collection + "?updated_since=2999-01-01T00:00:00Z", headers);
  ASSERT_EQ(future.status, 200) << future.body;
  EXPECT_TRUE(ids_of(future).empty());
}

namespace {

struct CursorWalk {
  std::string collection;
  std::size_t limit;
  std::string sort;
  Headers headers;
  std::set<long long> expected;
  bool follow_link;
};

void ExpectCursorWalk(HttpClient client, const CursorWalk& walk) {
  std::string base =
      walk.collection + "?limit=" + std::to_string(walk.limit) + (walk.sort.empty() ? "" : "&sort=" + walk.sort);
  SCOPED_TRACE(base);
  std::vector<long long> seen;
  std::string target = base;
  for (int pages = 1; pages <= 20; ++pages) {
    auto page = client.get(target, walk.headers);
    ASSERT_EQ(page.status, 200) << target << ": " << page.body;
    auto ids = ids_in_order(page);
    EXPECT_LE(ids.size(), walk.limit);
    seen.insert(seen.end(), ids.begin(), ids.end());
    json cursor = page.json().at("next_cursor");
    if (cursor.is_null()) {
      EXPECT_FALSE(page.header("link").has_value()) << "a last page has no Link";
      break;
    }
    EXPECT_EQ(ids.size(), walk.limit);
    auto link = page.header("link").value_or("");
    bool linked = matches(link, R"(<[^>]+>; rel="next")");
    EXPECT_TRUE(linked) << link;
    target = base + "&cursor=" + cursor.get<std::string>();
    // The Link header leads to the same page as the cursor.
    if (walk.follow_link && pages == 1 && linked) {
      std::string next = link.substr(1, link.find('>') - 1);
      auto via_link = client.get(next, walk.headers);
      EXPECT_EQ(via_link.status, 200) << next;
      EXPECT_EQ(via_link.body, client.get(target, walk.headers).body) << next;
    }
  }
  EXPECT_EQ(seen.size(), walk.expected.size()) << "sort=" << walk.sort << ": a row was repeated or lost";
  EXPECT_EQ(std::set<long long>(seen.begin(), seen.end()), walk.expected) << "sort=" << walk.sort;
}

}  // namespace

void ExpectCursorWalks(HttpClient client, const CursorWalks& walks) {
  for (const auto& [sort, keyed] : walks.sorts) {
    ExpectCursorWalk(client, {.collection = walks.collection,
                              .limit = walks.limit,
                              .sort = sort,
                              .headers = keyed ? walks.keyed_headers : Headers{},
                              .expected = keyed ? walks.all : walks.published,
                              .follow_link = walks.follow_link});
  }
}

void ExpectUnreadableBodiesRefused(HttpClient client, const std::string& collection, const Headers& headers,
                                   const std::vector<std::string>& unreadable, const json& readable) {
  SCOPED_TRACE("POST " + collection);
  Headers json_headers = headers;
  json_headers["Content-Type"] = "application/json";
  for (const std::string& body : unreadable) {
    auto response = client.request("POST", collection, body, json_headers);
    EXPECT_TRUE(IsProblem(response, 400)) << body;
  }
  Headers text = headers;
  text["Content-Type"] = "text/plain";
  auto wrong_type = client.request("POST", collection, readable.dump(), text);
  EXPECT_TRUE(IsProblem(wrong_type, 415));
}

void ExpectEmbeddedCompany(const json& embedded, long long id, const std::string& name, const std::string& slug,
                           bool internal, const std::string& where) {
  ASSERT_TRUE(embedded.is_object()) << where << ": " << embedded.dump();
  EXPECT_EQ(embedded.at("id"), id) << where;
  EXPECT_EQ(embedded.at("name"), name) << where;
  EXPECT_EQ(embedded.at("slug"), slug) << where;
  EXPECT_EQ(embedded.contains("contact_email"), internal) << where;
  if (internal) {
    EXPECT_EQ(embedded.at("contact_email"), "kontakt@" + slug + ".example") << where;
  }
}

void ExpectBadIdsRefused(HttpClient client, const std::string& collection, const Headers& headers,
                         const std::vector<std::string>& ids, bool names_exactly) {
  for (const auto& id : ids) {
    std::string path = collection + "/";
    path += id;
    auto response = client.get(path, headers);
    EXPECT_TRUE(IsProblem(response, 400)) << path;
    EXPECT_TRUE(names_exactly ? NamesExactly(response, {"id"}) : Names(response, {"id"})) << path;
  }
}

void ExpectItemEmbedsCompany(HttpClient client, const std::string& item, const Headers& keyed, long long company,
                             const std::string& name, const std::string& slug) {
  auto anonymous_item = client.get(item + "?include=company");
  ASSERT_EQ(anonymous_item.status, 200) << anonymous_item.body;
  ExpectEmbeddedCompany(anonymous_item.json().at("company"), company, name, slug, false, "anonymous item");
  auto keyed_item = client.get(item + "?include=company", keyed);
  ASSERT_EQ(keyed_item.status, 200) << keyed_item.body;
  ExpectEmbeddedCompany(keyed_item.json().at("company"), company, name, slug, true, "keyed item");

  EXPECT_FALSE(client.get(item).json().contains("company")) << item;
}

}  // namespace zusammen::testing
