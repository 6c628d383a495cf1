// CORS for partner websites (ZUSAMMEN_CORS_ORIGINS): exact origins on an allow-list
// get their origin back on every response and may send an API key; `*` in the list
// lets any other origin read anonymously (Access-Control-Allow-Origin: *, and the
// preflight does not allow Authorization). Any other origin gets no Access-Control-*
// header, so the browser blocks it. Access-Control-Allow-Credentials is never sent:
// keys travel in the Authorization header, which needs no credentials mode; there
// are no cookies. Applied to every response after the anonymous response cache, so
// one origin's headers are never replayed to another.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "api/http.h"

namespace zusammen::api {

// How long browsers may reuse a preflight answer.
inline constexpr int kCorsMaxAgeSeconds = 600;

class Cors {
 public:
  // origins: as validated by parse_cors_origins; empty: CORS is off.
  explicit Cors(std::string_view origins);

  bool enabled() const { return any_origin_ || !origins_.empty(); }
  // Adds Vary: Origin and, for an allowed origin, the Access-Control-* headers; a 204 answer to
  // OPTIONS with Access-Control-Request-Method becomes a preflight answer (methods from its Allow).
  void apply(const HttpRequest& request, HttpResponse& response) const;

 private:
  std::set<std::string> origins_;
  bool any_origin_ = false;
};

// A comma-separated list of origins ("https://partner.example", "http://localhost:3000") and/or
// "*"; nullopt names the first entry that is not an origin (scheme://host[:port], nothing else).
std::optional<std::set<std::string>> parse_cors_origins(std::string_view text, std::string* error = nullptr);

}  // namespace zusammen::api
