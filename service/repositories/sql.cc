#include "service/repositories/sql.h"

namespace zusammen::service::sql {

std::optional<std::string> fulltext_terms(const std::string& q) {
  std::string out;
  std::string word;
  auto flush = [&]() {
    if (!word.empty()) out += (out.empty() ? "+" : " +") + word + "*";
    word.clear();
  };
  for (char c : q) {
    bool separator = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '+' || c == '-' || c == '<' ||
                     c == '>' || c == '(' || c == ')' || c == '~' || c == '*' || c == '"' || c == '@' || c == ',' ||
                     c == '.' || c == ';' || c == ':' || c == '\'' || c == '/' || c == '\\';
    if (separator) {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace zusammen::service::sql
