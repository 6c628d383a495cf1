#include "service/idempotency.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "service/repositories/idempotency_repository.h"
#include "service/unit_hooks.h"

namespace zusammen::service {
namespace {

constexpr unsigned kDuplicateKey = 1062;
constexpr int kPurgeBatch = 100;

// The request being served by this thread, when it carries an Idempotency-Key.
struct PendingClaim {
  IdempotencyRequest request;
  bool wrote_in_unit = false;  // the current transaction recorded a change
  std::string first_type;      // ... and this was its first (type and id in the change feed)
  long long first_id = 0;
  bool inserted_in_unit = false;  // ... and inserted the key (not committed yet)
  bool claimed = false;           // the key committed with a write
  bool duplicate = false;         // another request holds the key
};

// The claim of the request this thread is running. The invariant that makes a thread-local
// right: a request runs on one thread from its IdempotencyClaim to its end (the server hands a
// whole request to one worker, api/server.cc), no unit of work of another request runs on that
// thread meanwhile, and the claim's destructor clears it before the thread takes the next task.
thread_local std::optional<PendingClaim> t_pending;

}  // namespace

IdempotencyClaim::IdempotencyClaim(IdempotencyRequest request) {
  t_pending.emplace();
  t_pending->request = std::move(request);
}

IdempotencyClaim::~IdempotencyClaim() { t_pending.reset(); }

bool IdempotencyClaim::claimed() const { return t_pending.has_value() && t_pending->claimed; }
bool IdempotencyClaim::duplicate() const { return t_pending.has_value() && t_pending->duplicate; }

namespace detail {

void note_write(std::string_view type, long long id) {
  if (!t_pending.has_value() || t_pending->wrote_in_unit) return;
  t_pending->wrote_in_unit = true;
  t_pending->first_type = std::string(type);
  t_pending->first_id = id;
}

void unit_begin() {
  if (!t_pending) return;
  t_pending->wrote_in_unit = false;
  t_pending->first_type.clear();
  t_pending->first_id = 0;
  t_pending->inserted_in_unit = false;
}

void before_commit(soci::session& session) {
  PendingClaim* pending = t_pending ? &*t_pending : nullptr;
  if (pending == nullptr || pending->claimed || pending->duplicate || !pending->wrote_in_unit) return;
  try {
    idempotency_repository::insert_claim(session, pending->request, pending->first_type, pending->first_id);
  } catch (const std::exception& e) {
    // Another request committed this key first: the caller's transaction rolls back.
    if (mysql_error_number(e) == kDuplicateKey) {
      pending->duplicate = true;
      spdlog::debug("idempotency: a concurrent request committed key {} first; rolling back", pending->request.key);
    }
    throw;
  }
  pending->inserted_in_unit = true;
}

void after_commit() {
  if (t_pending.has_value() && t_pending->inserted_in_unit) t_pending->claimed = true;
}

}  // namespace detail

Result<std::optional<IdempotencyRecord>> IdempotencyService::find(const std::string& scope, const std::string& key) {
  int hours = static_cast<int>(ttl_.count());
  long long ttl_seconds = static_cast<long long>(hours) * 3600;
  return with_session<std::optional<IdempotencyRecord>>(
      pool_, [&](soci::session& sql) -> Result<std::optional<IdempotencyRecord>> {
        auto record = idempotency_repository::find(sql, scope, key);
        if (record && record->age_seconds >= ttl_seconds) {
          idempotency_repository::erase_expired(sql, scope, key, hours);
          return std::optional<IdempotencyRecord>{};
        }
        return record;
      });
}

Status IdempotencyService::store_response(const std::string& scope, const std::string& key, int status,
                                          const std::string& headers, const std::string& body) {
  int hours = static_cast<int>(ttl_.count());
  return with_session<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    idempotency_repository::store_response(sql, scope, key, status, headers, body);
    idempotency_repository::purge_expired(sql, hours, kPurgeBatch);
    return Unit{};
  });
}

Result<bool> IdempotencyService::insert_completed(const IdempotencyRequest& request, int status,
                                                  const std::string& headers, const std::string& body) {
  return with_session<bool>(pool_, [&](soci::session& sql) -> Result<bool> {
    return idempotency_repository::insert_completed(sql, request, status, headers, body);
  });
}

}  // namespace zusammen::service
