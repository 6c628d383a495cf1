#include "service/repositories/sql.h"

#include <algorithm>
#include <atomic>

#include "service/encoding.h"

namespace zusammen::service::sql {

namespace {

std::atomic<QueryObserver> observer{nullptr};

}  // namespace

void set_query_observer(QueryObserver value) { observer.store(value); }
QueryObserver query_observer() { return observer.load(std::memory_order_relaxed); }

// Every ASCII byte but [A-Za-z0-9_] separates words (search_words): InnoDB's boolean parser gives
// many of them a meaning (+ - < > ( ) ~ * " @) and refuses others outright (q=% was a syntax
// error, 1064), so none of them reaches it. Bytes of multi-byte UTF-8 characters stay in the
// word: the full-text tokenizer decides what they are.
std::optional<std::string> fulltext_terms(const std::string& q) {
  std::string out;
  for (const auto& word : search_words(q)) out += (out.empty() ? "+" : " +") + word + "*";
  if (out.empty()) return std::nullopt;
  return out;
}

FullTextRules fulltext_rules(soci::session& session, const std::vector<char32_t>& characters) {
  FullTextRules rules;
  int min_token = 0;
  int max_token = 0;
  int stopwords = 0;
  session << "SELECT @@innodb_ft_min_token_size, @@innodb_ft_max_token_size, @@innodb_ft_enable_stopword",
      soci::into(min_token), soci::into(max_token), soci::into(stopwords);
  rules.min_token = static_cast<std::size_t>(min_token);
  rules.max_token = static_cast<std::size_t>(max_token);
  rules.stopwords = stopwords != 0;
  // A few hundred characters a statement, each as a UTF-8 hex literal (no quoting to get wrong).
  constexpr std::size_t kChunk = 256;
  for (std::size_t from = 0; from < characters.size(); from += kChunk) {
    std::size_t to = std::min(characters.size(), from + kChunk);
    std::string query = "SELECT ";
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) query += ", ";
      query += "HEX(WEIGHT_STRING(CONVERT(X'" + hex_encode(utf8_encode(characters[i])) +
               "' USING utf8mb4) COLLATE utf8mb4_unicode_ci))";
    }
    soci::row row;
    session << query, soci::into(row);
    for (std::size_t i = from; i < to; ++i) {
      rules.weights.emplace(characters[i], hex_decode(row.get<std::string>(i - from)).value_or(""));
    }
  }
  return rules;
}

long long last_insert_id(soci::session& session) {
  long long id = 0;
  session << "SELECT LAST_INSERT_ID()", soci::into(id);
  return id;
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t k = 0; k < n; ++k) out += k == 0 ? "?" : ",?";
  return out;
}

void execute(soci::session& session, const std::string& text, const std::vector<std::string>& values) {
  // SOCI names its placeholders: each '?' becomes :b0, :b1, ...
  std::string named;
  std::size_t next = 0;
  for (char c : text) {
    if (c == '?') {
      named += ":b" + std::to_string(next++);
    } else {
      named += c;
    }
  }
  soci::details::prepare_temp_type prepared = (session.prepare << named);
  for (const auto& value : values) prepared, soci::use(value);
  soci::statement statement(prepared);
  statement.execute(true);
}

void where_ids_in(Query& query, const std::string& column, const std::vector<long long>& ids) {
  std::vector<std::string> values;
  values.reserve(ids.size());
  for (long long id : ids) values.push_back(std::to_string(id));
  query.where(column + " IN (" + placeholders(ids.size()) + ")", values);
}

bool changed_a_row(soci::statement& statement) {
  statement.execute(true);
  return statement.get_affected_rows() > 0;
}

bool changed_a_row(soci::session& session, const char* text, long long id) {
  soci::statement statement = (session.prepare << text, soci::use(id));
  return changed_a_row(statement);
}

bool exists(soci::session& session, Table table, long long id) {
  const char* query = nullptr;
  switch (table) {
    case Table::companies:
      query = "SELECT COUNT(*) FROM companies WHERE id = :id";
      break;
    case Table::meetings:
      query = "SELECT COUNT(*) FROM meetings WHERE id = :id";
      break;
    case Table::initiatives:
      query = "SELECT COUNT(*) FROM initiatives WHERE id = :id";
      break;
    case Table::api_keys:
      query = "SELECT COUNT(*) FROM api_keys WHERE id = :id";
      break;
  }
  long long count = 0;
  session << query, soci::use(id), soci::into(count);
  return count > 0;
}

}  // namespace zusammen::service::sql
