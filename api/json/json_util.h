#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace zusammen::api {

template <typename T>
nlohmann::json nullable(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Serialises for the wire; invalid UTF-8 (which the database never hands out) is replaced, never thrown.
inline std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zusammen::api
