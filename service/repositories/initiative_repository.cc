#include "service/repositories/initiative_repository.h"

#include <map>
#include <string>

#include "service/repositories/id_list.h"

namespace zusammen::service::initiative_repository {
namespace {

const std::string kColumns =
    "i.id, i.company_id, i.title, i.summary, i.description, i.category, i.target_group, i.city, i.state, " +
    sql::iso_date("i.start_date") + ", " + sql::iso_date("i.end_date") + ", i.participants, i.url, i.published, " +
    sql::rfc3339("i.created_at") + ", " + sql::rfc3339("i.updated_at") +
    ", i.version, i.slug, i.image_url, i.image_alt, i.contact_name, i.contact_email, i.contact_phone, i.street, "
    "i.postcode, i.lat, i.lon, i.languages_offered, i.target_groups, i.signup_url";
constexpr std::size_t kColumnCount = 30;  // the columns of kColumns, which from_row reads

// The writable columns, in the order Writable::bind binds them (SOCI's placeholders are named).
constexpr const char* kWritable =
    "company_id = :company_id, title = :title, summary = :summary, description = :description, category = :category, "
    "target_group = :target_group, city = :city, "
    "state = :state, start_date = :start_date, end_date = :end_date, participants = :participants, url = :url, "
    "published = :published, slug = :slug, image_url = :image_url, "
    "image_alt = :image_alt, contact_name = :contact_name, contact_email = :contact_email, contact_phone = "
    ":contact_phone, street = :street, postcode = :postcode, lat = :lat, "
    "lon = :lon, languages_offered = :languages_offered, target_groups = :target_groups, signup_url = :signup_url";
const std::string kInsert = std::string("INSERT INTO initiatives SET ") + kWritable;
const std::string kUpdate =
    std::string("UPDATE initiatives SET ") + kWritable +
    ", version = version + 1, updated_at = CURRENT_TIMESTAMP(6) WHERE id = :id AND version = :version";
constexpr const char* kDelete = "DELETE FROM initiatives WHERE id = :id";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

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
  i.slug = r.get<std::optional<std::string>>(17);
  PageDetails& page = i.page.edit();
  if (auto url = r.get<std::optional<std::string>>(18)) {
    page.image = Image{std::move(*url), r.get<std::optional<std::string>>(19).value_or("")};
  }
  PublicContact contact{r.get<std::optional<std::string>>(20), r.get<std::optional<std::string>>(21),
                        r.get<std::optional<std::string>>(22)};
  if (contact != PublicContact{}) page.contact = std::move(contact);
  page.location = {r.get<std::optional<std::string>>(23), r.get<std::optional<std::string>>(24),
                   r.get<std::optional<double>>(25), r.get<std::optional<double>>(26)};
  page.languages_offered = split_list(r.get<std::string>(27));
  page.target_groups = split_list(r.get<std::string>(28));
  page.signup_url = r.get<std::optional<std::string>>(29);
  i.page.shrink();
  return i;
}

// The values of kWritable, as columns: bound by reference, so they live as long as the statement.
struct Writable {
  explicit Writable(const InitiativeInput& i) : input(i), published(i.published ? 1 : 0) {
    const PageDetails& p = i.page.get();
    if (p.image) {
      image_url = p.image->url;
      image_alt = p.image->alt;
    }
    if (p.contact) {
      contact_name = p.contact->name;
      contact_email = p.contact->email;
      contact_phone = p.contact->phone;
    }
    location = p.location;
    languages_offered = join_list(p.languages_offered);
    target_groups = join_list(p.target_groups);
    signup_url = p.signup_url;
  }
  void bind(soci::details::prepare_temp_type& statement) const {
    const InitiativeInput& i = input;
    statement, soci::use(i.company_id), soci::use(i.title), soci::use(i.summary), soci::use(i.description),
        soci::use(i.category), soci::use(i.target_group), soci::use(i.city), soci::use(i.state),
        soci::use(i.start_date), soci::use(i.end_date), soci::use(i.participants), soci::use(i.url),
        soci::use(published), soci::use(i.slug), soci::use(image_url), soci::use(image_alt), soci::use(contact_name),
        soci::use(contact_email), soci::use(contact_phone), soci::use(location.street), soci::use(location.postcode),
        soci::use(location.lat), soci::use(location.lon), soci::use(languages_offered), soci::use(target_groups),
        soci::use(signup_url);
  }

  const InitiativeInput& input;
  int published;
  std::optional<std::string> image_url, image_alt, contact_name, contact_email, contact_phone, signup_url;
  Place location;
  std::string languages_offered, target_groups;
};

// The initiative's rows in initiative_tags, written again from the row as stored (its sort
// columns included): after every insert and update, in the same transaction.
void write_tags(soci::session& session, long long id, const PageDetails& page) {
  sql::execute(session, "DELETE FROM initiative_tags WHERE id = ?", {std::to_string(id)});
  std::vector<std::string> values;
  for (const auto& group : page.target_groups) values.push_back("group:" + group);
  for (const auto& language : page.languages_offered) values.push_back("language:" + language);
  if (values.empty()) return;
  std::string tags;
  for (std::size_t k = 0; k < values.size(); ++k) tags += k == 0 ? "SELECT ? AS tag" : " UNION ALL SELECT ?";
  values.push_back(std::to_string(id));
  sql::execute(session,
               "INSERT INTO initiative_tags (tag, id, title, created_at, updated_at, participants) "
               "SELECT t.tag, i.id, i.title, i.created_at, i.updated_at, i.participants FROM (" +
                   tags + ") t JOIN initiatives i ON i.id = ?",
               values);
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

// The index whose leading columns are the list's equalities (city, category, state, both; published for
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
  if (filter.city) return "initiatives_city_" + suffix->second;
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

// The tag whose rows of initiative_tags a list reads, in its order: target_group's, else
// language_offered's. Not with q (the full-text index finds the rows) nor company_id (a company's
// rows are few and sorted): the row's own lists are checked then.
std::optional<std::string> list_tag(const InitiativeFilter& filter) {
  if (filter.q || filter.company_id) return std::nullopt;
  if (filter.target_group) return "group:" + *filter.target_group;
  if (filter.language_offered) return "language:" + *filter.language_offered;
  return std::nullopt;
}

// SELECT ... FROM initiative_tags tg (its key for the order) and the initiatives it names.
sql::Query tag_query(const std::string& sort_value_column, const PageRequest& page) {
  static const std::map<std::string, std::string, std::less<>> kKeys = {
      {"tg.title", "initiative_tags_title"},
      {"tg.created_at", "initiative_tags_created"},
      {"tg.updated_at", "initiative_tags_updated"},
      {"tg.participants", "initiative_tags_participants"}};
  return sql::Query("SELECT " + kColumns + ", " + sort_value_column + " FROM initiative_tags tg FORCE INDEX (" +
                    kKeys.at(page.sort.key.column) + ") STRAIGHT_JOIN initiatives i ON i.id = tg.id");
}

// The filter's conditions (the audience's visibility included); tag: the one the query reads
// initiative_tags for (its condition is the caller's), the other tags are checked in the row's
// own lists.
void where_filters(sql::Query& query, const InitiativeFilter& filter, Audience audience,
                   const std::optional<std::string>& tag) {
  restrict_to(query, audience);
  if (filter.company_id) query.where("i.company_id = ?", {std::to_string(*filter.company_id)});
  if (filter.category) query.where("i.category = ?", {*filter.category});
  if (filter.state) query.where("i.state = ?", {*filter.state});
  if (filter.city) query.where("i.city = ?", {*filter.city});
  // The tags the list does not read initiative_tags for: checked in the row's own lists.
  if (filter.target_group && tag != "group:" + *filter.target_group) {
    query.where("FIND_IN_SET(?, i.target_groups) > 0", {*filter.target_group});
  }
  if (filter.language_offered && tag != "language:" + *filter.language_offered) {
    query.where("FIND_IN_SET(?, i.languages_offered) > 0", {*filter.language_offered});
  }
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
  if (filter.updated_since) query.where(tag ? "tg.updated_at >= ?" : "i.updated_at >= ?", {*filter.updated_since});
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
  Writable columns(i);
  soci::details::prepare_temp_type prepared = (session.prepare << kInsert);
  columns.bind(prepared);
  soci::statement statement(prepared);
  statement.execute(true);
  long long id = sql::last_insert_id(session);
  write_tags(session, id, i.page.get());
  return id;
}

bool update(soci::session& session, long long id, int expected_version, const InitiativeInput& i) {
  Writable columns(i);
  soci::details::prepare_temp_type prepared = (session.prepare << kUpdate);
  columns.bind(prepared);
  prepared, soci::use(id), soci::use(expected_version);
  soci::statement statement(prepared);
  if (!sql::changed_a_row(statement)) return false;
  write_tags(session, id, i.page.get());
  return true;
}

std::optional<long long> id_of_slug(soci::session& session, const std::string& slug) {
  sql::Query query("SELECT i.id FROM initiatives i");
  query.where("i.slug = ?", {slug});
  std::optional<long long> id;
  query.for_each(session, [&](const soci::row& r) { id = r.get<long long>(0); });
  return id;
}

bool erase(soci::session& session, long long id) { return sql::changed_a_row(session, kDelete, id); }

bool company_exists(soci::session& session, long long company_id) {
  return sql::exists(session, sql::Table::companies, company_id);
}

SortedRows<Initiative> list(soci::session& session, const InitiativeFilter& filter, const PageRequest& page,
                            Audience audience) {
  auto tag = list_tag(filter);
  // A list of a tag reads initiative_tags in its order (the same sort columns, prefixed tg.).
  PageRequest tagged = page;
  if (tag) tagged.sort.key.column = "tg." + page.sort.key.column.substr(page.sort.key.column.find('.') + 1);
  const PageRequest& ordered = tag ? tagged : page;
  sql::Query query =
      tag ? tag_query(sort_value_column(ordered.sort), ordered) : select_query(sort_value_column(page.sort));
  if (tag) {
    query.where("tg.tag = ?", {*tag});
  } else if (filter.updated_since && page.sort.key.column != "i.updated_at") {
    updated_since_scan(session, query, filter, page, audience);
  } else if (auto index = order_index(filter, page, audience)) {
    query.append(" FORCE INDEX (" + *index + ")");
  }
  where_filters(query, filter, audience, tag);
  apply_page(query, ordered);
  return fetch(session, query);
}

std::vector<std::pair<std::string, long long>> facet_counts(soci::session& session, const InitiativeFilter& filter,
                                                            Facet facet, Audience audience) {
  static const std::map<Facet, std::pair<std::string, std::string>> kValue = {
      {Facet::category, {"i.category", ""}},
      {Facet::state, {"i.state", "i.state IS NOT NULL"}},
      {Facet::company, {"CAST(i.company_id AS CHAR)", ""}},
      {Facet::target_group, {"SUBSTRING(tg.tag, 7)", "tg.tag LIKE 'group:%'"}},
      {Facet::language, {"SUBSTRING(tg.tag, 10)", "tg.tag LIKE 'language:%'"}}};
  const auto& [value, present] = kValue.at(facet);
  bool tags = facet == Facet::target_group || facet == Facet::language;
  sql::Query query("SELECT " + value + ", COUNT(*) FROM " +
                   (tags ? "initiative_tags tg STRAIGHT_JOIN initiatives i ON i.id = tg.id" : "initiatives i"));
  if (!present.empty()) query.where(present);
  where_filters(query, filter, audience, std::nullopt);
  query.append(" GROUP BY 1 ORDER BY NULL");
  std::vector<std::pair<std::string, long long>> out;
  query.for_each(session, [&](const soci::row& r) { out.emplace_back(r.get<std::string>(0), r.get<long long>(1)); });
  return out;
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
    out.push_back({from_row(r), r.get<std::string>(kColumnCount), r.get<std::string>(kColumnCount + 1),
                   r.get<std::string>(kColumnCount + 2), r.get<int>(kColumnCount + 3) != 0});
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
