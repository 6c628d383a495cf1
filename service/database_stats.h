// Process-wide counters of database failures by kind, for /metrics. service/
// counts (classify_database_error, the pool); api/metrics.cc reads.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace zusammen::service {

enum class DatabaseErrorKind {
  unavailable,      // no connection could be opened
  pool_exhausted,   // no pooled connection was freed within the lease timeout
  connection_lost,  // the connection broke during a statement
  timeout,          // the server stopped a statement that ran too long
  deadlock,
  lock_wait,  // innodb_lock_wait_timeout
  read_only,  // the server accepts no writes (a replica, or read_only set)
  duplicate,  // a unique key
  foreign_key,
  other,
};

inline constexpr std::size_t kDatabaseErrorKinds = static_cast<std::size_t>(DatabaseErrorKind::other) + 1;

void count_database_error(DatabaseErrorKind kind);
std::string_view database_error_kind_name(DatabaseErrorKind kind);
// Every kind's count since the process started, indexed by the enum.
std::array<std::uint64_t, kDatabaseErrorKinds> database_error_counts();

}  // namespace zusammen::service
