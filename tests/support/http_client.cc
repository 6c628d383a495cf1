#include "http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace zusammen::testing {
namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (413); what it answered is still read
    sent += static_cast<std::size_t>(n);
  }
}

void record(const std::string& method, const std::string& target, const HttpResult& result) {
  const char* path = std::getenv("ZUSAMMEN_CONTRACT_LOG");
  if (path == nullptr || *path == '\0') return;
  auto q = target.find('?');
  nlohmann::json line = {{"method", method},
                         {"path", target.substr(0, q)},
                         {"query", q == std::string::npos ? "" : target.substr(q + 1)},
                         {"status", result.status},
                         {"content_type", result.header("content-type").value_or("")},
                         {"headers", result.headers},
                         {"body", result.body}};
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  // One write per line: appends from parallel test processes do not interleave.
  ssize_t written = ::write(fd, text.data(), text.size());
  (void)written;
  ::close(fd);
}

}  // namespace

std::optional<std::string> HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::set<std::string> HttpResult::header_items(const std::string& lower_name) const {
  std::set<std::string> out;
  std::string value = header(lower_name).value_or("");
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.insert(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<HttpResult> parse_response(const std::string& raw, std::size_t* consumed) {
  auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpResult result;
  std::size_t line_end = raw.find("\r\n");
  std::string status_line = raw.substr(0, line_end);
  auto space = status_line.find(' ');
  if (space == std::string::npos) return std::nullopt;
  result.status = std::atoi(status_line.c_str() + space + 1);
  std::size_t pos = line_end + 2;
  while (pos < end) {
    auto next = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      result.headers[lower(line.substr(0, colon))] = value;
    }
    pos = next + 2;
  }
  std::size_t length = 0;
  if (auto cl = result.header("content-length")) length = std::stoul(*cl);
  if (raw.size() < end + 4 + length) return std::nullopt;
  result.body = raw.substr(end + 4, length);
  result.raw = raw.substr(0, end + 4 + length);
  if (consumed != nullptr) *consumed = end + 4 + length;
  return result;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const Headers& headers) {
  std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    bytes += name + ": " + value + "\r\n";
    has_type = has_type || lower(name) == "content-type";
  }
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    if (!has_type) bytes += "Content-Type: application/json\r\n";
    bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  bytes += "\r\n" + body;

  int fd = connect_to(port_);
  send_all(fd, bytes);
  std::string raw;
  char buffer[65536];
  std::optional<HttpResult> result;
  while (!result) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
    result = parse_response(raw);
  }
  ::close(fd);
  if (!result) throw std::runtime_error("no complete HTTP response to " + method + " " + target + ": " + raw);
  record(method, target, *result);
  return *result;
}

HttpResult HttpClient::post(const std::string& target, const nlohmann::json& body, Headers headers) {
  return request("POST", target, body.dump(), headers);
}

HttpResult HttpClient::patch(const std::string& target, const nlohmann::json& body, Headers headers) {
  if (!headers.contains("Content-Type")) headers["Content-Type"] = "application/merge-patch+json";
  return request("PATCH", target, body.dump(), headers);
}

std::string HttpClient::raw(const std::string& bytes, int timeout_ms) {
  int fd = connect_to(port_);
  send_all(fd, bytes);
  std::string out;
  char buffer[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Headers bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

Headers with(Headers headers, const std::string& name, const std::string& value) {
  headers[name] = value;
  return headers;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string url_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      out[url_decode(part.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(part.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace zusammen::testing
