#include "service/validation.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace zusammen::service {

const std::vector<std::string_view> kGermanStates = {"DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE",
                                                     "DE-HH", "DE-MV", "DE-NI", "DE-NW", "DE-RP", "DE-SH",
                                                     "DE-SL", "DE-SN", "DE-ST", "DE-TH"};

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view s) {
  int value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

bool only_spaces(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) return false;
  std::chrono::year_month_day day{std::chrono::year{number(s.substr(0, 4))},
                                  std::chrono::month{static_cast<unsigned>(number(s.substr(5, 2)))},
                                  std::chrono::day{static_cast<unsigned>(number(s.substr(8, 2)))}};
  return day.ok() && number(s.substr(0, 4)) >= 1000;
}

std::optional<std::string> timestamp_to_sql(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (s.size() < 20 || !is_valid_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  std::string_view time = s.substr(11);
  if (time.size() < 9 || time[2] != ':' || time[5] != ':' || !all_digits(time.substr(0, 2)) ||
      !all_digits(time.substr(3, 2)) || !all_digits(time.substr(6, 2))) {
    return std::nullopt;
  }
  int hour = number(time.substr(0, 2));
  int minute = number(time.substr(3, 2));
  int second = number(time.substr(6, 2));
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::string_view rest = time.substr(8);
  std::string fraction;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return std::nullopt;
    fraction = std::string(rest.substr(1, std::min<std::size_t>(n - 1, 6)));
    rest.remove_prefix(n);
  }
  int offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
             all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
    int h = number(rest.substr(1, 2));
    int m = number(rest.substr(4, 2));
    if (h > 23 || m > 59) return std::nullopt;
    offset_minutes = (rest[0] == '+' ? 1 : -1) * (h * 60 + m);
  } else {
    return std::nullopt;
  }
  using namespace std::chrono;
  sys_days day{year{number(s.substr(0, 4))} / month{static_cast<unsigned>(number(s.substr(5, 2)))} /
               std::chrono::day{static_cast<unsigned>(number(s.substr(8, 2)))}};
  sys_seconds t = day + hours{hour} + minutes{minute} + seconds{second} - minutes{offset_minutes};
  auto utc_day = floor<days>(t);
  year_month_day ymd{utc_day};
  hh_mm_ss hms{t - utc_day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02ld:%02ld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  std::string out = buffer;
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

bool is_valid_timestamp(std::string_view text) { return timestamp_to_sql(text).has_value(); }

bool is_valid_slug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  char previous = 0;
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && previous == '-') return false;
    previous = c;
  }
  return true;
}

void Validator::text(const std::string& field, const std::string& value, std::size_t max) {
  if (value.empty() || only_spaces(value)) {
    fail(field, "must not be empty");
  } else if (utf8_length(value) > max) {
    fail(field, "must be at most " + std::to_string(max) + " characters");
  }
}

void Validator::text(const std::string& field, const std::optional<std::string>& value, std::size_t max) {
  if (value && utf8_length(*value) > max) fail(field, "must be at most " + std::to_string(max) + " characters");
}

void Validator::slug(const std::string& field, const std::string& value, std::size_t max) {
  if (!is_valid_slug(value)) {
    fail(field, "must be lowercase letters and digits in words joined by single hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)");
  } else if (value.size() > max) {
    fail(field, "must be at most " + std::to_string(max) + " characters");
  }
}

void Validator::url(const std::string& field, const std::optional<std::string>& value) {
  if (!value) return;
  const std::string& v = *value;
  bool scheme = v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0;
  auto host_start = v.find("//") + 2;
  bool host = scheme && v.size() > host_start && v[host_start] != '/' && v[host_start] != '?';
  bool clean =
      std::none_of(v.begin(), v.end(), [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20; });
  if (!scheme || !host || !clean) {
    fail(field, "must be an absolute http or https URL");
  } else if (v.size() > 500) {
    fail(field, "must be at most 500 characters");
  }
}

void Validator::email(const std::string& field, const std::optional<std::string>& value) {
  if (!value) return;
  const std::string& v = *value;
  auto at = v.find('@');
  bool shape =
      at != std::string::npos && at > 0 && at == v.rfind('@') && v.find('.', at) != std::string::npos &&
      v.back() != '.' && v[at + 1] != '.' &&
      std::none_of(v.begin(), v.end(), [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20; });
  if (!shape) {
    fail(field, "must be an email address");
  } else if (v.size() > 254) {
    fail(field, "must be at most 254 characters");
  }
}

void Validator::date(const std::string& field, const std::optional<std::string>& value) {
  if (value && !is_valid_date(*value)) fail(field, "must be a date (YYYY-MM-DD)");
}

void Validator::german_state(const std::string& field, const std::optional<std::string>& value) {
  if (value && std::find(kGermanStates.begin(), kGermanStates.end(), *value) == kGermanStates.end()) {
    fail(field, "must be an ISO 3166-2:DE code such as DE-BE");
  }
}

void Validator::one_of(const std::string& field, const std::string& value,
                       const std::vector<std::string_view>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  fail(field, "must be one of: " + list);
}

void Validator::at_least(const std::string& field, long long value, long long minimum) {
  if (value < minimum) fail(field, "must be at least " + std::to_string(minimum));
}

}  // namespace zusammen::service
