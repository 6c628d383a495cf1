#pragma once

#include <soci/soci.h>

#include <optional>
#include <vector>

#include "service/model/audience.h"
#include "service/model/company.h"
#include "service/repositories/paging.h"
#include "service/repositories/sql.h"

namespace zusammen::service::company_repository {

// SELECT ... FROM companies c — extend with where()/apply_page(); the last column is the sort value.
sql::Query select_query(const std::string& sort_value_column = "CAST(c.id AS CHAR)");
SortedRows<Company> fetch(soci::session& session, const sql::Query& query);
std::optional<Company> find(soci::session& session, long long id, bool lock = false);
long long insert(soci::session& session, const CompanyInput& input);
// False when no row has this id and version.
bool update(soci::session& session, long long id, int expected_version, const CompanyInput& input);
bool erase(soci::session& session, long long id);
bool has_initiatives(soci::session& session, long long id);

// One page of the filtered list, as the audience may see it.
SortedRows<Company> list(soci::session& session, const CompanyFilter& filter, const PageRequest& page,
                         Audience audience);
// Those of ids the audience may see (for include=company).
std::vector<Company> find_many(soci::session& session, const std::vector<long long>& ids, Audience audience);
// A company with the keys the in-memory catalogue (service/catalogue.h) orders it by, exactly
// as the list queries compare them, and whether anonymous callers may see it.
struct CatalogueRow {
  Company company;
  std::string name_weight;  // HEX(WEIGHT_STRING(name)): the collation's sort key
  std::string created_at;   // CAST(created_at AS CHAR), microseconds included
  std::string updated_at;
  bool visible = false;                      // active
  std::optional<std::string> sector_weight;  // HEX(WEIGHT_STRING(sector)): what sector = ? compares
};
// The companies among ids; every company when ids is empty.
std::vector<CatalogueRow> catalogue_rows(soci::session& session, const std::vector<long long>& ids);
std::optional<Company> find_by_slug(soci::session& session, const std::string& slug);

}  // namespace zusammen::service::company_repository
