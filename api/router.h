// Routes: a method and a path template ("/v1/companies/{id}") to a handler.
// Unknown paths are 404, known paths with another method 405 with Allow.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "service/api_keys.h"

namespace zusammen::api {

struct Principal {
  std::optional<service::ApiKey> key;  // none: anonymous
  bool can(std::string_view scope) const { return key && service::grants(key->scopes, scope); }
};

struct RequestContext {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // path parameters
  Principal principal;
};

using Handler = std::function<HttpResponse(const RequestContext&)>;

// How a POST that creates answers again, from the row it created: for a retry under an
// Idempotency-Key whose first answer was lost after its COMMIT (api/idempotency.h).
struct Replay {
  std::string type;  // the change feed's type of what the route creates ("company")
  std::function<HttpResponse(const RequestContext&, long long id)> answer;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  std::optional<Replay> replay;
};

struct RouteMatch {
  const Route* route = nullptr;  // set when method and path match
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;  // methods of the matching path (for 405)
};

class Router {
 public:
  void add(std::string method, const std::string& pattern, Handler handler, std::optional<Replay> replay = {});
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace zusammen::api
