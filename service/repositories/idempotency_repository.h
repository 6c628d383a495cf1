#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

#include "service/model/idempotency.h"

namespace zusammen::service::idempotency_repository {

// The key without an answer yet, with what the request wrote first (inside the writing
// transaction; an empty type is stored as unknown).
void insert_claim(soci::session& session, const IdempotencyRequest& request, const std::string& resource_type,
                  long long resource_id);
// The key with its answer; false on a duplicate key.
bool insert_completed(soci::session& session, const IdempotencyRequest& request, int status, const std::string& headers,
                      const std::string& body);
std::optional<IdempotencyRecord> find(soci::session& session, const std::string& scope, const std::string& key);
void erase_expired(soci::session& session, const std::string& scope, const std::string& key, int ttl_hours);
void store_response(soci::session& session, const std::string& scope, const std::string& key, int status,
                    const std::string& headers, const std::string& body);
// Deletes up to limit keys older than ttl_hours.
void purge_expired(soci::session& session, int ttl_hours, int limit);

}  // namespace zusammen::service::idempotency_repository
