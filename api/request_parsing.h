// Reading what a caller sent: ids, query parameters and JSON bodies, strictly.
// Every problem is collected so that one answer names all bad inputs at once.
#pragma once

#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/http.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::api {

// A positive integer in decimal, the whole string ("12abc" is not 12).
std::optional<long long> parse_id(std::string_view text);

class QueryReader {
 public:
  QueryReader(const HttpRequest& request, std::initializer_list<const char*> allowed);

  std::optional<std::string> text(const char* name, std::size_t max_length = 200);
  std::optional<long long> id(const char* name);
  std::optional<bool> boolean(const char* name);
  std::optional<std::string> date(const char* name);
  // RFC 3339; returned converted to SQL UTC "YYYY-MM-DD HH:MM:SS[.ffffff]".
  std::optional<std::string> timestamp(const char* name);
  std::optional<std::string> one_of(const char* name, const std::vector<std::string_view>& allowed);
  std::optional<std::string> slug(const char* name);
  // A language tag (service::is_language_tag).
  std::optional<std::string> language_tag(const char* name);
  // sort, limit and cursor together.
  std::optional<service::PageRequest> page(const std::vector<service::SortKey>& sort_keys);
  // include=a,b: each must be allowed.
  std::set<std::string> include(const std::vector<std::string_view>& allowed);
  // name=a,b: each must be allowed.
  std::set<std::string> names(const char* name, const std::vector<std::string_view>& allowed);

  // 400 naming every bad parameter, when there is one.
  std::optional<service::Error> error() const;

 private:
  // The parameter when valid() holds for it; an error with message otherwise.
  std::optional<std::string> checked(const char* name, bool (*valid)(std::string_view), const char* message);

  const HttpRequest& request_;
  std::vector<service::FieldError> errors_;
};

// Parses a JSON request body: 415 for a wrong Content-Type, 400 for malformed JSON
// or a body that is not an object (or too deeply nested).
struct JsonBody {
  std::optional<nlohmann::json> value;
  std::optional<HttpResponse> failure;
};
JsonBody parse_json_object(const HttpRequest& request, bool merge_patch_allowed);

// Reads the fields of a JSON object into a domain input.
//  - wrong JSON types, unknown and read-only fields: 400 (invalid_argument)
//  - missing required fields and null for a non-nullable field: 422 (validation_failed)
// In partial mode (a merge patch) missing fields are fine.
class BodyReader {
 public:
  BodyReader(const nlohmann::json& object, bool partial, std::initializer_list<const char*> read_only);

  void text(const char* name, std::string& out, bool required = true);
  void text(const char* name, std::optional<std::string>& out);
  void integer(const char* name, long long& out, bool required = true);
  void integer(const char* name, int& out, bool required = true);
  void boolean(const char* name, bool& out);
  // A number or null.
  void number(const char* name, std::optional<double>& out);
  // An array of strings; null or absent: none.
  void texts(const char* name, std::vector<std::string>& out);
  // An object or null: read_members reads its members with a reader of its own (whose errors,
  // unknown and read-only members included, are this one's, their pointers under /name).
  enum class Member { absent, null, object };
  Member object(const char* name, const std::function<void(BodyReader&)>& read_members,
                std::initializer_list<const char*> read_only = {});

  // Adds 400s for fields nobody read; then the first non-empty of (400 errors, 422 errors).
  std::optional<service::Error> finish(std::vector<service::FieldError> rule_errors = {});

 private:
  const nlohmann::json* field(const char* name, bool required, bool nullable);
  std::string pointer(const char* name) const { return prefix_ + "/" + name; }
  // The members nobody read, as errors (400).
  void unread_members();
  std::string prefix_;  // the JSON pointer of the object read, "" for the body
  const nlohmann::json& object_;
  bool partial_;
  std::set<std::string> read_only_;
  std::set<std::string> seen_;
  std::vector<service::FieldError> type_errors_;
  std::vector<service::FieldError> rule_errors_;
};

}  // namespace zusammen::api
