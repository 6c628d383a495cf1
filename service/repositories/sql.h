// Small helpers shared by the repositories: std::optional for SOCI 4.0.3 (which
// has none), and a query whose WHERE clause and bound values grow together.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "service/search_index.h"

namespace soci {

// NULL <-> std::nullopt, in both directions, for use() and row::get().
template <typename T>
struct type_conversion<std::optional<T>> {
  using base_type = typename type_conversion<T>::base_type;
  static void from_base(const base_type& in, indicator ind, std::optional<T>& out) {
    if (ind == i_null) {
      out.reset();
      return;
    }
    T value{};
    type_conversion<T>::from_base(in, ind, value);
    out = std::move(value);
  }
  static void to_base(const std::optional<T>& in, base_type& out, indicator& ind) {
    if (!in) {
      ind = i_null;
      return;
    }
    type_conversion<T>::to_base(*in, out, ind);
  }
};

}  // namespace soci

namespace zusammen::service::sql {

// Column expression that renders a DATETIME as RFC 3339 UTC with seconds ("...T09:00:00Z").
// (No ':' in the literal: SOCI would take it for a placeholder.)
inline std::string rfc3339(const std::string& column) {
  return "CONCAT(DATE_FORMAT(" + column + ", '%Y-%m-%dT%T'), 'Z')";
}
inline std::string iso_date(const std::string& column) { return "DATE_FORMAT(" + column + ", '%Y-%m-%d')"; }

// Boolean-mode full-text expression for q: every word must match as a prefix; operators and
// punctuation are separators. Nullopt when q holds no word at all.
std::optional<std::string> fulltext_terms(const std::string& q);

// The server's full-text settings, and the primary weights (utf8mb4_unicode_ci, as
// WEIGHT_STRING gives them, in binary) of each of characters: what SearchIndex needs to
// answer as the FULLTEXT indexes do.
FullTextRules fulltext_rules(soci::session& session, const std::vector<char32_t>& characters);

// Test seam: when set, sees the text and the bound values of every Query before it runs
// (tests/integration/query_plans_test.cc EXPLAINs them). Null, the default, costs one load.
using QueryObserver = void (*)(const std::string& text, const std::vector<std::string>& values);
void set_query_observer(QueryObserver observer);
QueryObserver query_observer();

// The repositories' shared statements.
// The id the last INSERT of this session generated (LAST_INSERT_ID()).
long long last_insert_id(soci::session& session);
// The tables whose rows others refer to by id.
enum class Table { companies, meetings, initiatives, api_keys };
// Whether the table has a row with this id.
bool exists(soci::session& session, Table table, long long id);

// Executes a statement prepared with its values: whether it changed a row (an UPDATE guarded by
// the version it expects, a DELETE by id).
bool changed_a_row(soci::statement& statement);
// Runs text with its one value, an id (a DELETE by id): whether it changed a row.
bool changed_a_row(soci::session& session, const char* text, long long id);

// "?,?,..." for n values (an IN list of bound values).
std::string placeholders(std::size_t n);

// Runs a statement whose '?' take the values in order, all bound as text (the text holds no
// other '?'): for statements whose number of values varies, such as multi-row INSERTs.
void execute(soci::session& session, const std::string& text, const std::vector<std::string>& values);

// A SELECT built in pieces; every value is bound, never spliced into the text.
class Query {
 public:
  explicit Query(std::string select_from) : text_(std::move(select_from)) {}

  // Adds "AND <condition>", where each '?' in condition takes the next value.
  Query& where(const std::string& condition, const std::vector<std::string>& values = {});
  Query& append(const std::string& text) {
    text_ += text;
    return *this;
  }
  const std::string& text() const { return text_; }
  const std::vector<std::string>& values() const { return values_; }

  // Runs the query; calls on_row for each row.
  template <typename F>
  void for_each(soci::session& session, F on_row) const {
    if (auto observer = query_observer()) observer(text_, values_);
    soci::row row;
    soci::details::prepare_temp_type prepared = (session.prepare << text_);
    prepared, soci::into(row);
    for (const auto& value : values_) prepared, soci::use(value);
    soci::statement statement(prepared);
    statement.execute();
    while (statement.fetch()) on_row(row);
  }

 private:
  std::string text_;
  std::vector<std::string> values_;
  bool has_where_ = false;
};

// Adds "column IN (?,?,...)" with the ids bound (ids not empty).
void where_ids_in(Query& query, const std::string& column, const std::vector<long long>& ids);

inline Query& Query::where(const std::string& condition, const std::vector<std::string>& values) {
  text_ += has_where_ ? " AND (" : " WHERE (";
  has_where_ = true;
  std::size_t next = 0;
  for (char c : condition) {
    if (c == '?') {
      text_ += ":p" + std::to_string(values_.size());
      values_.push_back(values.at(next++));
    } else {
      text_ += c;
    }
  }
  text_ += ")";
  return *this;
}

}  // namespace zusammen::service::sql
