// Writing JSON straight into a string, for the reads that carry the most bytes (lists and items
// of initiatives, companies and testimonials): an nlohmann tree built only to be serialised
// cost a list request more CPU than everything else it did (the maps' nodes and strings, their
// allocation and freeing). What it writes is what api::dump writes for the same document,
// which is nlohmann's compact dump byte for byte, so callers give object keys in nlohmann's
// order (sorted): tests/unit/json_writer_test.cc holds both forms of every representation
// written this way against each other.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace zusammen::api {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // An object's key; the value follows. name is written as given: plain ASCII, nothing to escape.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& number(long long value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // A value that is JSON already (rendered once, written many times: a page's companies).
  JsonWriter& raw(std::string_view json);
  // Any nlohmann value, as api::dump writes it.
  JsonWriter& value(const nlohmann::json& value);

  JsonWriter& value(const std::string& text) { return string(text); }
  // Without it a literal would pick value(bool), a standard conversion.
  JsonWriter& value(const char* text) { return string(text); }
  JsonWriter& value(long long number_value) { return number(number_value); }
  JsonWriter& value(int number_value) { return number(number_value); }
  JsonWriter& value(bool flag) { return boolean(flag); }
  JsonWriter& value(double number_value) { return value(nlohmann::json(number_value)); }
  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }
  // key(name) then value(v).
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  // A comma before any element but an object's or array's first, and none after a key.
  void separate();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  template <typename Integer>
  JsonWriter& integer(Integer value);

  std::string& out_;
  bool first_ = true;
};

// What write(JsonWriter&) writes, as an nlohmann value (for the paths that edit a representation:
// merge patches, create and update answers).
template <typename Write>
nlohmann::json written(Write write) {
  std::string text;
  JsonWriter out(text);
  write(out);
  return nlohmann::json::parse(text);
}

}  // namespace zusammen::api
