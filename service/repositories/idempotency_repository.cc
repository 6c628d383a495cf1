#include "service/repositories/idempotency_repository.h"

#include "service/database.h"

namespace zusammen::service::idempotency_repository {
namespace {

constexpr const char* kInsertClaim =
    "INSERT INTO idempotency_keys (scope, idem_key, method, path, request_hash, resource_type, resource_id) "
    "VALUES (:scope, :key, :method, :path, :hash, :type, :id)";
constexpr const char* kInsertCompleted =
    "INSERT INTO idempotency_keys (scope, idem_key, method, path, request_hash, status, response_headers, "
    "response_body) VALUES (:scope, :key, :method, :path, :hash, :status, :headers, :body)";
constexpr const char* kFind =
    "SELECT method, path, request_hash, status, response_headers, response_body, "
    "TIMESTAMPDIFF(SECOND, created_at, NOW(6)), COALESCE(resource_type, ''), COALESCE(resource_id, 0) "
    "FROM idempotency_keys WHERE scope = :scope AND idem_key = :key";
constexpr const char* kEraseExpired =
    "DELETE FROM idempotency_keys WHERE scope = :scope AND idem_key = :key "
    "AND created_at < NOW(6) - INTERVAL :hours HOUR";
constexpr const char* kStoreResponse =
    "UPDATE idempotency_keys SET status = :status, response_headers = :headers, response_body = :body "
    "WHERE scope = :scope AND idem_key = :key";
constexpr const char* kPurgeExpired =
    "DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL :hours HOUR LIMIT :limit";

constexpr unsigned kDuplicateKey = 1062;

}  // namespace

void insert_claim(soci::session& session, const IdempotencyRequest& request, const std::string& resource_type,
                  long long resource_id) {
  soci::indicator known = resource_type.empty() ? soci::i_null : soci::i_ok;
  session << kInsertClaim, soci::use(request.scope), soci::use(request.key), soci::use(request.method),
      soci::use(request.path), soci::use(request.request_hash), soci::use(resource_type, known),
      soci::use(resource_id, known);
}

bool insert_completed(soci::session& session, const IdempotencyRequest& request, int status, const std::string& headers,
                      const std::string& body) {
  try {
    session << kInsertCompleted, soci::use(request.scope), soci::use(request.key), soci::use(request.method),
        soci::use(request.path), soci::use(request.request_hash), soci::use(status), soci::use(headers),
        soci::use(body);
  } catch (const std::exception& e) {
    if (mysql_error_number(e) == kDuplicateKey) return false;
    throw;
  }
  return true;
}

std::optional<IdempotencyRecord> find(soci::session& session, const std::string& scope, const std::string& key) {
  IdempotencyRecord record;
  int status = 0;
  soci::indicator status_ind = soci::i_null;
  soci::indicator headers_ind = soci::i_null;
  soci::indicator body_ind = soci::i_null;
  session << kFind, soci::use(scope), soci::use(key), soci::into(record.method), soci::into(record.path),
      soci::into(record.request_hash), soci::into(status, status_ind), soci::into(record.response_headers, headers_ind),
      soci::into(record.response_body, body_ind), soci::into(record.age_seconds), soci::into(record.resource_type),
      soci::into(record.resource_id);
  if (!session.got_data()) return std::nullopt;
  if (status_ind == soci::i_ok) record.status = status;
  if (headers_ind != soci::i_ok) record.response_headers.clear();
  if (body_ind != soci::i_ok) record.response_body.clear();
  return record;
}

void erase_expired(soci::session& session, const std::string& scope, const std::string& key, int ttl_hours) {
  session << kEraseExpired, soci::use(scope), soci::use(key), soci::use(ttl_hours);
}

void store_response(soci::session& session, const std::string& scope, const std::string& key, int status,
                    const std::string& headers, const std::string& body) {
  session << kStoreResponse, soci::use(status), soci::use(headers), soci::use(body), soci::use(scope), soci::use(key);
}

void purge_expired(soci::session& session, int ttl_hours, int limit) {
  session << kPurgeExpired, soci::use(ttl_hours), soci::use(limit);
}

}  // namespace zusammen::service::idempotency_repository
