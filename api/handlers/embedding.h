// include=company: the companies of a whole page in one query, not one per item.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/app.h"
#include "api/json/company_json.h"

namespace zusammen::api {

// Renders items with to_json; with_company adds "company" (the company as the audience may see
// it, or null) for the id company_of(item) names.
template <typename T, typename ToJson, typename CompanyOf>
service::Result<nlohmann::json> render_with_companies(const std::vector<T>& items, bool with_company,
                                                      service::Audience audience, Services& services, ToJson to_json,
                                                      CompanyOf company_of) {
  std::map<long long, nlohmann::json> companies;
  if (with_company) {
    std::vector<long long> ids;
    for (const auto& item : items) {
      if (std::optional<long long> id = company_of(item)) ids.push_back(*id);
    }
    auto found = services.companies.get_many(ids, audience);
    if (!found.ok()) return found.error();
    for (const auto& c : *found) companies[c.id] = company_to_json(c, audience == service::Audience::internal);
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) {
    nlohmann::json rendered = to_json(item);
    if (with_company) {
      std::optional<long long> id = company_of(item);
      auto it = id ? companies.find(*id) : companies.end();
      rendered["company"] = it == companies.end() ? nlohmann::json(nullptr) : it->second;
    }
    out.push_back(std::move(rendered));
  }
  return out;
}

}  // namespace zusammen::api
