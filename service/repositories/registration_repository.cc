#include "service/repositories/registration_repository.h"

#include <algorithm>
#include <set>

#include "service/repositories/id_list.h"

namespace zusammen::service::registration_repository {
namespace {

const std::string kColumns =
    "r.id, r.meeting_id, r.first_name, r.last_name, r.email, r.organization, r.company_id, r.job_title, r.status, "
    "r.source, r.external_ref, r.notes, " +
    sql::rfc3339("r.created_at") + ", " + sql::rfc3339("r.updated_at") + ", r.version, " +
    sql::iso_date("r.retain_until");
constexpr int kSortColumn = 16;

// Statuses that hold a place at the meeting and in its workshops.
constexpr const char* kHolding = "('registered', 'attended', 'no_show')";

constexpr const char* kInsert =
    "INSERT INTO registrations (meeting_id, first_name, last_name, email, email_key, organization, company_id, "
    "job_title, status, source, external_ref, notes, retain_until) VALUES (:meeting_id, :first_name, :last_name, "
    ":email, :email_key, :organization, :company_id, :job_title, :status, :source, :external_ref, :notes, "
    ":retain_until)";
constexpr const char* kUpdate =
    "UPDATE registrations SET first_name = :first_name, last_name = :last_name, email = :email, "
    "email_key = :email_key, organization = :organization, company_id = :company_id, job_title = :job_title, "
    "status = :status, source = :source, external_ref = :external_ref, notes = :notes, "
    "retain_until = :retain_until, version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id = :id AND version = :version";
constexpr const char* kPromote =
    "UPDATE registrations SET status = 'registered', version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM registrations WHERE id = :id";
constexpr const char* kDeleteWorkshops = "DELETE FROM registration_workshops WHERE registration_id = :id";
constexpr const char* kInsertWorkshop =
    "INSERT INTO registration_workshops (registration_id, agenda_item_id) VALUES (:registration_id, :item_id)";
constexpr const char* kMeetingOf = "SELECT meeting_id FROM registrations WHERE id = :id";
constexpr const char* kByEmail =
    "SELECT id FROM registrations WHERE meeting_id = :meeting_id AND email_key = :email_key AND id <> :except_id";
constexpr const char* kBySource =
    "SELECT id FROM registrations WHERE source = :source AND external_ref = :external_ref AND id <> :except_id";
constexpr const char* kStarted = "SELECT COUNT(*) FROM meetings WHERE id = :id AND starts_at <= UTC_TIMESTAMP()";

Registration from_row(const soci::row& r) {
  Registration g;
  g.id = r.get<long long>(0);
  g.meeting_id = r.get<long long>(1);
  g.first_name = r.get<std::string>(2);
  g.last_name = r.get<std::string>(3);
  g.email = r.get<std::string>(4);
  g.organization = r.get<std::optional<std::string>>(5);
  g.company_id = r.get<std::optional<long long>>(6);
  g.job_title = r.get<std::optional<std::string>>(7);
  g.status = r.get<std::string>(8);
  g.source = r.get<std::optional<std::string>>(9);
  g.external_ref = r.get<std::optional<std::string>>(10);
  g.notes = r.get<std::optional<std::string>>(11);
  g.created_at = r.get<std::string>(12);
  g.updated_at = r.get<std::string>(13);
  g.version = r.get<int>(14);
  g.retain_until = r.get<std::optional<std::string>>(15);
  return g;
}

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

void insert_workshops(soci::session& session, long long id, const std::vector<long long>& workshop_ids) {
  for (long long item : workshop_ids) session << kInsertWorkshop, soci::use(id), soci::use(item);
}

}  // namespace

sql::Query select_query(const std::string& sort_value_column) {
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM registrations r");
}

SortedRows<Registration> fetch(soci::session& session, const sql::Query& query) {
  SortedRows<Registration> out;
  query.for_each(session,
                 [&out](const soci::row& r) { out.emplace_back(from_row(r), r.get<std::string>(kSortColumn)); });
  return out;
}

void attach_workshops(soci::session& session, std::vector<Registration>& registrations) {
  constexpr std::size_t kChunk = 1000;
  for (std::size_t start = 0; start < registrations.size(); start += kChunk) {
    std::size_t end = std::min(registrations.size(), start + kChunk);
    std::map<long long, Registration*> by_id;
    std::vector<long long> ids;
    for (std::size_t i = start; i < end; ++i) {
      by_id[registrations[i].id] = &registrations[i];
      registrations[i].workshop_ids.clear();
      ids.push_back(registrations[i].id);
    }
    sql::Query query("SELECT registration_id, agenda_item_id FROM registration_workshops WHERE registration_id IN (" +
                     sql::id_list(ids) + ") ORDER BY registration_id, agenda_item_id");
    query.for_each(session, [&by_id](const soci::row& r) {
      by_id.at(r.get<long long>(0))->workshop_ids.push_back(r.get<long long>(1));
    });
  }
}

std::optional<Registration> find(soci::session& session, long long id, bool lock) {
  auto registration = find_one<Registration>(session, select_query(), "r.id", id, lock, fetch);
  if (!registration) return std::nullopt;
  std::vector<Registration> found = {std::move(*registration)};
  attach_workshops(session, found);
  return std::move(found.front());
}

std::optional<long long> meeting_of(soci::session& session, long long id) {
  long long meeting_id = 0;
  session << kMeetingOf, soci::use(id), soci::into(meeting_id);
  if (!session.got_data()) return std::nullopt;
  return meeting_id;
}

long long insert(soci::session& session, const RegistrationInput& g, const std::string& status) {
  std::string key = email_key(g.email);
  session << kInsert, soci::use(g.meeting_id), soci::use(g.first_name), soci::use(g.last_name), soci::use(g.email),
      soci::use(key), soci::use(g.organization), soci::use(g.company_id), soci::use(g.job_title), soci::use(status),
      soci::use(g.source), soci::use(g.external_ref), soci::use(g.notes), soci::use(g.retain_until);
  long long id = sql::last_insert_id(session);
  insert_workshops(session, id, g.workshop_ids);
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const RegistrationInput& g,
            const std::string& status) {
  std::string key = email_key(g.email);
  soci::statement statement =
      (session.prepare << kUpdate, soci::use(g.first_name), soci::use(g.last_name), soci::use(g.email), soci::use(key),
       soci::use(g.organization), soci::use(g.company_id), soci::use(g.job_title), soci::use(status),
       soci::use(g.source), soci::use(g.external_ref), soci::use(g.notes), soci::use(g.retain_until), soci::use(id),
       soci::use(expected_version));
  if (!sql::changed_a_row(statement)) return false;
  session << kDeleteWorkshops, soci::use(id);
  insert_workshops(session, id, g.workshop_ids);
  return true;
}

void promote(soci::session& session, long long id) { session << kPromote, soci::use(id); }

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

std::optional<long long> find_by_email(soci::session& session, long long meeting_id, const std::string& key,
                                       long long except_id) {
  long long id = 0;
  session << kByEmail, soci::use(meeting_id), soci::use(key), soci::use(except_id), soci::into(id);
  if (!session.got_data()) return std::nullopt;
  return id;
}

std::optional<long long> find_by_source(soci::session& session, const std::string& source,
                                        const std::string& external_ref, long long except_id) {
  long long id = 0;
  session << kBySource, soci::use(source), soci::use(external_ref), soci::use(except_id), soci::into(id);
  if (!session.got_data()) return std::nullopt;
  return id;
}

bool company_exists(soci::session& session, long long company_id) {
  return sql::exists(session, sql::Table::companies, company_id);
}

std::vector<long long> foreign_workshops(soci::session& session, long long meeting_id,
                                         const std::vector<long long>& ids) {
  if (ids.empty()) return {};
  std::set<long long> known;
  sql::Query query("SELECT id FROM agenda_items WHERE kind = 'workshop' AND meeting_id = " +
                   std::to_string(meeting_id) + " AND id IN (" + sql::id_list(ids) + ")");
  query.for_each(session, [&known](const soci::row& r) { known.insert(r.get<long long>(0)); });
  std::vector<long long> out;
  for (long long id : ids) {
    if (!known.contains(id)) out.push_back(id);
  }
  return out;
}

int places_taken(soci::session& session, long long meeting_id) {
  long long count = 0;
  session << "SELECT COUNT(*) FROM registrations WHERE meeting_id = :id AND status IN " + std::string(kHolding),
      soci::use(meeting_id), soci::into(count);
  return static_cast<int>(count);
}

std::vector<long long> full_workshops(soci::session& session, const std::vector<long long>& ids,
                                      long long except_registration) {
  if (ids.empty()) return {};
  sql::Query query("SELECT a.id FROM agenda_items a WHERE a.id IN (" + sql::id_list(ids) +
                   ") AND a.capacity IS NOT NULL AND a.capacity <= (SELECT COUNT(*) FROM registration_workshops w JOIN "
                   "registrations r ON r.id = w.registration_id WHERE w.agenda_item_id = a.id AND r.status IN " +
                   std::string(kHolding) + " AND r.id <> " + std::to_string(except_registration) + ") ORDER BY a.id");
  std::vector<long long> out;
  query.for_each(session, [&out](const soci::row& r) { out.push_back(r.get<long long>(0)); });
  return out;
}

std::vector<Registration> waiting_list(soci::session& session, long long meeting_id) {
  auto query = select_query();
  query.where("r.meeting_id = ? AND r.status = 'waitlisted'", {std::to_string(meeting_id)});
  query.append(" ORDER BY r.created_at, r.id");
  std::vector<Registration> out;
  for (auto& row : fetch(session, query)) out.push_back(std::move(row.first));
  attach_workshops(session, out);
  return out;
}

bool meeting_started(soci::session& session, long long meeting_id) {
  long long count = 0;
  session << kStarted, soci::use(meeting_id), soci::into(count);
  return count > 0;
}

SortedRows<Registration> list(soci::session& session, const RegistrationFilter& filter, const PageRequest& page) {
  auto query = select_query(sort_value_column(page.sort));
  if (filter.meeting_id) query.where("r.meeting_id = ?", {std::to_string(*filter.meeting_id)});
  if (filter.status) query.where("r.status = ?", {*filter.status});
  if (filter.company_id) query.where("r.company_id = ?", {std::to_string(*filter.company_id)});
  if (filter.q) {
    std::string pattern = like_pattern(*filter.q);
    query.where("r.first_name LIKE ? OR r.last_name LIKE ? OR r.email LIKE ? OR r.organization LIKE ?",
                {pattern, pattern, pattern, pattern});
  }
  if (filter.updated_since) query.where("r.updated_at >= ?", {*filter.updated_since});
  apply_page(query, page);
  auto rows = fetch(session, query);
  std::vector<Registration> plain;
  plain.reserve(rows.size());
  for (auto& row : rows) plain.push_back(std::move(row.first));
  attach_workshops(session, plain);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].first = std::move(plain[i]);
  return rows;
}

std::map<std::string, int> count_by_status(soci::session& session, long long meeting_id) {
  std::map<std::string, int> out;
  sql::Query query("SELECT status, COUNT(*) FROM registrations WHERE meeting_id = " + std::to_string(meeting_id) +
                   " GROUP BY status");
  query.for_each(session,
                 [&out](const soci::row& r) { out[r.get<std::string>(0)] = static_cast<int>(r.get<long long>(1)); });
  return out;
}

std::vector<std::pair<std::optional<long long>, int>> count_by_company(soci::session& session, long long meeting_id) {
  std::vector<std::pair<std::optional<long long>, int>> out;
  sql::Query query("SELECT company_id, COUNT(*) FROM registrations WHERE meeting_id = " + std::to_string(meeting_id) +
                   " GROUP BY company_id ORDER BY company_id");
  query.for_each(session, [&out](const soci::row& r) {
    out.emplace_back(r.get<std::optional<long long>>(0), static_cast<int>(r.get<long long>(1)));
  });
  return out;
}

std::vector<WorkshopFill> workshop_fill(soci::session& session, long long meeting_id) {
  std::vector<WorkshopFill> out;
  sql::Query query(
      "SELECT a.id, a.title, a.capacity, "
      "CAST(COALESCE(SUM(r.status IN ('registered', 'attended', 'no_show')), 0) AS SIGNED), "
      "CAST(COALESCE(SUM(r.status = 'waitlisted'), 0) AS SIGNED) "
      "FROM agenda_items a LEFT JOIN registration_workshops w ON w.agenda_item_id = a.id "
      "LEFT JOIN registrations r ON r.id = w.registration_id "
      "WHERE a.kind = 'workshop' AND a.meeting_id = " +
      std::to_string(meeting_id) + " GROUP BY a.id, a.title, a.capacity ORDER BY a.starts_at, a.id");
  query.for_each(session, [&out](const soci::row& r) {
    WorkshopFill fill;
    fill.agenda_item_id = r.get<long long>(0);
    fill.title = r.get<std::string>(1);
    fill.capacity = r.get<std::optional<int>>(2);
    fill.registered = static_cast<int>(r.get<long long>(3));
    fill.waitlisted = static_cast<int>(r.get<long long>(4));
    out.push_back(std::move(fill));
  });
  return out;
}

// --- bulk sync -----------------------------------------------------------------------------------

namespace {

constexpr const char* kColumnsList =
    "meeting_id, first_name, last_name, email, email_key, organization, company_id, job_title, status, source, "
    "external_ref, notes, retain_until";

// "?" for a value (appended to values), NULL for none.
std::string placeholder(std::vector<std::string>& values, const std::optional<std::string>& value) {
  if (!value) return "NULL";
  values.push_back(*value);
  return "?";
}

// "(?, ?, ...)" with the row's values appended in kColumnsList order (the id first when set).
std::string row_values(std::vector<std::string>& values, const BulkRow& row) {
  const RegistrationInput& g = *row.input;
  std::string text = "(";
  if (row.id != 0) {
    values.push_back(std::to_string(row.id));
    text += "?, ";
  }
  text += "?, ?, ?, ?, ?, ";
  values.push_back(std::to_string(g.meeting_id));
  values.push_back(g.first_name);
  values.push_back(g.last_name);
  values.push_back(g.email);
  values.push_back(email_key(g.email));
  text += placeholder(values, g.organization) + ", ";
  text += placeholder(values, g.company_id ? std::optional<std::string>(std::to_string(*g.company_id)) : std::nullopt) +
          ", ";
  text += placeholder(values, g.job_title) + ", ?, ?, ?, ";
  values.push_back(row.status);
  values.push_back(*g.source);
  values.push_back(*g.external_ref);
  text += placeholder(values, g.notes) + ", " + placeholder(values, g.retain_until) + ")";
  return text;
}

}  // namespace

std::map<long long, MeetingPlaces> lock_meetings(soci::session& session, const std::set<long long>& ids) {
  std::map<long long, MeetingPlaces> out;
  if (ids.empty()) return out;
  sql::Query("SELECT id, capacity, registration_open FROM meetings WHERE id IN (" + sql::id_list(ids) +
             ") ORDER BY id FOR UPDATE")
      .for_each(session, [&](const soci::row& r) {
        out[r.get<long long>(0)] = {r.get<std::optional<int>>(1), r.get<int>(2) != 0};
      });
  return out;
}

std::vector<Registration> lock_by_source(soci::session& session,
                                         const std::map<std::string, std::vector<std::string>>& refs_by_source) {
  if (refs_by_source.empty()) return {};
  auto query = select_query();
  std::string condition;
  std::vector<std::string> values;
  for (const auto& [source, refs] : refs_by_source) {
    condition += std::string(condition.empty() ? "" : " OR ") + "(r.source = ? AND r.external_ref IN (" +
                 sql::placeholders(refs.size()) + "))";
    values.push_back(source);
    values.insert(values.end(), refs.begin(), refs.end());
  }
  query.where(condition, values);
  query.append(" FOR UPDATE");
  std::vector<Registration> rows;
  for (auto& row : fetch(session, query)) rows.push_back(std::move(row.first));
  attach_workshops(session, rows);
  return rows;
}

std::set<long long> existing_companies(soci::session& session, const std::set<long long>& ids) {
  std::set<long long> out;
  if (ids.empty()) return out;
  sql::Query("SELECT id FROM companies WHERE id IN (" + sql::id_list(ids) + ")")
      .for_each(session, [&](const soci::row& r) { out.insert(r.get<long long>(0)); });
  return out;
}

std::map<long long, WorkshopSeats> workshop_seats(soci::session& session, const std::set<long long>& ids) {
  std::map<long long, WorkshopSeats> out;
  if (ids.empty()) return out;
  sql::Query(
      "SELECT a.id, a.meeting_id, a.capacity, (SELECT COUNT(*) FROM registration_workshops w JOIN "
      "registrations r ON r.id = w.registration_id WHERE w.agenda_item_id = a.id AND r.status IN " +
      std::string(kHolding) + ") FROM agenda_items a WHERE a.kind = 'workshop' AND a.id IN (" + sql::id_list(ids) + ")")
      .for_each(session, [&](const soci::row& r) {
        out[r.get<long long>(0)] = {r.get<long long>(1), r.get<std::optional<int>>(2),
                                    static_cast<int>(r.get<long long>(3))};
      });
  return out;
}

std::map<EmailSlot, long long> email_owners(soci::session& session, const std::set<long long>& meeting_ids,
                                            const std::set<std::string>& email_keys) {
  std::map<EmailSlot, long long> out;
  if (meeting_ids.empty() || email_keys.empty()) return out;
  sql::Query query("SELECT meeting_id, email_key, id FROM registrations");
  query.where("meeting_id IN (" + sql::id_list(meeting_ids) + ")");
  query.where("email_key IN (" + sql::placeholders(email_keys.size()) + ")", {email_keys.begin(), email_keys.end()});
  query.for_each(session, [&](const soci::row& r) {
    out[{r.get<long long>(0), r.get<std::string>(1)}] = r.get<long long>(2);
  });
  return out;
}

std::map<long long, int> places_taken(soci::session& session, const std::set<long long>& meeting_ids) {
  std::map<long long, int> out;
  if (meeting_ids.empty()) return out;
  sql::Query("SELECT meeting_id, COUNT(*) FROM registrations WHERE meeting_id IN (" + sql::id_list(meeting_ids) +
             ") AND status IN " + std::string(kHolding) + " GROUP BY meeting_id")
      .for_each(session, [&](const soci::row& r) { out[r.get<long long>(0)] = static_cast<int>(r.get<long long>(1)); });
  return out;
}

std::map<SourceKey, long long> insert_many(soci::session& session, const std::vector<BulkRow>& rows) {
  std::map<SourceKey, long long> ids;
  if (rows.empty()) return ids;
  std::string text = std::string("INSERT INTO registrations (") + kColumnsList + ") VALUES ";
  std::vector<std::string> values;
  for (std::size_t k = 0; k < rows.size(); ++k) text += (k == 0 ? "" : ", ") + row_values(values, rows[k]);
  sql::execute(session, text, values);
  // The new ids by key (one statement; no reliance on consecutive auto-increment values).
  std::string condition;
  std::vector<std::string> keys;
  for (const auto& row : rows) {
    condition += std::string(condition.empty() ? "" : " OR ") + "(source = ? AND external_ref = ?)";
    keys.push_back(*row.input->source);
    keys.push_back(*row.input->external_ref);
  }
  sql::Query query("SELECT source, external_ref, id FROM registrations");
  query.where(condition, keys);
  query.for_each(session, [&](const soci::row& r) {
    ids[{r.get<std::string>(0), r.get<std::string>(1)}] = r.get<long long>(2);
  });
  return ids;
}

void update_many(soci::session& session, const std::vector<BulkRow>& rows) {
  if (rows.empty()) return;
  std::string text = std::string("INSERT INTO registrations (id, ") + kColumnsList + ") VALUES ";
  std::vector<std::string> values;
  for (std::size_t k = 0; k < rows.size(); ++k) text += (k == 0 ? "" : ", ") + row_values(values, rows[k]);
  text +=
      " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name), last_name = VALUES(last_name), "
      "email = VALUES(email), email_key = VALUES(email_key), organization = VALUES(organization), "
      "company_id = VALUES(company_id), job_title = VALUES(job_title), notes = VALUES(notes), "
      "retain_until = VALUES(retain_until), "
      "version = version + 1, updated_at = CURRENT_TIMESTAMP(6)";
  sql::execute(session, text, values);
}

void replace_workshops(soci::session& session, const std::set<long long>& cleared,
                       const std::vector<std::pair<long long, long long>>& rows) {
  if (!cleared.empty()) {
    session << "DELETE FROM registration_workshops WHERE registration_id IN (" + sql::id_list(cleared) + ")";
  }
  if (rows.empty()) return;
  std::string text = "INSERT INTO registration_workshops (registration_id, agenda_item_id) VALUES ";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    text += (k == 0 ? "(" : ", (") + std::to_string(rows[k].first) + ", " + std::to_string(rows[k].second) + ")";
  }
  session << text;
}

}  // namespace zusammen::service::registration_repository
