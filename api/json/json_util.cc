#include "api/json/json_util.h"

#include "api/json/json_writer.h"

namespace zusammen::api {

std::string dump(const nlohmann::json& value) {
  std::string out;
  out.reserve(256);
  JsonWriter(out).value(value);
  return out;
}

}  // namespace zusammen::api
