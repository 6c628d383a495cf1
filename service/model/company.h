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

}  // namespace zusammen::service
