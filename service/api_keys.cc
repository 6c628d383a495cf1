#include "service/api_keys.h"

#include <soci/soci.h>

#include <algorithm>

#include "service/encoding.h"
#include "service/repositories/sql.h"

namespace zusammen::service {

const std::vector<std::string_view> kScopes = {"content:read", "content:write", "registrations:read",
                                               "registrations:write", "admin"};

namespace {

constexpr const char* kInsert =
    "INSERT INTO api_keys (name, prefix, key_hash, scopes) VALUES (:name, :prefix, :hash, :scopes)";
constexpr const char* kRevoke =
    "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(6) WHERE id = :id AND revoked_at IS NULL";
const std::string kSelect = "SELECT id, name, prefix, scopes, " + sql::rfc3339("created_at") + ", " +
                            sql::rfc3339("revoked_at") + " FROM api_keys";

constexpr std::string_view kKeyPrefix = "zus_";

std::set<std::string> split_scopes(const std::string& text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.insert(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

ApiKey from_row(const soci::row& r) {
  return {r.get<long long>(0),   r.get<std::string>(1),
          r.get<std::string>(2), split_scopes(r.get<std::string>(3)),
          r.get<std::string>(4), r.get<std::optional<std::string>>(5)};
}

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
    sql << kInsert, soci::use(name), soci::use(prefix), soci::use(hash), soci::use(joined);
    long long id = service::sql::last_insert_id(sql);
    std::optional<ApiKey> key;
    sql::Query query(kSelect);
    query.where("id = ?", {std::to_string(id)});
    query.for_each(sql, [&](const soci::row& r) { key = from_row(r); });
    return *key;
  });
  if (!created.ok()) return created.error();
  return CreatedApiKey{*created, secret};
}

Result<std::vector<ApiKey>> ApiKeyService::list() {
  return with_session<std::vector<ApiKey>>(pool_, [&](soci::session& sql) -> Result<std::vector<ApiKey>> {
    std::vector<ApiKey> out;
    sql::Query query(kSelect);
    query.append(" ORDER BY id");
    query.for_each(sql, [&](const soci::row& r) { out.push_back(from_row(r)); });
    return out;
  });
}

Status ApiKeyService::revoke(long long id) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    if (!service::sql::exists(sql, service::sql::Table::api_keys, id)) {
      return Error::not_found("No API key with id " + std::to_string(id) + ".");
    }
    sql << kRevoke, soci::use(id);
    return Unit{};
  });
}

Result<std::optional<ApiKey>> ApiKeyService::authenticate(const std::string& token) {
  if (!token.starts_with(kKeyPrefix) || token.size() > 200) return std::optional<ApiKey>{};
  std::string hash = sha256_hex(token);
  return with_session<std::optional<ApiKey>>(pool_, [&](soci::session& sql) -> Result<std::optional<ApiKey>> {
    std::optional<ApiKey> key;
    sql::Query query(kSelect);
    query.where("key_hash = ?", {hash}).where("revoked_at IS NULL");
    query.for_each(sql, [&](const soci::row& r) { key = from_row(r); });
    return key;
  });
}

}  // namespace zusammen::service
