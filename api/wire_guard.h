// The request head as bytes, checked before Pistache 0.0.5's parser sees it. That parser
// accepts bare LF, NUL bytes, absolute-form targets, two different Content-Lengths and a negative
// one; it answers some of them with a plain-text 500 carrying an exception text, and it keeps the
// connection going after an error. server.cc feeds it only heads that pass here, and answers
// the rest with a problem+json 4xx and a closed connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zusammen::api {

struct WireLimits {
  std::size_t max_request_line = std::size_t{8} * 1024;   // 414 above
  std::size_t max_header_line = std::size_t{8} * 1024;    // 431 above
  std::size_t max_head_bytes = std::size_t{32} * 1024;    // request line and headers together: 431 above
  std::size_t max_headers = 100;                          // 431 above
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  // Content-Length above: 413 at once, the body unread
};

struct HeadCheck {
  enum class Verdict { incomplete, accept, refuse };
  Verdict verdict = Verdict::incomplete;
  // accept: the head's length (blank line included), the body's length and whether the client
  // waits for "100 Continue" before sending it.
  std::size_t head_bytes = 0;
  std::size_t body_bytes = 0;
  bool expect_continue = false;
  // refuse: the status and the problem's detail.
  int status = 0;
  std::string detail;
};

// Judges the start of a connection's pending bytes: a complete head that Pistache may parse, one
// that is not complete yet (and still within the limits), or a refusal.
HeadCheck check_request_head(std::string_view bytes, const WireLimits& limits);

}  // namespace zusammen::api
