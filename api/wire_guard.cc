#include "api/wire_guard.h"

#include <algorithm>
#include <array>
#include <optional>

namespace zusammen::api {
namespace {

HeadCheck refuse(int status, std::string detail) {
  HeadCheck out;
  out.verdict = HeadCheck::Verdict::refuse;
  out.status = status;
  out.detail = std::move(detail);
  return out;
}

// RFC 9110 tchar.
bool is_token_char(unsigned char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return is_token_char(static_cast<unsigned char>(c)); });
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The methods Pistache 0.0.5 knows; any other well-formed method is not implemented here (501).
constexpr std::array<std::string_view, 9> kMethods = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                                      "DELETE", "OPTIONS", "TRACE", "CONNECT"};

// A Content-Length value: digits only (a list of equal values is the same length, RFC 9110 8.6).
std::optional<std::size_t> content_length(std::string_view value) {
  std::optional<std::size_t> out;
  while (true) {
    auto comma = value.find(',');
    std::string_view part = trim(value.substr(0, comma));
    if (part.empty() || part.size() > 15) return std::nullopt;
    std::size_t n = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (out && *out != n) return std::nullopt;
    out = n;
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

HeadCheck check_line_endings(std::string_view head) {
  for (std::size_t i = 0; i < head.size(); ++i) {
    char c = head[i];
    if (c == '\0') return refuse(400, "The request head contains a NUL byte.");
    if (c == '\n' && (i == 0 || head[i - 1] != '\r')) return refuse(400, "Lines of the request head must end in CRLF.");
    if (c == '\r' && i + 1 < head.size() && head[i + 1] != '\n') {
      return refuse(400, "The request head contains a CR that does not end a line.");
    }
  }
  return {};
}

HeadCheck check_request_line(std::string_view line) {
  auto first = line.find(' ');
  auto last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    return refuse(400, "The request line must be: method, target and HTTP version, separated by single spaces.");
  }
  std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, last - first - 1);
  std::string_view version = line.substr(last + 1);
  if (!is_token(method)) return refuse(400, "The request method is not a token.");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return refuse(400, "Only HTTP/1.1 and HTTP/1.0 are served; the request line names \"" +
                           std::string(version.substr(0, 16)) + "\".");
  }
  if (target.empty() || target.front() != '/') {
    return refuse(400, "The request target must be a path (origin-form, starting with \"/\").");
  }
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
      return refuse(400, "The request target may hold only visible ASCII characters; percent-encode the rest.");
    }
  }
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return refuse(501, "The method " + std::string(method.substr(0, 32)) + " is not implemented by this service.");
  }
  return {};
}

}  // namespace

HeadCheck check_request_head(std::string_view bytes, const WireLimits& limits) {
  auto end = bytes.find("\r\n\r\n");
  std::string_view head = end == std::string_view::npos ? bytes : bytes.substr(0, end + 2);
  // What is already there is judged even when the head is incomplete: a client must not keep a
  // connection by never finishing a broken head.
  if (auto check = check_line_endings(head); check.verdict == HeadCheck::Verdict::refuse) return check;
  auto line_end = head.find("\r\n");
  std::size_t line_length = line_end == std::string_view::npos ? head.size() : line_end;
  if (line_length > limits.max_request_line) {
    return refuse(414, "The request line is longer than " + std::to_string(limits.max_request_line) + " bytes.");
  }
  if (head.size() > limits.max_head_bytes) {
    return refuse(431, "The request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes.");
  }
  if (line_end != std::string_view::npos) {
    if (auto check = check_request_line(head.substr(0, line_end)); check.verdict == HeadCheck::Verdict::refuse) {
      return check;
    }
  }
  if (end == std::string_view::npos) return {};

  HeadCheck out;
  out.verdict = HeadCheck::Verdict::accept;
  out.head_bytes = end + 4;
  bool http11 = head.substr(0, line_end).ends_with("HTTP/1.1");
  std::optional<std::size_t> length;
  bool has_length = false;
  bool chunked = false;
  bool has_transfer_encoding = false;
  std::size_t count = 0;
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    auto next = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, next - pos);
    pos = next + 2;
    if (++count > limits.max_headers) {
      return refuse(431, "The request has more than " + std::to_string(limits.max_headers) + " header fields.");
    }
    if (line.size() > limits.max_header_line) {
      return refuse(431, "A header field is longer than " + std::to_string(limits.max_header_line) + " bytes.");
    }
    if (line.front() == ' ' || line.front() == '\t') return refuse(400, "Folded header lines are not accepted.");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return refuse(400, "A header line is not \"name: value\".");
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) return refuse(400, "A header value contains a control character.");
    }
    if (iequals(name, "content-length")) {
      auto parsed = content_length(value);
      if (!parsed || (has_length && length != parsed)) {
        return refuse(400, "Content-Length must be one non-negative decimal number.");
      }
      has_length = true;
      length = parsed;
    } else if (iequals(name, "transfer-encoding")) {
      has_transfer_encoding = true;
      chunked = iequals(value, "chunked");
    } else if (iequals(name, "expect")) {
      if (!iequals(value, "100-continue")) return refuse(417, "The only expectation met here is 100-continue.");
      out.expect_continue = http11;
    }
  }
  if (has_transfer_encoding) {
    if (has_length) return refuse(400, "A request must not carry both Content-Length and Transfer-Encoding.");
    if (!chunked) return refuse(501, "No transfer coding but chunked is understood, and chunked only alone.");
    return refuse(411, "Request bodies must be sent with a Content-Length, not chunked.");
  }
  out.body_bytes = length.value_or(0);
  if (out.body_bytes > limits.max_body_bytes) {
    return refuse(413, "The body is larger than " + std::to_string(limits.max_body_bytes) + " bytes.");
  }
  out.expect_continue = out.expect_continue && out.body_bytes > 0;
  return out;
}

}  // namespace zusammen::api
