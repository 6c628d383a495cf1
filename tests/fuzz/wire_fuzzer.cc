// Bytes from a socket through check_request_head (api/wire_guard.h), the judge that stands
// before Pistache's parser: whatever it accepts must be a well-framed head within the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/wire_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zusammen::api;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  WireLimits limits;
  limits.max_request_line = 256;
  limits.max_header_line = 256;
  limits.max_head_bytes = 1024;
  limits.max_headers = 8;
  limits.max_body_bytes = 4096;
  HeadCheck check = check_request_head(bytes, limits);
  switch (check.verdict) {
    case HeadCheck::Verdict::accept:
      if (check.head_bytes > size || check.head_bytes > limits.max_head_bytes + 2) __builtin_trap();
      if (bytes.substr(0, check.head_bytes).find('\0') != std::string_view::npos) __builtin_trap();
      if (bytes.substr(check.head_bytes - 4, 4) != "\r\n\r\n") __builtin_trap();
      if (bytes.substr(0, check.head_bytes - 2).find("\r\n\r\n") != std::string_view::npos) __builtin_trap();
      if (check.body_bytes > limits.max_body_bytes) __builtin_trap();
      break;
    case HeadCheck::Verdict::refuse:
      if (check.status < 400 || check.status > 501 || check.detail.empty()) __builtin_trap();
      break;
    case HeadCheck::Verdict::incomplete:
      if (size > limits.max_head_bytes) __builtin_trap();
      break;
  }
  return 0;
}
