#include "api/migrate_on_start.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "service/migrations.h"

namespace zusammen::api {
namespace {

// Between attempts: 250 ms, doubling up to 2 s, so a database that appears is used within seconds.
constexpr std::chrono::milliseconds kFirstDelay{250};
constexpr std::chrono::milliseconds kLongestDelay{2000};

}  // namespace

MigrateOnStart::MigrateOnStart(std::unique_ptr<service::Pool> pool, App& app) : pool_(std::move(pool)), app_(app) {
  if (attempt()) {
    pool_.reset();  // its connection is not needed any more
    return;
  }
  app_.set_starting(true);
  thread_ = std::jthread([this](const std::stop_token& stop) { retry(stop); });
}

MigrateOnStart::~MigrateOnStart() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

bool MigrateOnStart::attempt() {
  auto applied = service::migrate(*pool_, service::builtin_migrations());
  if (applied.ok()) {
    spdlog::info("migrations at start: {} applied", applied->size());
    return true;
  }
  // The first failure and then every tenth: a database that stays away does not flood the log.
  if (failures_++ % 10 == 0) {
    spdlog::warn("migrations at start failed ({} attempt(s)); retrying: {}", failures_, applied.error().detail);
  }
  return false;
}

void MigrateOnStart::retry(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  for (auto delay = kFirstDelay;; delay = std::min(delay * 2, kLongestDelay)) {
    wake_.wait_for(lock, stop, delay, [] { return false; });  // only a stop request wakes it early
    if (stop.stop_requested()) return;
    if (attempt()) {
      pool_.reset();
      app_.set_starting(false);
      spdlog::info("migrations applied; the service is ready");
      return;
    }
  }
}

}  // namespace zusammen::api
