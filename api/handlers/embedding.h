// include=company: the service composes (CompanyService::companies_of: the companies of a whole
// page in one read, as the audience may see them); this writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.h"
#include "api/json/company_json.h"
#include "api/json/json_writer.h"

namespace zusammen::api {

// Writes each item with write(out, item, company). company is nullopt without include=company;
// with it, the JSON of the company company_of(item) names as the audience may see it, or "null".
// Each company is written once per page.
template <typename T, typename Write, typename CompanyOf>
service::Status write_with_companies(JsonWriter& out, const std::vector<T>& items, bool with_company,
                                     service::Audience audience, Services& services, Write write,
                                     CompanyOf company_of) {
  if (!with_company) {
    for (const auto& item : items) write(out, item, std::nullopt);
    return service::ok_status();
  }
  std::vector<std::optional<long long>> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(company_of(item));
  auto found = services.companies.companies_of(ids, audience);
  if (!found.ok()) return found.error();
  std::vector<std::string> companies(found->companies.size());
  for (std::size_t i = 0; i < companies.size(); ++i) {
    JsonWriter company(companies[i]);
    write_company(company, found->companies[i], &found->companies[i], audience == service::Audience::internal);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto at = found->of_item[i];
    write(out, items[i], std::optional<std::string_view>(at ? std::string_view(companies[*at]) : "null"));
  }
  return service::ok_status();
}

}  // namespace zusammen::api
