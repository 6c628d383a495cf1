#include "service/database.h"

#include <poll.h>
#include <soci/logger.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "service/database_stats.h"
#include "service/unit_hooks.h"

namespace zusammen::service {
namespace {

// Whether a statement only reads: it starts with SELECT, SHOW or SET (session variables).
bool is_read_statement(std::string_view query) {
  std::size_t i = 0;
  while (i < query.size() && (std::isspace(static_cast<unsigned char>(query[i])) != 0 || query[i] == '(')) ++i;
  std::size_t end = i;
  while (end < query.size() && std::isalpha(static_cast<unsigned char>(query[end])) != 0) ++end;
  std::string word;
  for (char c : query.substr(i, end - i))
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return word == "SELECT" || word == "SHOW" || word == "SET";
}

// SOCI announces every statement to the session's logger before sending it: this one
// notes in its slot when one may write (Lease::may_have_written).
class WriteTracker final : public soci::logger_impl {
 public:
  explicit WriteTracker(bool* wrote) : wrote_(wrote) {}
  void start_query(const std::string& query) override {
    last_query_ = query;
    if (!is_read_statement(query)) *wrote_ = true;
  }
  std::string get_last_query() const override { return last_query_; }

 private:
  logger_impl* do_clone() const override { return new WriteTracker(wrote_); }
  bool* wrote_;
  std::string last_query_;
};

// An idle connection the server has closed (wait_timeout, KILL, a restart) reads as
// end-of-file or holds an unsolicited error packet: any readiness means it is unusable.
// A zero-timeout poll, no round trip.
bool closed_while_idle(soci::session& session) {
  auto* backend = static_cast<soci::mysql_session_backend*>(session.get_backend());
  if (backend == nullptr || backend->conn_ == nullptr) return true;
  pollfd socket{static_cast<int>(mysql_get_socket(backend->conn_)), POLLIN, 0};
  if (socket.fd < 0) return true;
  return ::poll(&socket, 1, 0) != 0;
}

// While the database stays away every request fails to connect: one line a second tells
// as much, with the number of attempts it stands for.
void report_connect_failure(const char* what) {
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point last_report{};
  static long long failures = 0;
  std::lock_guard lock(mutex);
  ++failures;
  auto now = std::chrono::steady_clock::now();
  if (now - last_report < std::chrono::seconds(1)) return;
  spdlog::warn("database connection failed ({} attempt(s) since the last report): {}", failures, what);
  failures = 0;
  last_report = now;
}

}  // namespace

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), slot_(other.slot_), session_(other.session_), broken_(other.broken_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(slot_, broken_);
}

bool Lease::may_have_written() const { return *pool_->slots_[slot_].wrote; }

Pool::Pool(DatabaseUrl url, PoolOptions options)
    : url_(std::move(url)), options_(options), connect_string_(soci_connect_string(url_, options.timeouts)) {
  if (options_.size == 0) options_.size = 1;
  slots_.resize(options_.size);
  for (std::size_t i = 0; i < options_.size; ++i) {
    slots_[i].session = std::make_unique<soci::session>();
    slots_[i].session->set_logger(new WriteTracker(slots_[i].wrote.get()));
    free_.push_back(options_.size - 1 - i);
  }
}

Pool::~Pool() = default;

Status Pool::prepare(Slot& slot) {
  auto now = std::chrono::steady_clock::now();
  try {
    if (slot.connected && closed_while_idle(*slot.session)) {
      spdlog::info("database connection closed by the server while idle; reconnecting");
      slot.connected = false;
    }
    if (slot.connected && now - slot.last_used > options_.idle_check_after) {
      try {
        int one = 0;
        *slot.session << "SELECT 1", soci::into(one);
      } catch (const std::exception&) {
        slot.connected = false;  // dropped while idle: reconnect below
      }
    }
    if (!slot.connected) {
      slot.session->close();
      slot.session->open(soci::mysql, connect_string_);
      *slot.session << "SET time_zone = '+00:00'";
      *slot.session << "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')";
      if (options_.statement_timeout.count() > 0) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(options_.statement_timeout.count()) / 1000);
        *slot.session << "SET SESSION max_statement_time = " + std::string(seconds);
      }
      if (options_.lock_wait_timeout_seconds > 0) {
        *slot.session << "SET SESSION innodb_lock_wait_timeout = " + std::to_string(options_.lock_wait_timeout_seconds);
      }
      slot.connected = true;
    }
  } catch (const std::exception& e) {
    slot.connected = false;
    count_database_error(DatabaseErrorKind::unavailable);
    report_connect_failure(redact_for_log(e.what()).c_str());
    return Error::unavailable("The database is unavailable.");
  }
  slot.last_used = now;
  *slot.wrote = false;
  return ok_status();
}

namespace {
// NoDatabaseHere's state on this thread.
thread_local bool no_database_here = false;
thread_local bool database_asked = false;
}  // namespace

NoDatabaseHere::NoDatabaseHere() : outer_active_(no_database_here), outer_asked_(database_asked) {
  no_database_here = true;
  database_asked = false;
}

NoDatabaseHere::~NoDatabaseHere() {
  no_database_here = outer_active_;
  database_asked = outer_asked_;
}

bool NoDatabaseHere::asked() const { return database_asked; }

Result<Lease> Pool::lease() {
  if (no_database_here) {
    database_asked = true;
    return Error::unavailable("No database on this thread.");
  }
  if (fallback_ != nullptr) return lease_or_fall_back();
  return lease_own(nullptr);
}

void Pool::fall_back_to(Pool& fallback, std::chrono::milliseconds retry_after) {
  std::lock_guard lock(mutex_);
  fallback_ = &fallback;
  retry_after_ = retry_after;
}

void Pool::mark_down() {
  std::lock_guard lock(mutex_);
  if (fallback_ == nullptr) return;
  if (!down_) {
    spdlog::warn("read replica {}:{} unreachable: reads go to the primary, retrying the replica every {} ms", url_.host,
                 url_.port, retry_after_.count());
  }
  down_ = true;
  down_until_ = std::chrono::steady_clock::now() + retry_after_;
}

Result<Lease> Pool::lease_or_fall_back() {
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (down_) {
      if (now < down_until_) return fallback_->lease();
      // This request probes the replica; the others keep using the primary meanwhile.
      down_until_ = now + retry_after_;
    }
  }
  bool unreachable = false;
  auto own = lease_own(&unreachable);
  if (own.ok()) {
    std::lock_guard lock(mutex_);
    if (down_) {
      down_ = false;
      spdlog::info("read replica {}:{} reachable again", url_.host, url_.port);
    }
    return own;
  }
  if (!unreachable) return own;
  mark_down();
  return fallback_->lease();
}

Result<Lease> Pool::lease_own(bool* unreachable) {
  std::unique_lock lock(mutex_);
  ++waiting_;
  bool got = freed_.wait_for(lock, options_.lease_timeout, [this] { return !free_.empty(); });
  --waiting_;
  if (!got) {
    count_database_error(DatabaseErrorKind::pool_exhausted);
    spdlog::warn("database pool exhausted: no session freed within {} ms", options_.lease_timeout.count());
    return Error::unavailable("The service is busy; try again shortly.");
  }
  std::size_t index = free_.back();
  free_.pop_back();
  lock.unlock();
  Slot& slot = slots_[index];
  if (Status ready = prepare(slot); !ready.ok()) {
    give_back(index, true);
    if (unreachable != nullptr) *unreachable = true;
    return ready.error();
  }
  return Lease(this, index, slot.session.get());
}

void Pool::give_back(std::size_t index, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken) slots_[index].connected = false;
    slots_[index].last_used = std::chrono::steady_clock::now();
    free_.push_back(index);
  }
  freed_.notify_one();
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mutex_);
  return {slots_.size(), slots_.size() - free_.size(), waiting_};
}

Status ping(Pool& pool) {
  return with_session<Unit>(pool, [](soci::session& sql) -> Result<Unit> {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
    return Unit{};
  });
}

namespace detail {

Status run_unit(Pool& pool, bool transactional, const std::function<Status(soci::session&)>& fn) {
  constexpr int kAttempts = 3;
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.lease();
    if (!lease.ok()) return lease.error();
    soci::session& sql = lease->session();
    try {
      if (!transactional) return fn(sql);
      soci::transaction tx(sql);
      detail::unit_begin();
      Status status = fn(sql);
      if (status.ok()) {
        // A request's Idempotency-Key commits with its first write (service/idempotency.h).
        detail::before_commit(sql);
        tx.commit();
        detail::after_commit();
      } else {
        tx.rollback();
      }
      return status;
    } catch (const std::exception& e) {
      bool lost = false;
      Error error = classify_database_error(e, &lost);
      if (lost) lease->mark_broken();
      if (lost && pool.has_fallback()) {
        // A replica went away under a read: answer it from the primary instead (lease() falls back now).
        pool.mark_down();
        if (attempt < kAttempts) continue;
      }
      unsigned number = mysql_error_number(e);
      // Nothing but reads went out on the lost connection (and a transaction without COMMIT
      // is rolled back by the server): the unit runs once more on a fresh one.
      if (lost && !reconnected && !lease->may_have_written()) {
        spdlog::info("retrying a read on a fresh connection after mysql error {}", number);
        reconnected = true;
        continue;
      }
      bool retryable = transactional && is_lock_conflict(number);
      if (!retryable || attempt >= kAttempts) return error;
      spdlog::info("retrying a transaction after mysql error {} (attempt {})", number, attempt);
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    }
  }
}

}  // namespace detail
}  // namespace zusammen::service
