#include "service/database_stats.h"

#include <atomic>

namespace zusammen::service {
namespace {

std::array<std::atomic<std::uint64_t>, kDatabaseErrorKinds> counters{};

}  // namespace

void count_database_error(DatabaseErrorKind kind) {
  counters[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
}

std::string_view database_error_kind_name(DatabaseErrorKind kind) {
  switch (kind) {
    case DatabaseErrorKind::unavailable:
      return "unavailable";
    case DatabaseErrorKind::pool_exhausted:
      return "pool_exhausted";
    case DatabaseErrorKind::connection_lost:
      return "connection_lost";
    case DatabaseErrorKind::timeout:
      return "timeout";
    case DatabaseErrorKind::deadlock:
      return "deadlock";
    case DatabaseErrorKind::lock_wait:
      return "lock_wait";
    case DatabaseErrorKind::read_only:
      return "read_only";
    case DatabaseErrorKind::duplicate:
      return "duplicate";
    case DatabaseErrorKind::foreign_key:
      return "foreign_key";
    case DatabaseErrorKind::other:
      return "other";
  }
  return "other";
}

std::array<std::uint64_t, kDatabaseErrorKinds> database_error_counts() {
  std::array<std::uint64_t, kDatabaseErrorKinds> out{};
  for (std::size_t i = 0; i < kDatabaseErrorKinds; ++i) out[i] = counters[i].load(std::memory_order_relaxed);
  return out;
}

}  // namespace zusammen::service
