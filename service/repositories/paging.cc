#include "service/repositories/paging.h"

namespace zusammen::service {

std::string sort_value_column(const Sort& sort) { return "CAST(" + sort.key.column + " AS CHAR)"; }

void apply_page(sql::Query& query, const PageRequest& page) {
  const std::string& column = page.sort.key.column;
  std::string id_column = column.substr(0, column.find('.') + 1) + "id";
  const char* op = page.sort.descending ? "<" : ">";
  const char* direction = page.sort.descending ? " DESC" : " ASC";
  if (page.after) {
    // (column, id) past the cursor, spelled so that the first conjunct is a range on the sort
    // column: MariaDB then starts the index scan at the cursor. Written as a plain OR it read
    // every row before the cursor (a deep page of the title order took 50-200 ms at 20 000 rows).
    const char* inclusive = page.sort.descending ? "<=" : ">=";
    query.where(column + " " + inclusive + " ? AND (" + column + " " + op + " ? OR " + id_column + " " + op + " ?)",
                {page.after->value, page.after->value, std::to_string(page.after->id)});
  }
  query.append(" ORDER BY " + column + direction + ", " + id_column + direction);
  query.append(" LIMIT " + std::to_string(page.limit + 1));
}

}  // namespace zusammen::service
