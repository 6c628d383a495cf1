// Pages of list queries: what the repositories add to a query for a page, and how they read
// its rows (service/model/listing.h holds the SQL-free rest: sorts, cursors, pages).
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

#include "service/model/listing.h"
#include "service/repositories/sql.h"

namespace zusammen::service {

// CAST(column AS CHAR): the exact value the next cursor carries (microseconds included).
std::string sort_value_column(const Sort& sort);

// Adds the keyset condition, ORDER BY and LIMIT (one extra row tells whether a next page exists).
// The SELECT must expose the sort value as its last column (see sort_value_column).
void apply_page(sql::Query& query, const PageRequest& page);

// Runs a list query whose last column is the sort value (see sort_value_column), mapping each row.
template <typename T, typename FromRow>
SortedRows<T> fetch_sorted(soci::session& session, const sql::Query& query, FromRow from_row) {
  SortedRows<T> out;
  query.for_each(session, [&](const soci::row& r) { out.emplace_back(from_row(r), r.get<std::string>(r.size() - 1)); });
  return out;
}

// The row whose id_column is id (locked FOR UPDATE when lock), from a repository's SELECT and its
// fetch; nullopt when there is none.
template <typename T, typename Fetch>
std::optional<T> find_one(soci::session& session, sql::Query query, const char* id_column, long long id, bool lock,
                          Fetch fetch) {
  query.where(std::string(id_column) + " = ?", {std::to_string(id)});
  if (lock) query.append(" FOR UPDATE");
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().first);
}

}  // namespace zusammen::service
