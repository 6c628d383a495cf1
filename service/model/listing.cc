#include "service/model/listing.h"

#include <charconv>

#include "service/encoding.h"

namespace zusammen::service {

Result<Sort> parse_sort(std::string_view text, const std::vector<SortKey>& allowed) {
  if (text.empty()) return Sort{allowed.front(), false};
  bool descending = text.front() == '-';
  std::string_view name = descending ? text.substr(1) : text;
  for (const auto& key : allowed) {
    if (key.name == name) return Sort{key, descending};
  }
  std::string choices;
  for (const auto& key : allowed) {
    if (!choices.empty()) choices += ", ";
    choices += key.name + ", -" + key.name;
  }
  return Error::invalid("Unknown sort key.", {{"sort", "must be one of: " + choices}});
}

std::string encode_cursor(const Cursor& cursor) {
  return base64url_encode("1\n" + cursor.sort + "\n" + std::to_string(cursor.id) + "\n" + cursor.value);
}

Result<Cursor> decode_cursor(std::string_view text, const Sort& sort) {
  Error bad = Error::invalid("The cursor is not valid.", {{"cursor", "is not a cursor of this list"}});
  auto raw = base64url_decode(text);
  if (!raw) return bad;
  std::string_view rest(*raw);
  auto take = [&rest]() -> std::optional<std::string_view> {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    auto part = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return part;
  };
  auto version = take();
  auto sort_name = take();
  auto id_text = take();
  if (!version || *version != "1" || !sort_name || !id_text) return bad;
  if (*sort_name != sort.spelled()) {
    return Error::invalid("The cursor belongs to another sort order.",
                          {{"cursor", "was made for sort=" + std::string(*sort_name)}});
  }
  // The value goes to the database as a string parameter: only text we could have produced (UTF-8).
  if (!is_valid_utf8(rest)) return bad;
  Cursor cursor{std::string(*sort_name), std::string(rest), 0};
  auto [ptr, ec] = std::from_chars(id_text->data(), id_text->data() + id_text->size(), cursor.id);
  if (ec != std::errc{} || ptr != id_text->data() + id_text->size() || cursor.id <= 0) return bad;
  return cursor;
}

Error search_without_words() {
  return Error::invalid("The search has no words.", {{"q", "must contain at least one letter or digit"}});
}

}  // namespace zusammen::service
