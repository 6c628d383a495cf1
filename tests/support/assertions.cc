#include "assertions.h"

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

}  // namespace zusammen::testing
