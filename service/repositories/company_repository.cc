#include "service/repositories/company_repository.h"

#include "service/repositories/id_list.h"

namespace zusammen::service::company_repository {
namespace {

const std::string kColumns = "c.id, c.slug, c.name, c.sector, c.website, c.logo_url, c.city, c.state, c.description, " +
                             sql::iso_date("c.member_since") + ", c.status, c.contact_email, " +
                             sql::rfc3339("c.created_at") + ", " + sql::rfc3339("c.updated_at") + ", c.version";

constexpr const char* kInsert =
    "INSERT INTO companies (slug, name, sector, website, logo_url, city, state, description, member_since, "
    "status, contact_email) VALUES (:slug, :name, :sector, :website, :logo_url, :city, :state, :description, "
    ":member_since, :status, :contact_email)";
constexpr const char* kUpdate =
    "UPDATE companies SET slug = :slug, name = :name, sector = :sector, website = :website, logo_url = :logo_url, "
    "city = :city, state = :state, description = :description, member_since = :member_since, status = :status, "
    "contact_email = :contact_email, version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id = :id AND version = :version";
constexpr const char* kDelete = "DELETE FROM companies WHERE id = :id";
constexpr const char* kHasInitiatives = "SELECT COUNT(*) FROM initiatives WHERE company_id = :id";

Company from_row(const soci::row& r) {
  Company c;
  c.id = r.get<long long>(0);
  c.slug = r.get<std::string>(1);
  c.name = r.get<std::string>(2);
  c.sector = r.get<std::optional<std::string>>(3);
  c.website = r.get<std::optional<std::string>>(4);
  c.logo_url = r.get<std::optional<std::string>>(5);
  c.city = r.get<std::optional<std::string>>(6);
  c.state = r.get<std::optional<std::string>>(7);
  c.description = r.get<std::optional<std::string>>(8);
  c.member_since = r.get<std::optional<std::string>>(9);
  c.status = r.get<std::string>(10);
  c.contact_email = r.get<std::optional<std::string>>(11);
  c.created_at = r.get<std::string>(12);
  c.updated_at = r.get<std::string>(13);
  c.version = r.get<int>(14);
  return c;
}

// Whether anonymous callers may see the row.
constexpr const char* kVisible = "(c.status = 'active')";

void restrict_to(sql::Query& query, Audience audience) {
  if (audience == Audience::public_only) query.where(kVisible);
}

}  // namespace

sql::Query select_query(const std::string& sort_value_column) {
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM companies c");
}

SortedRows<Company> fetch(soci::session& session, const sql::Query& query) {
  return fetch_sorted<Company>(session, query, from_row);
}

std::optional<Company> find(soci::session& session, long long id, bool lock) {
  return find_one<Company>(session, select_query(), "c.id", id, lock, fetch);
}

long long insert(soci::session& session, const CompanyInput& c) {
  session << kInsert, soci::use(c.slug), soci::use(c.name), soci::use(c.sector), soci::use(c.website),
      soci::use(c.logo_url), soci::use(c.city), soci::use(c.state), soci::use(c.description), soci::use(c.member_since),
      soci::use(c.status), soci::use(c.contact_email);
  long long id = sql::last_insert_id(session);
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const CompanyInput& c) {
  soci::statement statement = (session.prepare << kUpdate, soci::use(c.slug), soci::use(c.name), soci::use(c.sector),
                               soci::use(c.website), soci::use(c.logo_url), soci::use(c.city), soci::use(c.state),
                               soci::use(c.description), soci::use(c.member_since), soci::use(c.status),
                               soci::use(c.contact_email), soci::use(id), soci::use(expected_version));
  return sql::changed_a_row(statement);
}

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

bool has_initiatives(soci::session& session, long long id) {
  long long count = 0;
  session << kHasInitiatives, soci::use(id), soci::into(count);
  return count > 0;
}

SortedRows<Company> list(soci::session& session, const CompanyFilter& filter, const PageRequest& page,
                         Audience audience) {
  auto query = select_query(sort_value_column(page.sort));
  restrict_to(query, audience);
  if (filter.q) {
    if (auto terms = sql::fulltext_terms(*filter.q)) {
      query.where("MATCH (c.name, c.description) AGAINST (? IN BOOLEAN MODE)", {*terms});
    }
  }
  if (filter.state) query.where("c.state = ?", {*filter.state});
  if (filter.sector) query.where("c.sector = ?", {*filter.sector});
  if (filter.status) query.where("c.status = ?", {*filter.status});
  if (filter.updated_since) query.where("c.updated_at >= ?", {*filter.updated_since});
  apply_page(query, page);
  return fetch(session, query);
}

std::vector<Company> find_many(soci::session& session, const std::vector<long long>& ids, Audience audience) {
  std::vector<Company> out;
  if (ids.empty()) return out;
  auto query = select_query();
  sql::where_ids_in(query, "c.id", ids);
  restrict_to(query, audience);
  for (auto& row : fetch(session, query)) out.push_back(std::move(row.first));
  return out;
}

std::vector<CatalogueRow> catalogue_rows(soci::session& session, const std::vector<long long>& ids) {
  std::vector<CatalogueRow> out;
  auto query = select_query("HEX(WEIGHT_STRING(c.name)), CAST(c.created_at AS CHAR), CAST(c.updated_at AS CHAR), " +
                            std::string(kVisible) + ", HEX(WEIGHT_STRING(c.sector))");
  if (!ids.empty()) query.where("c.id IN (" + sql::id_list(ids) + ")");
  query.for_each(session, [&](const soci::row& r) {
    out.push_back({from_row(r), r.get<std::string>(15), r.get<std::string>(16), r.get<std::string>(17),
                   r.get<int>(18) != 0, r.get<std::optional<std::string>>(19)});
  });
  return out;
}

std::optional<Company> find_by_slug(soci::session& session, const std::string& slug) {
  auto query = select_query();
  query.where("c.slug = ?", {slug});
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return rows.front().first;
}

}  // namespace zusammen::service::company_repository
