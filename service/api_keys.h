// API keys: random, shown once, stored only as a SHA-256 hash, with scopes.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/database.h"
#include "service/model/api_key.h"
#include "service/status.h"

namespace zusammen::service {

extern const std::vector<std::string_view> kScopes;  // content:read content:write registrations:read ...

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // the whole key; never stored
};

// admin grants every scope; x:write grants x:read.
bool grants(const std::set<std::string>& scopes, std::string_view wanted);

class ApiKeyService {
 public:
  explicit ApiKeyService(Pool& pool) : pool_(pool) {}

  Result<CreatedApiKey> create(const std::string& name, const std::vector<std::string>& scopes);
  Result<std::vector<ApiKey>> list();
  Status revoke(long long id);
  // The key's record when the token is a live key; nullopt when unknown or revoked.
  Result<std::optional<ApiKey>> authenticate(const std::string& token);

 private:
  Pool& pool_;
};

}  // namespace zusammen::service
