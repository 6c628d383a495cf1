#include "service/repositories/meeting_repository.h"

namespace zusammen::service::meeting_repository {
namespace {

const std::string kColumns =
    "m.id, m.title, m.kind, " + sql::rfc3339("m.starts_at") + ", " + sql::rfc3339("m.ends_at") +
    ", m.timezone, m.venue_name, m.venue_street, m.venue_postal_code, m.venue_city, m.host_company_id, "
    "m.description, m.capacity, m.registration_open, m.status, m.published, " +
    sql::rfc3339("m.created_at") + ", " + sql::rfc3339("m.updated_at") + ", m.version";
constexpr int kSortValueColumn = 19;

constexpr const char* kInsert =
    "INSERT INTO meetings (title, kind, starts_at, ends_at, timezone, venue_name, venue_street, "
    "venue_postal_code, venue_city, host_company_id, description, capacity, registration_open, status, published) "
    "VALUES (:title, :kind, :starts_at, :ends_at, :timezone, :venue_name, :venue_street, :venue_postal_code, "
    ":venue_city, :host_company_id, :description, :capacity, :registration_open, :status, :published)";
constexpr const char* kUpdate =
    "UPDATE meetings SET title = :title, kind = :kind, starts_at = :starts_at, ends_at = :ends_at, "
    "timezone = :timezone, venue_name = :venue_name, venue_street = :venue_street, "
    "venue_postal_code = :venue_postal_code, venue_city = :venue_city, host_company_id = :host_company_id, "
    "description = :description, capacity = :capacity, registration_open = :registration_open, "
    "status = :status, published = :published, version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id = :id AND version = :version";
constexpr const char* kDelete = "DELETE FROM meetings WHERE id = :id";
constexpr const char* kPublishedOnly = "m.published = 1";
constexpr const char* kFullText = "MATCH (m.title, m.description) AGAINST (? IN BOOLEAN MODE)";
constexpr const char* kNotYetOver = "m.ends_at >= UTC_TIMESTAMP()";
constexpr const char* kOver = "m.ends_at < UTC_TIMESTAMP()";

Meeting from_row(const soci::row& r) {
  Meeting m;
  m.id = r.get<long long>(0);
  m.title = r.get<std::string>(1);
  m.kind = r.get<std::string>(2);
  m.starts_at = r.get<std::string>(3);
  m.ends_at = r.get<std::string>(4);
  m.timezone = r.get<std::string>(5);
  Venue venue{r.get<std::optional<std::string>>(6), r.get<std::optional<std::string>>(7),
              r.get<std::optional<std::string>>(8), r.get<std::optional<std::string>>(9)};
  if (!venue.empty()) m.venue = std::move(venue);
  m.host_company_id = r.get<std::optional<long long>>(10);
  m.description = r.get<std::optional<std::string>>(11);
  m.capacity = r.get<std::optional<int>>(12);
  m.registration_open = r.get<int>(13) != 0;
  m.status = r.get<std::string>(14);
  m.published = r.get<int>(15) != 0;
  m.created_at = r.get<std::string>(16);
  m.updated_at = r.get<std::string>(17);
  m.version = r.get<int>(18);
  return m;
}

// The columns of a meeting as bound values, in the order of kInsert and kUpdate.
struct Row {
  explicit Row(const MeetingInput& m)
      : starts_at(to_sql_seconds(m.starts_at)),
        ends_at(to_sql_seconds(m.ends_at)),
        registration_open(m.registration_open ? 1 : 0),
        published(m.published ? 1 : 0) {
    if (m.venue) {
      venue_name = m.venue->name;
      venue_street = m.venue->street;
      venue_postal_code = m.venue->postal_code;
      venue_city = m.venue->city;
    }
  }
  std::string starts_at;
  std::string ends_at;
  std::optional<std::string> venue_name;
  std::optional<std::string> venue_street;
  std::optional<std::string> venue_postal_code;
  std::optional<std::string> venue_city;
  int registration_open;
  int published;
};

void restrict_to(sql::Query& query, Audience audience) {
  if (audience == Audience::public_only) query.where(kPublishedOnly);
}

}  // namespace

sql::Query select_query(const std::string& sort_value_column) {
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM meetings m");
}

SortedRows<Meeting> fetch(soci::session& session, const sql::Query& query) {
  SortedRows<Meeting> out;
  query.for_each(session,
                 [&out](const soci::row& r) { out.emplace_back(from_row(r), r.get<std::string>(kSortValueColumn)); });
  return out;
}

std::optional<Meeting> find(soci::session& session, long long id, bool lock) {
  return find_one<Meeting>(session, select_query(), "m.id", id, lock, fetch);
}

std::optional<Meeting> find_visible(soci::session& session, long long id, Audience audience) {
  auto query = select_query();
  query.where("m.id = ?", {std::to_string(id)});
  restrict_to(query, audience);
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().first);
}

long long insert(soci::session& session, const MeetingInput& m) {
  Row row(m);
  session << kInsert, soci::use(m.title), soci::use(m.kind), soci::use(row.starts_at), soci::use(row.ends_at),
      soci::use(m.timezone), soci::use(row.venue_name), soci::use(row.venue_street), soci::use(row.venue_postal_code),
      soci::use(row.venue_city), soci::use(m.host_company_id), soci::use(m.description), soci::use(m.capacity),
      soci::use(row.registration_open), soci::use(m.status), soci::use(row.published);
  long long id = sql::last_insert_id(session);
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const MeetingInput& m) {
  Row row(m);
  soci::statement statement =
      (session.prepare << kUpdate, soci::use(m.title), soci::use(m.kind), soci::use(row.starts_at),
       soci::use(row.ends_at), soci::use(m.timezone), soci::use(row.venue_name), soci::use(row.venue_street),
       soci::use(row.venue_postal_code), soci::use(row.venue_city), soci::use(m.host_company_id),
       soci::use(m.description), soci::use(m.capacity), soci::use(row.registration_open), soci::use(m.status),
       soci::use(row.published), soci::use(id), soci::use(expected_version));
  return sql::changed_a_row(statement);
}

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

bool company_exists(soci::session& session, long long company_id) {
  return sql::exists(session, sql::Table::companies, company_id);
}

SortedRows<Meeting> list(soci::session& session, const MeetingFilter& filter, const PageRequest& page,
                         Audience audience) {
  auto query = select_query(sort_value_column(page.sort));
  restrict_to(query, audience);
  if (filter.from) query.where("m.ends_at > ?", {*filter.from});
  if (filter.to) query.where("m.starts_at < ?", {*filter.to});
  if (filter.kind) query.where("m.kind = ?", {*filter.kind});
  if (filter.city) query.where("m.venue_city = ?", {*filter.city});
  if (filter.host_company_id) query.where("m.host_company_id = ?", {std::to_string(*filter.host_company_id)});
  if (filter.status) query.where("m.status = ?", {*filter.status});
  if (filter.upcoming) query.where(*filter.upcoming ? kNotYetOver : kOver);
  if (filter.q) {
    if (auto terms = sql::fulltext_terms(*filter.q)) query.where(kFullText, {*terms});
  }
  if (filter.updated_since) query.where("m.updated_at >= ?", {*filter.updated_since});
  apply_page(query, page);
  return fetch(session, query);
}

}  // namespace zusammen::service::meeting_repository
