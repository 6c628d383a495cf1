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
#include "service/model/idempotency.h"
#include "service/status.h"

namespace zusammen::service {

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
