// "1,2,3" for SQL IN lists: integers only, never caller text.
#pragma once

#include <string>

namespace zusammen::service::sql {

template <typename Ids>
std::string id_list(const Ids& ids) {
  // Appended piece by piece: GCC 12's -O2/-O3 takes `(out.empty() ? "" : ",") + std::to_string(id)`
  // for an overlapping copy (a false -Wrestrict that stopped Release builds).
  std::string out;
  for (long long id : ids) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(id);
  }
  return out;
}

}  // namespace zusammen::service::sql
