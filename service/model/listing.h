// What every list shares: allowed sort keys, opaque keyset cursors, limits and pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/status.h"

namespace zusammen::service {

struct SortKey {
  std::string name;    // as spelled in ?sort= ("name")
  std::string column;  // the SQL column ("c.name"); must be NOT NULL for keyset paging
};

struct Sort {
  SortKey key;
  bool descending = false;
  std::string spelled() const { return (descending ? "-" : "") + key.name; }
};

// Parses "name" / "-name" against the allowed keys; empty text gives the first key.
Result<Sort> parse_sort(std::string_view text, const std::vector<SortKey>& allowed);

// Where the previous page ended: the sort it was made with, the last row's sort value and id.
struct Cursor {
  std::string sort;
  std::string value;
  long long id = 0;
};

std::string encode_cursor(const Cursor& cursor);
// Field "cursor" in the error when it is not one of ours, or was made for another sort.
Result<Cursor> decode_cursor(std::string_view text, const Sort& sort);

// q that holds no word to search for (only punctuation): a 400 naming q.
Error search_without_words();

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

struct PageRequest {
  Sort sort;
  int limit = kDefaultLimit;
  std::optional<Cursor> after;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

// A row of a list query with the sort value it was selected with (the query's last column).
template <typename T>
using SortedRows = std::vector<std::pair<T, std::string>>;

// Trims the extra row and computes next_cursor from the last row kept.
template <typename T>
Page<T> make_page(SortedRows<T> rows, const PageRequest& page) {
  Page<T> out;
  if (rows.size() > static_cast<std::size_t>(page.limit)) {
    rows.resize(static_cast<std::size_t>(page.limit));
    out.next_cursor = encode_cursor({page.sort.spelled(), rows.back().second, rows.back().first.id});
  }
  out.items.reserve(rows.size());
  for (auto& row : rows) out.items.push_back(std::move(row.first));
  return out;
}

}  // namespace zusammen::service
