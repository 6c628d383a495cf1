// An API key's record (the secret itself is never stored).
#pragma once

#include <optional>
#include <set>
#include <string>

namespace zusammen::service {

struct ApiKey {
  long long id = 0;
  std::string name;
  std::string prefix;  // the first characters of the key, to recognise it in lists
  std::set<std::string> scopes;
  std::string created_at;
  std::optional<std::string> revoked_at;
};

}  // namespace zusammen::service
