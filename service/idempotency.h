// Idempotency keys (Idempotency-Key on POST): the key is recorded in the same
// transaction as the request's write, so a retry after a lost answer never writes
// twice. api/ marks the request with an IdempotencyClaim (a thread-local, RAII) before
// running its handler; the first transaction of that request that records a change
// (record_changes) inserts the key just before its COMMIT (detail::run_unit). A
// concurrent duplicate blocks on the key's primary key until the first commits, then
// fails with a duplicate key: its transaction, and so its write, rolls back.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "service/database.h"
#include "service/status.h"

// SOCI stays out of the headers api/ reads: the session is only named here (service/ and the
// repositories include <soci/soci.h> themselves).
namespace soci {
class session;
}  // namespace soci

namespace zusammen::service {

// What identifies a request under a key: who sent it, the key, and a fingerprint of the request.
struct IdempotencyRequest {
  std::string scope;  // "key:<api key id>" or "anonymous": callers' keys never collide
  std::string key;
  std::string method;
  std::string path;
  std::string request_hash;  // SHA-256 hex of the request (api/idempotency.h)
};

struct IdempotencyRecord {
  std::string method;
  std::string path;
  std::string request_hash;
  std::optional<int> status;     // nullopt: the write committed, the answer is not stored (yet)
  std::string response_headers;  // JSON object text
  std::string response_body;
  long long age_seconds = 0;
};

// While alive, the transactions this thread runs belong to a request that carries an
// Idempotency-Key. Not nestable; one per request.
class IdempotencyClaim {
 public:
  explicit IdempotencyClaim(IdempotencyRequest request);
  ~IdempotencyClaim();
  IdempotencyClaim(const IdempotencyClaim&) = delete;
  IdempotencyClaim& operator=(const IdempotencyClaim&) = delete;

  // The key committed together with a write of this request.
  bool claimed() const;
  // Another request with the same key committed first: this request's write was rolled back.
  bool duplicate() const;
};

namespace detail {
// record_changes: the current transaction writes.
void note_write();
// run_unit, transactional path: at the start of each attempt, right before COMMIT (inserts the
// key when this unit wrote and the request's key is not yet claimed; may throw a duplicate key),
// and after a successful COMMIT.
void unit_begin();
void before_commit(soci::session& session);
void after_commit();
}  // namespace detail

class IdempotencyService {
 public:
  IdempotencyService(Pool& pool, std::chrono::hours ttl) : pool_(pool), ttl_(ttl) {}

  // The live record of (scope, key); an expired one is deleted and reported as absent.
  Result<std::optional<IdempotencyRecord>> find(const std::string& scope, const std::string& key);
  // Fills in the answer of a claimed key (and purges a few expired keys).
  Status store_response(const std::string& scope, const std::string& key, int status, const std::string& headers,
                        const std::string& body);
  // For a request that succeeded without a recorded write (nothing claimed the key): records key
  // and answer together, after the fact. False when the key exists already.
  Result<bool> insert_completed(const IdempotencyRequest& request, int status, const std::string& headers,
                                const std::string& body);

 private:
  Pool& pool_;
  std::chrono::hours ttl_;
};

}  // namespace zusammen::service
