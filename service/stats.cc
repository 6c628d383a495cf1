#include "service/stats.h"

#include <soci/soci.h>

#include "service/initiatives.h"
#include "service/registrations.h"
#include "service/repositories/stats_repository.h"

namespace zusammen::service {

Result<NetworkStats> StatsService::network() {
  return in_transaction<NetworkStats>(pool_, [](soci::session& sql) -> Result<NetworkStats> {
    NetworkStats stats;
    for (auto category : kInitiativeCategories) stats.initiatives_by_category[std::string(category)] = 0;
    for (auto status : kRegistrationStatuses) stats.registrations_by_status[std::string(status)] = 0;
    stats_repository::read_network(sql, stats);
    return stats;
  });
}

}  // namespace zusammen::service
