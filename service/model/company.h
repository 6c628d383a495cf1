// Member companies of the network: the domain types (no database here; service/companies.h has the service).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

// What a caller may write.
struct CompanyInput {
  std::string slug;
  std::string name;
  std::optional<std::string> sector;
  std::optional<std::string> website;
  std::optional<std::string> logo_url;
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> description;
  std::optional<std::string> member_since;
  std::string status = "active";
  std::optional<std::string> contact_email;
  bool operator==(const CompanyInput&) const = default;
};

struct Company : CompanyInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kCompanyStatuses;
extern const std::vector<SortKey> kCompanySortKeys;

std::vector<FieldError> validate(const CompanyInput& input);

struct CompanyFilter {
  std::optional<std::string> q;
  std::optional<std::string> state;
  std::optional<std::string> sector;
  std::optional<std::string> status;
  std::optional<std::string> updated_since;  // RFC 3339
};

// include=company for a page of items that name companies: each company once, and for each item
// the index of its company in companies (nullopt: it names none, or one the audience may not see).
struct CompaniesOfItems {
  std::vector<Company> companies;
  std::vector<std::optional<std::size_t>> of_item;
};

}  // namespace zusammen::service
