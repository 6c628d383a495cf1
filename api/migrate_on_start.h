// ZUSAMMEN_MIGRATE_ON_START: serve applies the pending migrations before it reports
// ready. When the database cannot take them at start (unreachable, the migration lock
// held elsewhere), serve keeps trying in the background and the app stays "starting"
// (/readyz and the API answer 503) until they are applied.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "api/app.h"
#include "service/database.h"

namespace zusammen::api {

class MigrateOnStart {
 public:
  // Tries once right away; on failure marks app starting and retries in the background.
  // pool: a connection of its own (no statement time limit), closed once they are applied.
  MigrateOnStart(std::unique_ptr<service::Pool> pool, App& app);
  MigrateOnStart(const MigrateOnStart&) = delete;
  MigrateOnStart& operator=(const MigrateOnStart&) = delete;
  // Stops retrying (waits for an attempt in progress).
  ~MigrateOnStart();

 private:
  bool attempt();
  void retry(const std::stop_token& stop);

  std::unique_ptr<service::Pool> pool_;
  App& app_;
  int failures_ = 0;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace zusammen::api
