#include "api/router.h"

#include <algorithm>

#include "api/problem.h"

namespace zusammen::api {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

namespace {

// f, answering a refused take() (a Refusal) with its problem instead of letting it escape.
template <typename F>
auto refusals_answered(F f) {
  return [f = std::move(f)](const auto&... arguments) -> HttpResponse {
    try {
      return f(arguments...);
    } catch (const Refusal& refusal) {
      return problem(refusal.error);
    }
  };
}

}  // namespace

void Router::add(std::string method, const std::string& pattern, Handler handler, std::optional<Replay> replay) {
  if (replay) replay->answer = refusals_answered(std::move(replay->answer));
  routes_.push_back(
      {std::move(method), pattern, split_path(pattern), refusals_answered(std::move(handler)), std::move(replay)});
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  auto segments = split_path(path);
  // Among the templates that match, the most specific ones (most literal segments) own the path:
  // "/v1/meetings/{id}.ics" owns "/v1/meetings/5.ics", so DELETE there is a 405, not a delete.
  struct Candidate {
    const Route* route;
    std::map<std::string, std::string> params;
    int literals;
  };
  std::vector<Candidate> candidates;
  int most_literals = -1;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const auto& expected = route.segments[i];
      auto close = expected.find('}');
      if (expected.size() > 2 && expected.front() == '{' && close != std::string::npos) {
        // "{id}" or "{id}.ics": a parameter, optionally followed by a literal suffix.
        std::string suffix = expected.substr(close + 1);
        const std::string& actual = segments[i];
        if (actual.size() <= suffix.size() ||
            actual.compare(actual.size() - suffix.size(), suffix.size(), suffix) != 0) {
          matches = false;
        } else {
          params[expected.substr(1, close - 1)] = actual.substr(0, actual.size() - suffix.size());
          if (!suffix.empty()) ++literals;
        }
      } else {
        matches = expected == segments[i];
        ++literals;
      }
    }
    if (!matches) continue;
    most_literals = std::max(most_literals, literals);
    candidates.push_back({&route, std::move(params), literals});
  }
  RouteMatch out;
  for (auto& candidate : candidates) {
    if (candidate.literals != most_literals) continue;
    const std::string& m = candidate.route->method;
    if (std::find(out.allowed.begin(), out.allowed.end(), m) == out.allowed.end()) out.allowed.push_back(m);
    if (m == method && out.route == nullptr) {
      out.route = candidate.route;
      out.params = std::move(candidate.params);
    }
  }
  return out;
}

}  // namespace zusammen::api
