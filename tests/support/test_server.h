// The real App and Pistache server, in-process on port 0, over a TestDatabase.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/server.h"
#include "http_client.h"
#include "test_database.h"

namespace zusammen::testing {

class TestServer {
 public:
  explicit TestServer(TestDatabase& database, int threads = 4, api::AppOptions options = {});
  ~TestServer();

  int port() const { return server_->port(); }
  HttpClient client() const { return HttpClient(port()); }
  api::App& app() { return *app_; }
  // A new API key with these scopes (via the service, as `zusammen apikey create` does).
  std::string key(const std::vector<std::string>& scopes);

 private:
  std::unique_ptr<api::App> app_;
  std::unique_ptr<api::Server> server_;
};

}  // namespace zusammen::testing
