// Idempotency keys: the domain types (no database here; service/idempotency.h claims and finds
// them).
#pragma once

#include <optional>
#include <string>

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
  // What the request wrote first, committed with the key (the change feed's type and id): a
  // lost answer is rebuilt from it. Empty type: not known (an answer stored whole, an old key).
  std::string resource_type;
  long long resource_id = 0;
};

}  // namespace zusammen::service
