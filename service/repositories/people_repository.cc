#include "service/repositories/people_repository.h"

#include "service/repositories/id_list.h"
#include "service/repositories/registration_repository.h"
#include "service/repositories/sql.h"

namespace zusammen::service::people_repository {
namespace {

const std::string kMeetings = "SELECT id, title, " + sql::rfc3339("starts_at") + " FROM meetings";
const std::string kIdempotencyRecords =
    "SELECT method, path, status, " + sql::rfc3339("created_at") + " FROM idempotency_keys";
constexpr const char* kEraseIdempotencyRecords = "DELETE FROM idempotency_keys";
const std::string kChanges = "SELECT seq, entity_type, entity_id, op, " + sql::rfc3339("changed_at") + " FROM changes";
// Retention passed: the registration's own date lies before today, or it has none and the meeting
// ended more than the default number of days ago (0 days: no default).
constexpr const char* kExpired =
    "SELECT r.id, r.email FROM registrations r JOIN meetings m ON m.id = r.meeting_id "
    "WHERE r.anonymized_at IS NULL AND (r.retain_until < UTC_DATE() OR (r.retain_until IS NULL AND "
    ":days > 0 AND m.ends_at < UTC_TIMESTAMP() - INTERVAL :days2 DAY)) ORDER BY r.id LIMIT :limit FOR UPDATE";
// The placeholders keep (meeting_id, email_key) unique and every row valid; .invalid never resolves.
constexpr const char* kAnonymise =
    "UPDATE registrations SET first_name = 'anonymised', last_name = 'anonymised', "
    "email = CONCAT('anonymised-', id, '@example.invalid'), email_key = CONCAT('anonymised-', id, "
    "'@example.invalid'), organization = NULL, job_title = NULL, notes = NULL, source = NULL, "
    "external_ref = NULL, anonymized_at = CURRENT_TIMESTAMP(6), version = version + 1, "
    "updated_at = CURRENT_TIMESTAMP(6) WHERE id IN (";

std::string like_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// "response_body LIKE ? OR ... OR response_headers LIKE ?" with its values: the address anywhere in a
// stored answer (the collation compares case-insensitively), or "/v1/registrations/<id>" as a Location.
void match_records(sql::Query& query, const std::vector<std::string>& emails, const std::vector<long long>& ids) {
  std::string condition;
  std::vector<std::string> values;
  for (const auto& email : emails) {
    if (!condition.empty()) condition += " OR ";
    condition += "response_body LIKE ?";
    // Built by appending: GCC 12's Release build took `"%" + std::string` for an overlapping copy.
    std::string pattern(1, '%');
    pattern += like_escaped(email);
    pattern += '%';
    values.push_back(std::move(pattern));
  }
  for (long long id : ids) {
    if (!condition.empty()) condition += " OR ";
    condition += "response_headers LIKE ?";
    std::string pattern = "%/v1/registrations/";
    pattern += std::to_string(id);
    pattern += "\"%";
    values.push_back(std::move(pattern));
  }
  query.where(condition, values);
}

}  // namespace

std::vector<Registration> registrations_of(soci::session& session, const std::string& email_key) {
  auto query = registration_repository::select_query();
  query.where("r.email_key = ?", {email_key});
  query.append(" ORDER BY r.meeting_id, r.id");
  std::vector<Registration> out;
  for (auto& row : registration_repository::fetch(session, query)) out.push_back(std::move(row.first));
  registration_repository::attach_workshops(session, out);
  return out;
}

std::vector<PersonMeeting> meetings(soci::session& session, const std::vector<long long>& ids) {
  std::vector<PersonMeeting> out;
  if (ids.empty()) return out;
  sql::Query query(kMeetings);
  query.where("id IN (" + sql::id_list(ids) + ")");
  query.append(" ORDER BY id");
  query.for_each(session, [&out](const soci::row& r) {
    out.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2)});
  });
  return out;
}

std::vector<PersonIdempotencyRecord> idempotency_records(soci::session& session, const std::vector<std::string>& emails,
                                                         const std::vector<long long>& registration_ids) {
  std::vector<PersonIdempotencyRecord> out;
  if (emails.empty() && registration_ids.empty()) return out;
  sql::Query query(kIdempotencyRecords);
  match_records(query, emails, registration_ids);
  query.append(" ORDER BY created_at");
  query.for_each(session, [&out](const soci::row& r) {
    out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::optional<int>>(2), r.get<std::string>(3)});
  });
  return out;
}

long long erase_idempotency_records(soci::session& session, const std::vector<std::string>& emails,
                                    const std::vector<long long>& registration_ids) {
  if (emails.empty() && registration_ids.empty()) return 0;
  sql::Query query(kEraseIdempotencyRecords);
  match_records(query, emails, registration_ids);
  soci::details::prepare_temp_type prepared = (session.prepare << query.text());
  for (const auto& value : query.values()) prepared, soci::use(value);
  soci::statement statement(prepared);
  statement.execute(true);
  return statement.get_affected_rows();
}

std::vector<Change> changes_of(soci::session& session, const std::vector<long long>& registration_ids) {
  std::vector<Change> out;
  if (registration_ids.empty()) return out;
  sql::Query query(kChanges);
  query.where("entity_type = 'registration' AND entity_id IN (" + sql::id_list(registration_ids) + ")");
  query.append(" ORDER BY seq");
  query.for_each(session, [&out](const soci::row& r) {
    out.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<long long>(2), r.get<std::string>(3),
                   r.get<std::string>(4)});
  });
  return out;
}

std::vector<Expired> expired(soci::session& session, const RetentionPolicy& policy, int limit) {
  std::vector<Expired> out;
  soci::rowset<soci::row> rows = (session.prepare << kExpired, soci::use(policy.days_after_meeting),
                                  soci::use(policy.days_after_meeting), soci::use(limit));
  for (const auto& r : rows) out.push_back({r.get<long long>(0), r.get<std::string>(1)});
  return out;
}

void anonymise(soci::session& session, const std::vector<long long>& ids) {
  if (ids.empty()) return;
  session << std::string(kAnonymise) + sql::id_list(ids) + ")";
}

}  // namespace zusammen::service::people_repository
