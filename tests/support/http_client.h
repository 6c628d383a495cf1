// A deliberately plain HTTP/1.1 client over a raw socket, so tests see the real
// bytes. Every exchange is appended to $ZUSAMMEN_CONTRACT_LOG (when set) for the
// contract check against openapi.yaml.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

namespace zusammen::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string raw;

  std::optional<std::string> header(const std::string& lower_name) const;
  // The comma-separated items of a header (Allow, Vary, ...), trimmed; none when it is absent.
  std::set<std::string> header_items(const std::string& lower_name) const;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

using Headers = std::map<std::string, std::string>;

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const Headers& headers = {});
  HttpResult get(const std::string& target, const Headers& headers = {}) { return request("GET", target, "", headers); }
  HttpResult post(const std::string& target, const nlohmann::json& body, Headers headers = {});
  HttpResult patch(const std::string& target, const nlohmann::json& body, Headers headers = {});
  HttpResult del(const std::string& target, const Headers& headers = {}) {
    return request("DELETE", target, "", headers);
  }

  // Sends bytes as they are on a new connection; returns everything read until the server closes
  // or timeout_ms passes without data.
  std::string raw(const std::string& bytes, int timeout_ms = 2000);

 private:
  int port_;
};

// "Authorization: Bearer <key>".
Headers bearer(const std::string& key);
// headers with one more (or a replaced) header.
Headers with(Headers headers, const std::string& name, const std::string& value);

// ASCII lower case (header values compare case-insensitively).
std::string lower(std::string text);

// URL coding as a client sees it, written here rather than taken from api/ so that the tests do not
// read the server's answers with the server's own code: %XX and '+' decoded (bad escapes kept as
// they are), and a query string "a=1&b=%C3%A4" as {a: "1", b: "ä"}.
std::string url_decode(const std::string& text);
std::map<std::string, std::string> parse_query(const std::string& query);

// Parses one response from the start of raw bytes; nullopt when incomplete.
std::optional<HttpResult> parse_response(const std::string& raw, std::size_t* consumed = nullptr);

}  // namespace zusammen::testing
