#include "service/api_keys.h"

#include <algorithm>

#include "service/encoding.h"
#include "service/repositories/api_key_repository.h"
#include "service/repositories/sql.h"

namespace zusammen::service {

const std::vector<std::string_view> kScopes = {"content:read", "content:write", "registrations:read",
                                               "registrations:write", "admin"};

namespace repo = api_key_repository;

namespace {

constexpr std::string_view kKeyPrefix = "zus_";

}  // namespace

bool grants(const std::set<std::string>& scopes, std::string_view wanted) {
  if (scopes.contains("admin") || scopes.contains(std::string(wanted))) return true;
  if (wanted.ends_with(":read")) {
    std::string write = std::string(wanted.substr(0, wanted.size() - 5)) + ":write";
    return scopes.contains(write);
  }
  return false;
}

Result<CreatedApiKey> ApiKeyService::create(const std::string& name, const std::vector<std::string>& scopes) {
  std::vector<FieldError> errors;
  if (name.empty() || name.size() > 100) errors.push_back({"name", "must have 1 to 100 characters"});
  if (scopes.empty()) errors.push_back({"scopes", "name at least one scope"});
  std::string joined;
  for (const auto& scope : scopes) {
    if (std::find(kScopes.begin(), kScopes.end(), scope) == kScopes.end()) {
      errors.push_back({"scopes", "unknown scope " + scope});
    }
    joined += (joined.empty() ? "" : ",") + scope;
  }
  if (!errors.empty()) return Error::validation(std::move(errors));

  std::string secret = std::string(kKeyPrefix) + base64url_encode(random_bytes(32));
  std::string prefix = secret.substr(0, kKeyPrefix.size() + 6);
  std::string hash = sha256_hex(secret);
  auto created = in_transaction<ApiKey>(pool_, [&](soci::session& sql) -> Result<ApiKey> {
    return *repo::find(sql, repo::insert(sql, name, prefix, hash, joined));
  });
  if (!created.ok()) return created.error();
  return CreatedApiKey{*created, secret};
}

Result<std::vector<ApiKey>> ApiKeyService::list() {
  return with_session<std::vector<ApiKey>>(
      pool_, [&](soci::session& sql) -> Result<std::vector<ApiKey>> { return repo::all(sql); });
}

Status ApiKeyService::revoke(long long id) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    if (!service::sql::exists(sql, service::sql::Table::api_keys, id)) {
      return Error::not_found("No API key with id " + std::to_string(id) + ".");
    }
    repo::revoke(sql, id);
    return Unit{};
  });
}

Result<std::optional<ApiKey>> ApiKeyService::authenticate(const std::string& token) {
  if (!token.starts_with(kKeyPrefix) || token.size() > 200) return std::optional<ApiKey>{};
  std::string hash = sha256_hex(token);
  return with_session<std::optional<ApiKey>>(
      pool_, [&](soci::session& sql) -> Result<std::optional<ApiKey>> { return repo::find_live_by_hash(sql, hash); });
}

}  // namespace zusammen::service
