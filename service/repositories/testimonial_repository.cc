#include "service/repositories/testimonial_repository.h"

namespace zusammen::service::testimonial_repository {
namespace {

const std::string kColumns =
    "t.id, t.quote, t.author_name, t.author_role, t.author_organization, t.company_id, t.meeting_id, "
    "t.initiative_id, t.language, t.published, " +
    sql::rfc3339("t.created_at") + ", " + sql::rfc3339("t.updated_at") + ", t.version";

constexpr const char* kInsert =
    "INSERT INTO testimonials (quote, author_name, author_role, author_organization, company_id, meeting_id, "
    "initiative_id, language, published) VALUES (:quote, :author_name, :author_role, :author_organization, "
    ":company_id, :meeting_id, :initiative_id, :language, :published)";
constexpr const char* kUpdate =
    "UPDATE testimonials SET quote = :quote, author_name = :author_name, author_role = :author_role, "
    "author_organization = :author_organization, company_id = :company_id, meeting_id = :meeting_id, "
    "initiative_id = :initiative_id, language = :language, published = :published, version = version + 1, "
    "updated_at = CURRENT_TIMESTAMP(6) WHERE id = :id AND version = :version";
constexpr const char* kDelete = "DELETE FROM testimonials WHERE id = :id";

Testimonial from_row(const soci::row& r) {
  Testimonial t;
  t.id = r.get<long long>(0);
  t.quote = r.get<std::string>(1);
  t.author_name = r.get<std::string>(2);
  t.author_role = r.get<std::optional<std::string>>(3);
  t.author_organization = r.get<std::optional<std::string>>(4);
  t.company_id = r.get<std::optional<long long>>(5);
  t.meeting_id = r.get<std::optional<long long>>(6);
  t.initiative_id = r.get<std::optional<long long>>(7);
  t.language = r.get<std::string>(8);
  t.published = r.get<int>(9) != 0;
  t.created_at = r.get<std::string>(10);
  t.updated_at = r.get<std::string>(11);
  t.version = r.get<int>(12);
  return t;
}

void restrict_to(sql::Query& query, Audience audience) {
  if (audience == Audience::public_only) query.where("t.published = 1");
}

}  // namespace

sql::Query select_query(const std::string& sort_value_column) {
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM testimonials t");
}

SortedRows<Testimonial> fetch(soci::session& session, const sql::Query& query) {
  return fetch_sorted<Testimonial>(session, query, from_row);
}

std::optional<Testimonial> find(soci::session& session, long long id, bool lock) {
  return find_one<Testimonial>(session, select_query(), "t.id", id, lock, fetch);
}

long long insert(soci::session& session, const TestimonialInput& t) {
  int published = t.published ? 1 : 0;
  session << kInsert, soci::use(t.quote), soci::use(t.author_name), soci::use(t.author_role),
      soci::use(t.author_organization), soci::use(t.company_id), soci::use(t.meeting_id), soci::use(t.initiative_id),
      soci::use(t.language), soci::use(published);
  long long id = sql::last_insert_id(session);
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const TestimonialInput& t) {
  int published = t.published ? 1 : 0;
  soci::statement statement =
      (session.prepare << kUpdate, soci::use(t.quote), soci::use(t.author_name), soci::use(t.author_role),
       soci::use(t.author_organization), soci::use(t.company_id), soci::use(t.meeting_id), soci::use(t.initiative_id),
       soci::use(t.language), soci::use(published), soci::use(id), soci::use(expected_version));
  return sql::changed_a_row(statement);
}

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

std::vector<FieldError> unknown_links(soci::session& session, const TestimonialInput& t) {
  std::vector<FieldError> out;
  if (t.company_id && !sql::exists(session, sql::Table::companies, *t.company_id)) {
    out.push_back({"/company_id", "does not refer to an existing company"});
  }
  if (t.meeting_id && !sql::exists(session, sql::Table::meetings, *t.meeting_id)) {
    out.push_back({"/meeting_id", "does not refer to an existing meeting"});
  }
  if (t.initiative_id && !sql::exists(session, sql::Table::initiatives, *t.initiative_id)) {
    out.push_back({"/initiative_id", "does not refer to an existing initiative"});
  }
  return out;
}

SortedRows<Testimonial> list(soci::session& session, const TestimonialFilter& filter, const PageRequest& page,
                             Audience audience) {
  auto query = select_query(sort_value_column(page.sort));
  restrict_to(query, audience);
  if (filter.company_id) query.where("t.company_id = ?", {std::to_string(*filter.company_id)});
  if (filter.meeting_id) query.where("t.meeting_id = ?", {std::to_string(*filter.meeting_id)});
  if (filter.initiative_id) query.where("t.initiative_id = ?", {std::to_string(*filter.initiative_id)});
  if (filter.language) query.where("t.language = ?", {*filter.language});
  if (filter.published) query.where("t.published = ?", {*filter.published ? "1" : "0"});
  if (filter.q) {
    if (auto terms = sql::fulltext_terms(*filter.q)) {
      query.where("MATCH (t.quote, t.author_name) AGAINST (? IN BOOLEAN MODE)", {*terms});
    }
  }
  if (filter.updated_since) query.where("t.updated_at >= ?", {*filter.updated_since});
  apply_page(query, page);
  return fetch(session, query);
}

std::optional<Testimonial> find_visible(soci::session& session, long long id, Audience audience) {
  auto query = select_query();
  query.where("t.id = ?", {std::to_string(id)});
  restrict_to(query, audience);
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().first);
}

std::optional<Testimonial> find_by_author(soci::session& session, const std::string& author_name,
                                          const std::string& language) {
  auto query = select_query();
  query.where("t.author_name = ? AND t.language = ?", {author_name, language});
  query.append(" ORDER BY t.id LIMIT 1");
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().first);
}

}  // namespace zusammen::service::testimonial_repository
