#include "api/request_parsing.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "api/problem.h"
#include "service/model/initiative.h"
#include "service/validation.h"

namespace zusammen::api {

namespace {

// "a, b, c": the allowed values an error message names.
std::string comma_list(const std::vector<std::string_view>& allowed) {
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  return list;
}

}  // namespace

using service::Error;
using service::FieldError;

std::optional<long long> parse_id(std::string_view text) {
  long long value = 0;
  if (text.empty() || text.size() > 18 || text.front() == '+' || text.front() == '-') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

QueryReader::QueryReader(const HttpRequest& request, std::initializer_list<const char*> allowed) : request_(request) {
  // Not a structured binding: clang 14 cannot capture one in the lambda (the fuzz build uses clang).
  for (const auto& parameter : request.query) {
    const std::string& name = parameter.first;
    bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; });
    // A value without a name ("=v") is named by what was sent: a field is never empty.
    if (!known)
      errors_.push_back({name.empty() ? "=" + parameter.second : name, "is not a parameter of this operation"});
  }
}

std::optional<std::string> QueryReader::text(const char* name, std::size_t max_length) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  if (value->empty() || service::utf8_length(*value) > max_length) {
    errors_.push_back({name, "must have 1 to " + std::to_string(max_length) + " characters"});
    return std::nullopt;
  }
  return value;
}

std::optional<long long> QueryReader::id(const char* name) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  auto id = parse_id(*value);
  if (!id) errors_.push_back({name, "must be a positive integer"});
  return id;
}

std::optional<bool> QueryReader::boolean(const char* name) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  errors_.push_back({name, "must be true or false"});
  return std::nullopt;
}

std::optional<std::string> QueryReader::checked(const char* name, bool (*valid)(std::string_view),
                                                const char* message) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  if (!valid(*value)) {
    errors_.push_back({name, message});
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> QueryReader::date(const char* name) {
  return checked(name, service::is_valid_date, "must be a date (YYYY-MM-DD)");
}

std::optional<std::string> QueryReader::slug(const char* name) {
  return checked(name, service::is_valid_slug,
                 "must be lowercase letters and digits in words joined by single hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)");
}

std::optional<std::string> QueryReader::language_tag(const char* name) {
  return checked(name, service::is_language_tag, "must be a BCP 47 language tag such as de, ar, fa-AF or sr-Latn");
}

std::optional<std::string> QueryReader::timestamp(const char* name) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  auto sql = service::timestamp_to_sql(*value);
  if (!sql) errors_.push_back({name, "must be an RFC 3339 date-time such as 2018-11-13T09:00:00Z"});
  return sql;
}

std::optional<std::string> QueryReader::one_of(const char* name, const std::vector<std::string_view>& allowed) {
  auto value = request_.param(name);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return value;
  errors_.push_back({name, "must be one of: " + comma_list(allowed)});
  return std::nullopt;
}

std::optional<service::PageRequest> QueryReader::page(const std::vector<service::SortKey>& sort_keys) {
  auto sort_text = request_.param("sort");
  if (sort_text && sort_text->empty()) {
    errors_.push_back({"sort", "must not be empty"});
    return std::nullopt;
  }
  auto sort = service::parse_sort(sort_text.value_or(""), sort_keys);
  if (!sort.ok()) {
    for (const auto& e : sort.error().errors) errors_.push_back(e);
    return std::nullopt;
  }
  service::PageRequest page{*sort, service::kDefaultLimit, std::nullopt};
  if (auto limit = request_.param("limit")) {
    auto value = parse_id(*limit);
    if (!value || *value > service::kMaxLimit) {
      errors_.push_back({"limit", "must be an integer from 1 to " + std::to_string(service::kMaxLimit)});
      return std::nullopt;
    }
    page.limit = static_cast<int>(*value);
  }
  if (auto cursor = request_.param("cursor")) {
    auto decoded = service::decode_cursor(*cursor, page.sort);
    if (!decoded.ok()) {
      for (const auto& e : decoded.error().errors) errors_.push_back(e);
      return std::nullopt;
    }
    page.after = *decoded;
  }
  return page;
}

std::set<std::string> QueryReader::include(const std::vector<std::string_view>& allowed) {
  return names("include", allowed);
}

std::set<std::string> QueryReader::names(const char* name, const std::vector<std::string_view>& allowed) {
  std::set<std::string> out;
  auto value = request_.param(name);
  if (!value) return out;
  std::string_view rest(*value);
  while (true) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    if (std::find(allowed.begin(), allowed.end(), part) == allowed.end()) {
      errors_.push_back({name, "must be a comma-separated list of: " + comma_list(allowed)});
      return {};
    }
    out.insert(std::string(part));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<Error> QueryReader::error() const {
  if (errors_.empty()) return std::nullopt;
  return Error::invalid("The request has invalid query parameters.", errors_);
}

namespace {

constexpr int kMaxJsonDepth = 32;

// Nesting depth of a JSON text, counted outside strings.
int json_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::string media_type(const std::string& content_type) {
  std::string out = content_type.substr(0, content_type.find(';'));
  out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* json_type_name(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

}  // namespace

JsonBody parse_json_object(const HttpRequest& request, bool merge_patch_allowed) {
  auto content_type = request.header("content-type");
  std::string media = content_type ? media_type(*content_type) : "";
  bool acceptable = media == "application/json" || (merge_patch_allowed && media == "application/merge-patch+json");
  if (!acceptable) {
    std::string expected =
        merge_patch_allowed ? "application/merge-patch+json or application/json" : "application/json";
    return {std::nullopt, problem(415, "The body must be sent as " + expected + ".")};
  }
  if (json_depth(request.body) > kMaxJsonDepth) {
    return {std::nullopt, problem(400, "The JSON body is nested too deeply.")};
  }
  auto parsed = nlohmann::json::parse(request.body, nullptr, false);
  if (parsed.is_discarded()) return {std::nullopt, problem(400, "The body is not valid JSON (UTF-8).")};
  if (!parsed.is_object()) return {std::nullopt, problem(400, "The body must be a JSON object.")};
  return {std::move(parsed), std::nullopt};
}

BodyReader::BodyReader(const nlohmann::json& object, bool partial, std::initializer_list<const char*> read_only)
    : object_(object), partial_(partial) {
  for (const char* name : read_only) read_only_.insert(name);
}

const nlohmann::json* BodyReader::field(const char* name, bool required, bool nullable) {
  seen_.insert(name);
  auto it = object_.find(name);
  std::string at = pointer(name);
  if (it == object_.end()) {
    if (required && !partial_) rule_errors_.push_back({at, "is required"});
    return nullptr;
  }
  if (it->is_null()) {
    if (!nullable) rule_errors_.push_back({at, "must not be null"});
    return nullptr;
  }
  return &*it;
}

void BodyReader::text(const char* name, std::string& out, bool required) {
  const auto* value = field(name, required, false);
  if (value == nullptr) return;
  if (!value->is_string()) {
    type_errors_.push_back({pointer(name), std::string("must be a string, not ") + json_type_name(*value)});
    return;
  }
  out = value->get<std::string>();
}

void BodyReader::text(const char* name, std::optional<std::string>& out) {
  out.reset();
  const auto* value = field(name, false, true);
  if (value == nullptr) return;
  if (!value->is_string()) {
    type_errors_.push_back({pointer(name), std::string("must be a string or null, not ") + json_type_name(*value)});
    return;
  }
  out = value->get<std::string>();
}

void BodyReader::integer(const char* name, long long& out, bool required) {
  const auto* value = field(name, required, false);
  if (value == nullptr) return;
  if (!value->is_number_integer()) {
    type_errors_.push_back({pointer(name), std::string("must be an integer, not ") + json_type_name(*value)});
    return;
  }
  if (value->is_number_unsigned() && value->get<unsigned long long>() > 9007199254740991ULL) {
    rule_errors_.push_back({pointer(name), "is too large"});
    return;
  }
  out = value->get<long long>();
}

void BodyReader::integer(const char* name, int& out, bool required) {
  long long wide = out;
  integer(name, wide, required);
  if (wide > 2147483647LL || wide < -2147483647LL) {
    rule_errors_.push_back({pointer(name), "is too large"});
    return;
  }
  out = static_cast<int>(wide);
}

void BodyReader::boolean(const char* name, bool& out) {
  const auto* value = field(name, false, false);
  if (value == nullptr) return;
  if (!value->is_boolean()) {
    type_errors_.push_back({pointer(name), std::string("must be a boolean, not ") + json_type_name(*value)});
    return;
  }
  out = value->get<bool>();
}

void BodyReader::number(const char* name, std::optional<double>& out) {
  out.reset();
  const auto* value = field(name, false, true);
  if (value == nullptr) return;
  if (!value->is_number()) {
    type_errors_.push_back({pointer(name), std::string("must be a number or null, not ") + json_type_name(*value)});
    return;
  }
  out = value->get<double>();
}

void BodyReader::texts(const char* name, std::vector<std::string>& out) {
  out.clear();
  const auto* value = field(name, false, true);
  if (value == nullptr) return;
  if (!value->is_array()) {
    type_errors_.push_back({pointer(name), std::string("must be an array of strings, not ") + json_type_name(*value)});
    return;
  }
  for (std::size_t k = 0; k < value->size(); ++k) {
    const auto& item = (*value)[k];
    if (!item.is_string()) {
      type_errors_.push_back(
          {pointer(name) + "/" + std::to_string(k), std::string("must be a string, not ") + json_type_name(item)});
      continue;
    }
    out.push_back(item.get<std::string>());
  }
}

BodyReader::Member BodyReader::object(const char* name, const std::function<void(BodyReader&)>& read_members,
                                      std::initializer_list<const char*> read_only) {
  seen_.insert(name);
  auto it = object_.find(name);
  if (it == object_.end()) return Member::absent;
  if (it->is_null()) return Member::null;
  if (!it->is_object()) {
    type_errors_.push_back({pointer(name), std::string("must be an object or null, not ") + json_type_name(*it)});
    return Member::absent;
  }
  BodyReader inner(*it, partial_, read_only);
  inner.prefix_ = pointer(name);
  read_members(inner);
  inner.unread_members();
  std::move(inner.type_errors_.begin(), inner.type_errors_.end(), std::back_inserter(type_errors_));
  std::move(inner.rule_errors_.begin(), inner.rule_errors_.end(), std::back_inserter(rule_errors_));
  return Member::object;
}

void BodyReader::unread_members() {
  for (const auto& [name, value] : object_.items()) {
    if (seen_.contains(name)) continue;
    if (read_only_.contains(name)) {
      type_errors_.push_back({pointer(name.c_str()), "is read-only"});
    } else {
      type_errors_.push_back({pointer(name.c_str()), "is not a field of this resource"});
    }
  }
}

std::optional<Error> BodyReader::finish(std::vector<FieldError> rule_errors) {
  unread_members();
  if (!type_errors_.empty())
    return Error::invalid("The body has fields of the wrong type or unknown fields.", type_errors_);
  // Rules the reader found (required, null) come first; the domain's rules skip what the reader reported.
  for (auto& e : rule_errors) {
    bool already =
        std::any_of(rule_errors_.begin(), rule_errors_.end(), [&](const FieldError& r) { return r.field == e.field; });
    if (!already) rule_errors_.push_back(std::move(e));
  }
  if (!rule_errors_.empty()) return Error::validation(rule_errors_);
  return std::nullopt;
}

}  // namespace zusammen::api
