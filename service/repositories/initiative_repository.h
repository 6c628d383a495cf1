#pragma once

#include <soci/soci.h>

#include <optional>
#include <vector>

#include "service/model/audience.h"
#include "service/model/initiative.h"
#include "service/repositories/paging.h"
#include "service/repositories/sql.h"

namespace zusammen::service::initiative_repository {

// SELECT ... FROM initiatives i — extend with where()/apply_page(); the last column is the sort value.
sql::Query select_query(const std::string& sort_value_column = "CAST(i.id AS CHAR)");
SortedRows<Initiative> fetch(soci::session& session, const sql::Query& query);
std::optional<Initiative> find(soci::session& session, long long id, bool lock = false);
long long insert(soci::session& session, const InitiativeInput& input);
// False when no row has this id and version.
bool update(soci::session& session, long long id, int expected_version, const InitiativeInput& input);
bool erase(soci::session& session, long long id);
// The id of the initiative with this slug, whoever may see it.
std::optional<long long> id_of_slug(soci::session& session, const std::string& slug);
bool company_exists(soci::session& session, long long company_id);
// One page of the filtered list, as the audience may see it: anonymous callers see
// published initiatives of active companies only.
SortedRows<Initiative> list(soci::session& session, const InitiativeFilter& filter, const PageRequest& page,
                            Audience audience);
std::optional<Initiative> find_visible(soci::session& session, long long id, Audience audience);
// How many initiatives the filter selects per value of the facet (company: its id), as the
// audience may see them: the database's answer to ?facets= when the catalogue does not answer.
// It reads every row the filter selects (query_plans_test's known exception).
std::vector<std::pair<std::string, long long>> facet_counts(soci::session& session, const InitiativeFilter& filter,
                                                            Facet facet, Audience audience);

// An initiative with the keys the in-memory catalogue (service/catalogue.h) orders it by,
// exactly as the list queries compare them, and whether anonymous callers may see it.
struct CatalogueRow {
  Initiative initiative;
  std::string title_weight;  // HEX(WEIGHT_STRING(title)): the collation's sort key
  std::string created_at;    // CAST(created_at AS CHAR), microseconds included
  std::string updated_at;
  bool visible = false;  // published, of an active company
};
enum class RowScope { ids, companies, after_id };
// Those initiatives, those companies' ones, or (after_id, ids holding one id) the next
// kCatalogueBatch rows in id order after it: a load in pieces, so that neither the client
// library nor the caller holds the whole table's text at once.
constexpr int kCatalogueBatch = 2000;
std::vector<CatalogueRow> catalogue_rows(soci::session& session, RowScope scope, const std::vector<long long>& ids);
long long count_all(soci::session& session);

}  // namespace zusammen::service::initiative_repository
