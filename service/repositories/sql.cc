#include "service/repositories/sql.h"

#include <atomic>

namespace zusammen::service::sql {

namespace {

std::atomic<QueryObserver> observer{nullptr};

// A byte that may stand in a word of a boolean-mode search. Every other ASCII byte is a
// separator: InnoDB's boolean parser gives many of them a meaning (+ - < > ( ) ~ * " @) and
// refuses others outright (q=% was a syntax error, 1064), so none of them reaches it. Bytes of
// multi-byte UTF-8 characters stay in the word: the full-text tokenizer decides what they are.
bool word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

}  // namespace

void set_query_observer(QueryObserver value) { observer.store(value); }
QueryObserver query_observer() { return observer.load(std::memory_order_relaxed); }

std::optional<std::string> fulltext_terms(const std::string& q) {
  std::string out;
  std::string word;
  auto flush = [&]() {
    if (!word.empty()) out += (out.empty() ? "+" : " +") + word + "*";
    word.clear();
  };
  for (char c : q) {
    if (word_byte(static_cast<unsigned char>(c))) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  if (out.empty()) return std::nullopt;
  return out;
}

long long last_insert_id(soci::session& session) {
  long long id = 0;
  session << "SELECT LAST_INSERT_ID()", soci::into(id);
  return id;
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
