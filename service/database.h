// Database access for the service: URL parsing, a fixed pool of SOCI sessions
// leased with a timeout, and units of work that map database failures to the
// service's error codes. SOCI is the service's only data access.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/status.h"

// SOCI stays out of the headers api/ reads: the session is only named here (service/ and the
// repositories include <soci/soci.h> themselves).
namespace soci {
class session;
}  // namespace soci

namespace zusammen::service {

struct DatabaseUrl {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database;
};

// Parses mysql://user:pass@host:port/db (user info and port optional; percent-escapes decoded).
Result<DatabaseUrl> parse_database_url(const std::string& url);

struct DatabaseTimeouts {
  int connect_seconds = 5;
  int read_seconds = 30;
  int write_seconds = 30;
};

// The SOCI connect string; always utf8mb4 and with connect/read/write timeouts.
std::string soci_connect_string(const DatabaseUrl& url, const DatabaseTimeouts& timeouts);

struct PoolOptions {
  std::size_t size = 8;
  std::chrono::milliseconds lease_timeout{2000};
  // A session idle for longer is pinged before use and reconnected when the
  // server dropped it (wait_timeout, restart).
  std::chrono::seconds idle_check_after{30};
  DatabaseTimeouts timeouts;
  // Each session's max_statement_time (MariaDB): a longer statement fails with 1969 (503). 0: none.
  std::chrono::milliseconds statement_timeout{0};
  // innodb_lock_wait_timeout of every session (0: the server's): a statement waiting longer for a row
  // lock fails with 1205, which in_transaction retries a few times and then reports as unavailable.
  int lock_wait_timeout_seconds = 0;
};

struct PoolStats {
  std::size_t size = 0;
  std::size_t leased = 0;
  std::size_t waiting = 0;
};

class Pool;

// A leased session; returns itself to the pool when destroyed.
class Lease {
 public:
  Lease(Pool* pool, std::size_t slot, soci::session* session) : pool_(pool), slot_(slot), session_(session) {}
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  soci::session& session() { return *session_; }
  // The connection failed underneath: reconnect before the next use.
  void mark_broken() { broken_ = true; }
  // Whether a statement other than SELECT, SHOW or SET was sent during this lease: a unit
  // that failed before one was is safe to run again.
  bool may_have_written() const;

 private:
  Pool* pool_;
  std::size_t slot_;
  soci::session* session_;
  bool broken_ = false;
};

class Pool {
 public:
  Pool(DatabaseUrl url, PoolOptions options);
  ~Pool();  // where soci::session is a complete type
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Waits up to options.lease_timeout for a free session; connects it when needed.
  Result<Lease> lease();
  PoolStats stats() const;
  const DatabaseUrl& url() const { return url_; }

  // Makes this a pool of a read replica: while its server cannot be reached,
  // leases come from the fallback (the primary) and the replica is tried again
  // every retry_after, by one request, so that reads never wait for it each time.
  void fall_back_to(Pool& fallback, std::chrono::milliseconds retry_after);
  // The replica failed underneath (connection lost): use the fallback for a while.
  void mark_down();
  bool has_fallback() const { return fallback_ != nullptr; }

 private:
  friend class Lease;
  struct Slot {
    std::unique_ptr<soci::session> session;
    bool connected = false;
    std::chrono::steady_clock::time_point last_used{};
    // Set by the session's logger (database.cc) when a statement may write.
    std::unique_ptr<bool> wrote = std::make_unique<bool>(false);
  };
  void give_back(std::size_t slot, bool broken);
  Status prepare(Slot& slot);
  // A session of this pool itself; *unreachable is set when connecting failed.
  Result<Lease> lease_own(bool* unreachable);
  Result<Lease> lease_or_fall_back();

  DatabaseUrl url_;
  PoolOptions options_;
  std::string connect_string_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> free_;
  std::size_t waiting_ = 0;

  Pool* fallback_ = nullptr;
  std::chrono::milliseconds retry_after_{0};
  bool down_ = false;  // guarded by mutex_, as down_until_
  std::chrono::steady_clock::time_point down_until_{};
};

// Maps an exception thrown by SOCI (or anything else) to the service's error
// vocabulary; the detail meant for the log goes to spdlog, never to the caller.
// Sets *connection_lost when the session must be reconnected.
Error classify_database_error(const std::exception& e, bool* connection_lost);

// A database error message fit for the log: quoted text (values a statement carried, such as the
// duplicate email of a 1062, and the statement itself) and SOCI's bound values are cut out.
std::string redact_for_log(std::string_view message);

// MySQL error number of a SOCI MySQL error, 0 otherwise.
unsigned mysql_error_number(const std::exception& e);
// A deadlock or a lock wait timeout: a transaction that lost a race, worth running again.
bool is_lock_conflict(unsigned number);

// Runs fn(session) on a leased session; every exception becomes an Error. When the
// connection is lost before fn sent anything but reads, fn runs once more on a fresh one.
template <typename T>
Result<T> with_session(Pool& pool, const std::function<Result<T>(soci::session&)>& fn);

// Runs fn(session) in a transaction: commits when fn returns a value, rolls
// back when it returns an Error or throws. Deadlocks are retried a few times, a lost
// connection once when fn had sent nothing but reads (never after a write).
template <typename T>
Result<T> in_transaction(Pool& pool, const std::function<Result<T>(soci::session&)>& fn);

// One round trip to the database (readiness).
Status ping(Pool& pool);

namespace detail {
Status run_unit(Pool& pool, bool transactional, const std::function<Status(soci::session&)>& fn);
}

// While one lives on a thread, Pool::lease() on that thread refuses at once (unavailable)
// instead of taking or waiting for a connection, and the guard records that it was asked. The
// HTTP reactor answers what needs no database under one (the catalogue's reads); when the
// database was asked for after all, it drops that answer and hands the request to a worker.
class NoDatabaseHere {
 public:
  NoDatabaseHere();
  ~NoDatabaseHere();
  NoDatabaseHere(const NoDatabaseHere&) = delete;
  NoDatabaseHere& operator=(const NoDatabaseHere&) = delete;
  bool asked() const;

 private:
  bool outer_active_;
  bool outer_asked_;
};

template <typename T>
Result<T> with_session(Pool& pool, const std::function<Result<T>(soci::session&)>& fn) {
  std::optional<Result<T>> out;
  Status status = detail::run_unit(pool, false, [&](soci::session& sql) -> Status {
    out.emplace(fn(sql));
    if (out->ok()) return ok_status();
    return out->error();
  });
  if (!status.ok()) return status.error();
  return std::move(*out);
}

template <typename T>
Result<T> in_transaction(Pool& pool, const std::function<Result<T>(soci::session&)>& fn) {
  std::optional<Result<T>> out;
  Status status = detail::run_unit(pool, true, [&](soci::session& sql) -> Status {
    out.emplace(fn(sql));
    if (out->ok()) return ok_status();
    return out->error();
  });
  if (!status.ok()) return status.error();
  return std::move(*out);
}

}  // namespace zusammen::service
