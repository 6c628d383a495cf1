// Database URLs (mysql://user:password@host:port/database) and SOCI's connect string.
#include <charconv>

#include "service/database.h"

namespace zusammen::service {
namespace {

std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      unsigned value = 0;
      auto [ptr, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
      if (ec == std::errc{} && ptr == in.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

// Quotes a value for SOCI's MySQL connect string.
std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

Result<DatabaseUrl> parse_database_url(const std::string& url) {
  constexpr std::string_view scheme = "mysql://";
  if (url.rfind(scheme, 0) != 0) {
    return Error::invalid("database URL must start with mysql://");
  }
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  DatabaseUrl out;
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  out.database = percent_decode(path);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    out.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.password = percent_decode(userinfo.substr(colon + 1));
  }
  std::string_view host = authority;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    int value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value <= 0 || value > 65535) {
      return Error::invalid("database URL has an invalid port");
    }
    out.port = value;
  }
  if (host.empty()) return Error::invalid("database URL has no host");
  out.host = std::string(host);
  return out;
}

std::string soci_connect_string(const DatabaseUrl& url, const DatabaseTimeouts& timeouts) {
  std::string s = "host=" + quoted(url.host) + " port=" + std::to_string(url.port);
  if (!url.database.empty()) s += " dbname=" + quoted(url.database);
  if (!url.user.empty()) s += " user=" + quoted(url.user);
  if (!url.password.empty()) s += " password=" + quoted(url.password);
  s += " charset=utf8mb4";
  s += " connect_timeout=" + std::to_string(timeouts.connect_seconds);
  s += " read_timeout=" + std::to_string(timeouts.read_seconds);
  s += " write_timeout=" + std::to_string(timeouts.write_seconds);
  return s;
}

}  // namespace zusammen::service
