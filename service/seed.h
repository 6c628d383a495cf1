// The demo data set, built from the press release of 15 November 2018
// (shared/seed/): idempotent, German typography intact.
#pragma once

#include "service/database.h"
#include "service/status.h"

namespace zusammen::service {

struct SeedReport {
  int created = 0;
  int existing = 0;
};

Result<SeedReport> seed_demo_data(Pool& pool);

}  // namespace zusammen::service
