// Network totals for internal dashboards: the domain types (no database here; service/stats.h has the service).
#pragma once

#include <map>
#include <string>

#include "service/status.h"

namespace zusammen::service {

struct NetworkStats {
  long long active_companies = 0;
  std::map<std::string, long long> initiatives_by_category;  // every category, zeros included
  long long people_reached = 0;
  long long meetings_held = 0;
  int year = 0;                                              // the database's current UTC year
  std::map<std::string, long long> registrations_by_status;  // every status, zeros included
};

}  // namespace zusammen::service
