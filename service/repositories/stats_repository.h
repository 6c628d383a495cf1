#pragma once

#include <soci/soci.h>

#include "service/model/stats.h"

namespace zusammen::service::stats_repository {

// Fills every figure of stats (three aggregate queries); the maps keep their zero entries
// for keys without rows.
void read_network(soci::session& session, NetworkStats& stats);

}  // namespace zusammen::service::stats_repository
