// The api_keys table: keys stored as a SHA-256 hash with their scopes (comma-separated).
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "service/model/api_key.h"

namespace zusammen::service::api_key_repository {

// The new key's id.
long long insert(soci::session& session, const std::string& name, const std::string& prefix,
                 const std::string& key_hash, const std::string& scopes);
std::optional<ApiKey> find(soci::session& session, long long id);
// Every key, revoked ones too, in id order.
std::vector<ApiKey> all(soci::session& session);
// The live (not revoked) key with this hash.
std::optional<ApiKey> find_live_by_hash(soci::session& session, const std::string& key_hash);
// Marks the key revoked (once: a revoked key keeps its first revoked_at).
void revoke(soci::session& session, long long id);

}  // namespace zusammen::service::api_key_repository
