// include=company: the service composes (CompanyService::companies_of: the companies of a whole
// page in one read, as the audience may see them); this renders.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/app.h"
#include "api/json/company_json.h"

namespace zusammen::api {

// Renders items with to_json; with_company adds "company" (the company as the audience may see
// it, or null) for the id company_of(item) names. Each company is rendered once per page.
template <typename T, typename ToJson, typename CompanyOf>
service::Result<nlohmann::json> render_with_companies(const std::vector<T>& items, bool with_company,
                                                      service::Audience audience, Services& services, ToJson to_json,
                                                      CompanyOf company_of) {
  nlohmann::json out = nlohmann::json::array();
  if (!with_company) {
    for (const auto& item : items) out.push_back(to_json(item));
    return out;
  }
  std::vector<std::optional<long long>> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(company_of(item));
  auto found = services.companies.companies_of(ids, audience);
  if (!found.ok()) return found.error();
  std::vector<nlohmann::json> companies;
  companies.reserve(found->companies.size());
  for (const auto& c : found->companies)
    companies.push_back(company_to_json(c, audience == service::Audience::internal));
  for (std::size_t i = 0; i < items.size(); ++i) {
    nlohmann::json rendered = to_json(items[i]);
    auto at = found->of_item[i];
    rendered["company"] = at ? companies[*at] : nlohmann::json(nullptr);
    out.push_back(std::move(rendered));
  }
  return out;
}

}  // namespace zusammen::api
