#include "api/json/json_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "service/encoding.h"

namespace zusammen::api {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Whether any of the eight bytes is a control character, '"' or '\' (what JSON escapes). Exact as
// a yes/no: a borrow can only follow a byte that already answers yes.
bool needs_escape(std::uint64_t chunk) {
  auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighBits; };
  std::uint64_t below_space = (chunk - kOnes * 0x20) & ~chunk & kHighBits;
  return (below_space | zero_byte(chunk ^ (kOnes * '"')) | zero_byte(chunk ^ (kOnes * '\\'))) != 0;
}

// As nlohmann's serializer::dump_escaped with ensure_ascii false: ", \ and the controls escaped
// (short forms where JSON has them, else \u00xx in lower case), everything else as it is; the runs
// that need nothing are copied at once, eight bytes checked at a step.
void append_escaped(std::string& out, std::string_view text) {
  out.push_back('"');
  const char* data = text.data();
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, data + i, 8);
      if (!needs_escape(chunk)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(data[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(data + run, i - 1 - run);
    run = i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  }
  out.append(data + run, text.size() - run);
  out.push_back('"');
}

}  // namespace

void JsonWriter::separate() {
  if (!first_) out_.push_back(',');
  first_ = false;
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::begin_object() { return open('{'); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('['); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  out_.push_back('"');
  out_.append(name);
  out_ += "\":";
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  separate();
  if (service::is_valid_utf8(text)) {
    append_escaped(out_, text);
  } else {  // never from the database; replaced as nlohmann replaces it
    out_ += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return *this;
}

template <typename Integer>
JsonWriter& JsonWriter::integer(Integer value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::number(long long value) { return integer(value); }

JsonWriter& JsonWriter::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  return *this;
}

JsonWriter& JsonWriter::value(const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
      return null();
    case Type::boolean:
      return boolean(value.get<bool>());
    case Type::number_integer:
      return number(value.get<nlohmann::json::number_integer_t>());
    case Type::number_unsigned:
      return integer(value.get<nlohmann::json::number_unsigned_t>());
    case Type::string:
      return string(value.get_ref<const std::string&>());
    case Type::array:
      begin_array();
      for (const auto& item : value) this->value(item);
      return end_array();
    case Type::object:
      begin_object();
      for (const auto& [name, item] : value.get_ref<const nlohmann::json::object_t&>()) {
        string(name);  // a key that may need escaping: written as a string, then the value
        first_ = true;
        out_.push_back(':');
        this->value(item);
      }
      return end_object();
    default:  // number_float, binary, discarded: nlohmann's own
      return raw(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace zusammen::api
