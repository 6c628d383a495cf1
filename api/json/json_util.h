#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace zusammen::api {

template <typename T>
nlohmann::json nullable(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Serialises for the wire: nlohmann's compact dump, byte for byte, with invalid UTF-8 (which the
// database never hands out) replaced, never thrown. Written by JsonWriter (api/json/json_writer.h),
// which copies the runs of a string that need no escape at once (nlohmann's escapes byte by byte:
// a sixth of a list request's CPU); floats are left to nlohmann's.
std::string dump(const nlohmann::json& value);

}  // namespace zusammen::api
