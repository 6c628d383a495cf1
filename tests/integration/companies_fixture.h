// The fixture of the /v1/companies suites (companies_*_test.cc, one binary each): the real server
// over a private MariaDB, checked over raw HTTP and, independently, through MySQL Connector/C++
// (what was committed). Each binary defines CompaniesTest::kSuite, naming its own database.
#pragma once

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/api_test.h"
#include "api/http.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

// A list's items, by value (a range-for over res.json()["items"] would dangle).
inline json items_of(const HttpResult& r) { return r.json()["items"]; }

const std::regex kItemEtag(R"(^"[1-9][0-9]*-[0-9a-f]{16}"$)");
const std::regex kTimestamp(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$)");
const std::regex kLink(R"(^<([^>]+)>; rel="next"$)");

// The writable fields of a company as the server reports them (for "others unchanged" checks).
inline json writable(const json& company) {
  json out = company;
  for (const char* k : {"id", "created_at", "updated_at", "version"}) out.erase(k);
  return out;
}

// German text as it appears in the press release: umlauts, ß, typographic quotes and dashes.
const json kDeutscheBahn = {
    {"slug", "deutsche-bahn"},
    {"name", "Deutsche Bahn AG"},
    {"sector", "Mobilität und Logistik"},
    {"website", "https://www.deutschebahn.com"},
    {"logo_url", "https://www.deutschebahn.com/logo.svg"},
    {"city", "Berlin"},
    {"state", "DE-BE"},
    {"description",
     "Seit über drei Jahren setzt sich die Deutsche Bahn verstärkt für die Integration von Geflüchteten ein – "
     "mit „Chance plus“, Sprachkursen und Ausbildungsplätzen. Größe: 2.000 Plätze; Straße: Potsdamer Platz 2."},
    {"member_since", "2016-03-01"},
    {"status", "active"},
    {"contact_email", "wir-zusammen@deutschebahn.com"}};

class CompaniesTest : public ApiTest<CompaniesTest> {
 public:
  static const SuiteSettings kSuite;  // defined by each companies_*_test.cc

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    slug_counter_ = 0;
  }

  long long companies() { return count("companies"); }

  std::string next_slug() { return "firma-" + std::to_string(++slug_counter_); }

  // Creates a company over HTTP (content:write) and returns its JSON; throws when that fails.
  json create(json body) {
    if (!body.contains("slug")) body["slug"] = next_slug();
    return post_created(client(), "/v1/companies", body, writer());
  }
  long long create_id(const std::string& name, json extra = json::object()) {
    extra["name"] = name;
    return create(extra)["id"].get<long long>();
  }

  json get_json(long long id, const Headers& headers) {
    auto res = client().get("/v1/companies/" + std::to_string(id), headers);
    if (res.status != 200) throw std::runtime_error("GET company failed: " + res.body);
    return res.json();
  }

  std::string column(long long id, const std::string& col) {
    return scalar("SELECT " + col + " FROM companies WHERE id = " + std::to_string(id));
  }

  // Walks a list by following each page's Link header, checking that the Link carries the same
  // query plus cursor=next_cursor, and that the last page has no Link and next_cursor null.
  std::vector<long long> walk(const std::string& query, const Headers& headers, int* pages = nullptr,
                              const std::function<void()>& between_pages = {}) {
    std::vector<long long> ids;
    std::string target = "/v1/companies" + (query.empty() ? "" : "?" + query);
    auto wanted = parse_query(query);
    for (int page = 0; page < 1000; ++page) {
      auto res = client().get(target, headers);
      if (res.status != 200) throw std::runtime_error("list page failed: " + target + " " + res.body);
      auto body = res.json();
      for (const auto& item : body["items"]) ids.push_back(item["id"].get<long long>());
      if (pages != nullptr) *pages = page + 1;
      if (body["next_cursor"].is_null()) {
        EXPECT_FALSE(res.header("link").has_value()) << "a Link header on the last page: " << *res.header("link");
        return ids;
      }
      EXPECT_TRUE(body["next_cursor"].is_string());
      auto link = res.header("link");
      if (!link) throw std::runtime_error("no Link header although next_cursor is set");
      std::smatch m;
      if (!std::regex_match(*link, m, kLink)) throw std::runtime_error("malformed Link: " + *link);
      std::string next = m[1].str();
      EXPECT_EQ(next.rfind("/v1/companies?", 0), 0u) << next;
      auto link_query = parse_query(next.substr(next.find('?') + 1));
      auto expected = wanted;
      expected["cursor"] = body["next_cursor"].get<std::string>();
      EXPECT_EQ(link_query, expected) << "Link " << next;
      EXPECT_NE(next.find("cursor=" + api::url_encode(body["next_cursor"].get<std::string>())), std::string::npos)
          << next;
      if (between_pages) between_pages();
      target = next;
    }
    throw std::runtime_error("the list never ended");
  }

  // The ids of the list page at target, in order (none, and a failed expectation, unless it is a 200).
  std::vector<long long> list_ids(const std::string& target, const Headers& headers = {}) {
    auto res = client().get(target, headers);
    EXPECT_EQ(res.status, 200) << target << " " << res.body;
    std::vector<long long> out;
    if (res.status == 200) {
      for (const auto& item : items_of(res)) out.push_back(item["id"].get<long long>());
    }
    return out;
  }
  std::set<long long> list_id_set(const std::string& target, const Headers& headers = {}) {
    auto ids = list_ids(target, headers);
    return {ids.begin(), ids.end()};
  }

  std::vector<long long> db_ids(const std::string& order_by) {
    std::vector<long long> out;
    std::unique_ptr<::sql::Statement> statement(db().reader().createStatement());
    std::unique_ptr<::sql::ResultSet> rows(statement->executeQuery("SELECT id FROM companies ORDER BY " + order_by));
    while (rows->next()) out.push_back(rows->getInt64(1));
    return out;
  }

  int slug_counter_ = 0;
};

}  // namespace
}  // namespace zusammen::testing
