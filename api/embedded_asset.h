// A file embedded into the binary at build time by cmake/embed_assets.cmake.
#pragma once

#include <string_view>

namespace zusammen::embedded {

struct Asset {
  std::string_view name;    // file name, "swagger-ui-bundle.js"
  std::string_view sha256;  // of the contents, 64 hex digits
  std::string_view content;
};

}  // namespace zusammen::embedded
