// The HTTP types handlers see: plain values, independent of Pistache, so that
// routing, parsing and rendering are testable without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zusammen::api {

struct HttpRequest {
  std::string method;  // "GET"
  std::string path;    // "/v1/companies/12"
  std::string raw_query;
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client_address;
  std::string request_id;

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  HttpResponse& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  std::optional<std::string> header(std::string_view name) const;
};

inline constexpr std::string_view kJson = "application/json; charset=utf-8";
inline constexpr std::string_view kProblemJson = "application/problem+json; charset=utf-8";

// Percent-decodes a query component ('+' is a space). Nullopt on a broken escape.
std::optional<std::string> url_decode(std::string_view text);
// Splits a raw query string "a=1&b=%C3%BC" into decoded pairs; nullopt on a broken escape or
// when a decoded name or value is not UTF-8.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query_string(std::string_view raw);
// Percent-encodes a query value.
std::string url_encode(std::string_view text);

}  // namespace zusammen::api
