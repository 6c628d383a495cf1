#include "service/repositories/initiative_repository.h"

#include <map>
#include <string>

#include "service/repositories/id_list.h"

namespace zusammen::service::initiative_repository {
namespace {

const std::string kColumns =
    "i.id, i.company_id, i.title, i.summary, i.description, i.category, i.target_group, i.city, i.state, " +
    sql::iso_date("i.start_date") + ", " + sql::iso_date("i.end_date") + ", i.participants, i.url, i.published, " +
    sql::rfc3339("i.created_at") + ", " + sql::rfc3339("i.updated_at") + ", i.version";

constexpr const char* kInsert =
    "INSERT INTO initiatives (company_id, title, summary, description, category, target_group, city, state, "
    "start_date, end_date, participants, url, published) VALUES (:company_id, :title, :summary, :description, "
    ":category, :target_group, :city, :state, :start_date, :end_date, :participants, :url, :published)";
constexpr const char* kUpdate =
    "UPDATE initiatives SET company_id = :company_id, title = :title, summary = :summary, "
    "description = :description, category = :category, target_group = :target_group, city = :city, "
    "state = :state, start_date = :start_date, end_date = :end_date, participants = :participants, url = :url, "
    "published = :published, version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id = :id AND version = :version";
constexpr const char* kDelete = "DELETE FROM initiatives WHERE id = :id";

Initiative from_row(const soci::row& r) {
  Initiative i;
  i.id = r.get<long long>(0);
  i.company_id = r.get<long long>(1);
  i.title = r.get<std::string>(2);
  i.summary = r.get<std::optional<std::string>>(3);
  i.description = r.get<std::optional<std::string>>(4);
  i.category = r.get<std::string>(5);
  i.target_group = r.get<std::optional<std::string>>(6);
  i.city = r.get<std::optional<std::string>>(7);
  i.state = r.get<std::optional<std::string>>(8);
  i.start_date = r.get<std::optional<std::string>>(9);
  i.end_date = r.get<std::optional<std::string>>(10);
  i.participants = r.get<int>(11);
  i.url = r.get<std::optional<std::string>>(12);
  i.published = r.get<int>(13) != 0;
  i.created_at = r.get<std::string>(14);
  i.updated_at = r.get<std::string>(15);
  i.version = r.get<int>(16);
  return i;
}

// Whether anonymous callers may see the row. A scalar subquery, not EXISTS: MariaDB turns an
// EXISTS into a semi-join that it may drive from companies (every active company's initiatives,
// then a sort of them all: 96 s for a page at 1 000 000 rows); this form stays a primary-key
// lookup per row of the list's index.
constexpr const char* kVisible =
    "(i.published = 1 AND (SELECT c.status FROM companies c WHERE c.id = i.company_id) = 'active')";

void restrict_to(sql::Query& query, Audience audience) {
  if (audience == Audience::public_only) query.where(kVisible);
}

// The index whose leading columns are the list's equalities (category, state, both; published for
// anonymous callers in title order), then its sort column and id: it serves the order, and a page
// after a cursor starts at the cursor. The optimizer is not left to choose. It costs the
// equality's ref access and the range from the cursor alike and takes the ref, which reads every
// row before the cursor (7 958 rows for a deep public page at 20 000, 22 with the range). And on
// a first page it may read another order's index and skip the rows of other categories, which is
// cheap only while the two columns are independent: at 1 000 000 rows, where titles and categories
// go together, a category's first page in title order read tens of thousands of rows (0.7 s).
// Nullopt where no index serves the order (q, company_id: the matches are few and sorted).
std::optional<std::string> order_index(const InitiativeFilter& filter, const PageRequest& page, Audience audience) {
  static const std::map<std::string, std::string, std::less<>> kSuffix = {{"i.title", "title"},
                                                                          {"i.created_at", "created"},
                                                                          {"i.updated_at", "updated"},
                                                                          {"i.participants", "participants"}};
  const std::string& column = page.sort.key.column;
  auto suffix = kSuffix.find(column);
  if (suffix == kSuffix.end() || filter.q || filter.company_id) return std::nullopt;
  if (filter.category && filter.state) return "initiatives_category_state_" + suffix->second;
  if (filter.category) return "initiatives_category_" + suffix->second;
  if (filter.state) return "initiatives_state_" + suffix->second;
  if (column == "i.title" && (audience == Audience::public_only || filter.published)) {
    return "initiatives_published_title";
  }
  return "initiatives_" + suffix->second;
}

// The least value of each sort column: "column >= it" holds for every row (see updated_since_scan).
const std::map<std::string, std::string, std::less<>> kLeast = {
    {"i.title", ""}, {"i.created_at", "1000-01-01 00:00:00"}, {"i.participants", "0"}};

// updated_since in another order than updated_at: no key holds both the range and the order.
constexpr int kFewUpdated = 1000;

// Whether fewer than kFewUpdated initiatives were updated since `since` (at most that many entries
// of initiatives_updated are read).
bool few_updated_since(soci::session& session, const std::string& since) {
  sql::Query query("SELECT COUNT(*) FROM (SELECT 1 FROM initiatives i FORCE INDEX (initiatives_updated)");
  query.where("i.updated_at >= ?", {since});
  query.append(" LIMIT " + std::to_string(kFewUpdated) + ") t");
  long long count = 0;
  query.for_each(session, [&](const soci::row& r) { count = r.get<long long>(0); });
  return count < kFewUpdated;
}

// How a list with updated_since reads another order than updated_at. Few rows updated since (a
// sync client's window): their range of initiatives_updated, sorted (rule 2c of
// query_plans_test). Many: the order's key, whose last column is updated_at, read as a range (the
// sort column's least value, or the cursor) so that MariaDB checks updated_at inside the key
// (index condition pushdown) and reads only the rows that match. Scanning the key whole instead
// read every older row: 10 s for updated_since=2022-06-01 in created_at order at 1 000 000 rows,
// where creation and change times go together; the range takes 0.05 s.
void updated_since_scan(soci::session& session, sql::Query& query, const InitiativeFilter& filter,
                        const PageRequest& page, Audience audience) {
  if (few_updated_since(session, *filter.updated_since)) {
    query.append(" FORCE INDEX (initiatives_updated)");
    return;
  }
  if (auto index = order_index(filter, page, audience)) query.append(" FORCE INDEX (" + *index + ")");
  auto least = kLeast.find(page.sort.key.column);
  if (!page.after && least != kLeast.end()) query.where(page.sort.key.column + " >= ?", {least->second});
}

}  // namespace

sql::Query select_query(const std::string& sort_value_column) {
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM initiatives i");
}

SortedRows<Initiative> fetch(soci::session& session, const sql::Query& query) {
  return fetch_sorted<Initiative>(session, query, from_row);
}

std::optional<Initiative> find(soci::session& session, long long id, bool lock) {
  return find_one<Initiative>(session, select_query(), "i.id", id, lock, fetch);
}

long long insert(soci::session& session, const InitiativeInput& i) {
  int published = i.published ? 1 : 0;
  session << kInsert, soci::use(i.company_id), soci::use(i.title), soci::use(i.summary), soci::use(i.description),
      soci::use(i.category), soci::use(i.target_group), soci::use(i.city), soci::use(i.state), soci::use(i.start_date),
      soci::use(i.end_date), soci::use(i.participants), soci::use(i.url), soci::use(published);
  long long id = sql::last_insert_id(session);
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const InitiativeInput& i) {
  int published = i.published ? 1 : 0;
  soci::statement statement =
      (session.prepare << kUpdate, soci::use(i.company_id), soci::use(i.title), soci::use(i.summary),
       soci::use(i.description), soci::use(i.category), soci::use(i.target_group), soci::use(i.city),
       soci::use(i.state), soci::use(i.start_date), soci::use(i.end_date), soci::use(i.participants), soci::use(i.url),
       soci::use(published), soci::use(id), soci::use(expected_version));
  return sql::changed_a_row(statement);
}

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

bool company_exists(soci::session& session, long long company_id) {
  return sql::exists(session, sql::Table::companies, company_id);
}

SortedRows<Initiative> list(soci::session& session, const InitiativeFilter& filter, const PageRequest& page,
                            Audience audience) {
  auto query = select_query(sort_value_column(page.sort));
  if (filter.updated_since && page.sort.key.column != "i.updated_at") {
    updated_since_scan(session, query, filter, page, audience);
  } else if (auto index = order_index(filter, page, audience)) {
    query.append(" FORCE INDEX (" + *index + ")");
  }
  restrict_to(query, audience);
  if (filter.company_id) query.where("i.company_id = ?", {std::to_string(*filter.company_id)});
  if (filter.category) query.where("i.category = ?", {*filter.category});
  if (filter.state) query.where("i.state = ?", {*filter.state});
  if (filter.q) {
    if (auto terms = sql::fulltext_terms(*filter.q)) {
      query.where("MATCH (i.title, i.summary, i.description) AGAINST (? IN BOOLEAN MODE)", {*terms});
    }
  }
  if (filter.active_on) {
    query.where("(i.start_date IS NULL OR i.start_date <= ?) AND (i.end_date IS NULL OR i.end_date >= ?)",
                {*filter.active_on, *filter.active_on});
  }
  if (filter.published) query.where("i.published = ?", {*filter.published ? "1" : "0"});
  if (filter.updated_since) query.where("i.updated_at >= ?", {*filter.updated_since});
  apply_page(query, page);
  return fetch(session, query);
}

std::optional<Initiative> find_visible(soci::session& session, long long id, Audience audience) {
  // Visibility depends on the company too, so it is part of the query rather than checked afterwards.
  auto query = select_query();
  query.where("i.id = ?", {std::to_string(id)});
  restrict_to(query, audience);
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().first);
}

std::vector<CatalogueRow> catalogue_rows(soci::session& session, RowScope scope, const std::vector<long long>& ids) {
  std::vector<CatalogueRow> out;
  if (ids.empty()) return out;
  auto query = select_query("HEX(WEIGHT_STRING(i.title)), CAST(i.created_at AS CHAR), CAST(i.updated_at AS CHAR), " +
                            std::string(kVisible));
  if (scope == RowScope::ids) query.where("i.id IN (" + sql::id_list(ids) + ")");
  if (scope == RowScope::companies) query.where("i.company_id IN (" + sql::id_list(ids) + ")");
  if (scope == RowScope::after_id) {
    query.where("i.id > ?", {std::to_string(ids.front())});
    query.append(" ORDER BY i.id LIMIT " + std::to_string(kCatalogueBatch));
  }
  query.for_each(session, [&](const soci::row& r) {
    out.push_back(
        {from_row(r), r.get<std::string>(17), r.get<std::string>(18), r.get<std::string>(19), r.get<int>(20) != 0});
  });
  return out;
}

long long count_all(soci::session& session) {
  sql::Query query("SELECT COUNT(*) FROM initiatives i");
  long long count = 0;
  query.for_each(session, [&](const soci::row& r) { count = r.get<long long>(0); });
  return count;
}

}  // namespace zusammen::service::initiative_repository
