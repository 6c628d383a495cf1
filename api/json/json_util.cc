#include "api/json/json_util.h"

#include <charconv>

#include "service/encoding.h"

namespace zusammen::api {
namespace {

// As nlohmann's serializer::dump_escaped with ensure_ascii false: ", \ and the controls escaped
// (short forms where JSON has them, else \u00xx in lower case), everything else as it is.
bool append_string(std::string& out, const std::string& text) {
  if (!service::is_valid_utf8(text)) return false;
  out.push_back('"');
  const char* data = text.data();
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(data[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(data + run, i - run);
    run = i + 1;
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
  return true;
}

template <typename Number>
void append_number(std::string& out, Number number) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, end);
}

// False where nlohmann must write it (the caller then starts over with nlohmann's dump).
bool append(std::string& out, const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
      out += "null";
      return true;
    case Type::boolean:
      out += value.get<bool>() ? "true" : "false";
      return true;
    case Type::number_integer:
      append_number(out, value.get<nlohmann::json::number_integer_t>());
      return true;
    case Type::number_unsigned:
      append_number(out, value.get<nlohmann::json::number_unsigned_t>());
      return true;
    case Type::string:
      return append_string(out, value.get_ref<const std::string&>());
    case Type::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out.push_back(',');
        first = false;
        if (!append(out, item)) return false;
      }
      out.push_back(']');
      return true;
    }
    case Type::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        if (!append_string(out, key)) return false;
        out.push_back(':');
        if (!append(out, item)) return false;
      }
      out.push_back('}');
      return true;
    }
    default:  // number_float, binary, discarded
      return false;
  }
}

}  // namespace

std::string dump(const nlohmann::json& value) {
  std::string out;
  out.reserve(256);
  if (append(out, value)) return out;
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zusammen::api
