// Network totals for internal dashboards (GET /v1/stats), read in one transaction so the
// figures come from one snapshot. Which rows count is part of the contract (openapi.yaml):
//   active_companies         companies with status active
//   initiatives_by_category  published initiatives of active companies, every category (zeros included)
//   people_reached           sum of participants over the same initiatives
//   meetings_held            meetings with status held (published or not)
//   registrations_by_status  registrations of meetings starting in the current UTC calendar year
#pragma once

#include <map>
#include <string>

#include "service/database.h"
#include "service/model/stats.h"
#include "service/status.h"

namespace zusammen::service {

class StatsService {
 public:
  explicit StatsService(Pool& pool) : pool_(pool) {}
  Result<NetworkStats> network();

 private:
  Pool& pool_;
};

}  // namespace zusammen::service
