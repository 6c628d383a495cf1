#include "api/cors.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace zusammen::api {
namespace {

constexpr std::string_view kExposedHeaders =
    "Content-Location, ETag, Link, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit-Policy, "
    "X-Request-Id";
// The request headers the API reads; a browser asking for any other is refused by omission.
constexpr std::string_view kAllowedHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id";
// For `*`: anonymous reads only.
constexpr std::string_view kAnonymousHeaders = "Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id";

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

// Adds value to the response's Vary header (one header, comma-separated).
void add_vary(HttpResponse& response, std::string_view value) {
  for (auto& [name, existing] : response.headers) {
    if (lower(name) == "vary") {
      existing += ", ";
      existing += value;
      return;
    }
  }
  response.with_header("Vary", std::string(value));
}

}  // namespace

std::optional<std::set<std::string>> parse_cors_origins(std::string_view text, std::string* error) {
  static const std::regex kOrigin(R"([a-z][a-z0-9+.\-]*://[a-z0-9.\-\[\]:]+)");
  std::set<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string entry = lower(trim(text.substr(0, comma)));
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    if (entry.empty()) continue;
    if (entry != "*" && !std::regex_match(entry, kOrigin)) {
      if (error != nullptr) *error = entry;
      return std::nullopt;
    }
    out.insert(entry);
  }
  return out;
}

Cors::Cors(std::string_view origins) {
  origins_ = parse_cors_origins(origins).value_or(std::set<std::string>{});
  any_origin_ = origins_.erase("*") > 0;
}

void Cors::apply(const HttpRequest& request, HttpResponse& response) const {
  if (!enabled()) return;
  // Shared caches must not hand one origin's answer to another.
  add_vary(response, "Origin");
  auto origin = request.header("origin");
  if (!origin) return;
  bool listed = origins_.count(*origin) > 0;
  if (!listed && !(any_origin_ && !request.header("authorization"))) return;
  response.with_header("Access-Control-Allow-Origin", listed ? *origin : "*");
  auto allow = response.header("Allow");
  bool preflight =
      request.method == "OPTIONS" && request.header("access-control-request-method") && response.status == 204 && allow;
  if (!preflight) {
    response.with_header("Access-Control-Expose-Headers", std::string(kExposedHeaders));
    return;
  }
  response.with_header("Access-Control-Allow-Methods", *allow)
      .with_header("Access-Control-Allow-Headers", std::string(listed ? kAllowedHeaders : kAnonymousHeaders))
      .with_header("Access-Control-Max-Age", std::to_string(kCorsMaxAgeSeconds));
}

}  // namespace zusammen::api
