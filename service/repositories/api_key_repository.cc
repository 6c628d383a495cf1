#include "service/repositories/api_key_repository.h"

#include "service/encoding.h"
#include "service/repositories/sql.h"

namespace zusammen::service::api_key_repository {

namespace {

constexpr const char* kInsert =
    "INSERT INTO api_keys (name, prefix, key_hash, scopes) VALUES (:name, :prefix, :hash, :scopes)";
constexpr const char* kRevoke =
    "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(6) WHERE id = :id AND revoked_at IS NULL";
const std::string kSelect = "SELECT id, name, prefix, scopes, " + sql::rfc3339("created_at") + ", " +
                            sql::rfc3339("revoked_at") + " FROM api_keys";

std::set<std::string> scopes_of(const std::string& text) {
  auto parts = split_list(text);
  return {parts.begin(), parts.end()};
}

std::vector<ApiKey> fetch(soci::session& session, const sql::Query& query) {
  std::vector<ApiKey> out;
  query.for_each(session, [&](const soci::row& r) {
    out.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2), scopes_of(r.get<std::string>(3)),
                   r.get<std::string>(4), r.get<std::optional<std::string>>(5)});
  });
  return out;
}

std::optional<ApiKey> first(std::vector<ApiKey> keys) {
  if (keys.empty()) return std::nullopt;
  return std::move(keys.front());
}

}  // namespace

long long insert(soci::session& session, const std::string& name, const std::string& prefix,
                 const std::string& key_hash, const std::string& scopes) {
  session << kInsert, soci::use(name), soci::use(prefix), soci::use(key_hash), soci::use(scopes);
  return sql::last_insert_id(session);
}

std::optional<ApiKey> find(soci::session& session, long long id) {
  return first(fetch(session, sql::Query(kSelect).where("id = ?", {std::to_string(id)})));
}

std::vector<ApiKey> all(soci::session& session) { return fetch(session, sql::Query(kSelect).append(" ORDER BY id")); }

std::optional<ApiKey> find_live_by_hash(soci::session& session, const std::string& key_hash) {
  return first(fetch(session, sql::Query(kSelect).where("key_hash = ?", {key_hash}).where("revoked_at IS NULL")));
}

void revoke(soci::session& session, long long id) { session << kRevoke, soci::use(id); }

}  // namespace zusammen::service::api_key_repository
