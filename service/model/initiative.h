// What member companies do for integration: their initiatives: the domain types (no database here;
// service/initiatives.h has the service).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/model/audience.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

// What a caller may write.
struct InitiativeInput {
  long long company_id = 0;
  std::string title;
  std::optional<std::string> summary;
  std::optional<std::string> description;
  std::string category;
  std::optional<std::string> target_group;
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  int participants = 0;
  std::optional<std::string> url;
  bool published = false;
  bool operator==(const InitiativeInput&) const = default;
};

struct Initiative : InitiativeInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kInitiativeCategories;
extern const std::vector<SortKey> kInitiativeSortKeys;

constexpr int kMaxParticipants = 10000000;

std::vector<FieldError> validate(const InitiativeInput& input);

struct InitiativeFilter {
  std::optional<long long> company_id;
  std::optional<std::string> category;
  std::optional<std::string> state;
  std::optional<std::string> q;
  std::optional<std::string> active_on;  // YYYY-MM-DD
  std::optional<bool> published;
  std::optional<std::string> updated_since;  // SQL "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC (see timestamp_to_sql)
};

}  // namespace zusammen::service
