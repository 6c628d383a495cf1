// Rule checks shared by the resources; each adds a FieldError and never stops
// early, so a caller learns about every bad field at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/status.h"

namespace zusammen::service {

class Validator {
 public:
  // Required text: 1..max characters (Unicode code points), not only spaces.
  void text(const std::string& field, const std::string& value, std::size_t max);
  void text(const std::string& field, const std::optional<std::string>& value, std::size_t max);
  void slug(const std::string& field, const std::string& value, std::size_t max = 100);
  void url(const std::string& field, const std::optional<std::string>& value);
  void email(const std::string& field, const std::optional<std::string>& value);
  void date(const std::string& field, const std::optional<std::string>& value);
  void german_state(const std::string& field, const std::optional<std::string>& value);
  void one_of(const std::string& field, const std::string& value, const std::vector<std::string_view>& allowed);
  void at_least(const std::string& field, long long value, long long minimum);
  void fail(const std::string& field, const std::string& message) { errors_.push_back({field, message}); }

  bool ok() const { return errors_.empty(); }
  std::vector<FieldError> take() { return std::move(errors_); }

 private:
  std::vector<FieldError> errors_;
};

std::size_t utf8_length(std::string_view text);
bool is_valid_date(std::string_view text);       // YYYY-MM-DD, a real calendar day
bool is_valid_timestamp(std::string_view text);  // RFC 3339 with Z or offset
// RFC 3339 → "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, for SQL comparisons.
std::optional<std::string> timestamp_to_sql(std::string_view text);
bool is_valid_slug(std::string_view text);

extern const std::vector<std::string_view> kGermanStates;

}  // namespace zusammen::service
