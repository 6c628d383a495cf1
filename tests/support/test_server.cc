#include "test_server.h"

#include <csignal>
#include <stdexcept>

namespace zusammen::testing {

TestServer::TestServer(TestDatabase& database, int threads, api::AppOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  app_ = std::make_unique<api::App>(database.pool(), options);
  api::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = threads;
  server_ = std::make_unique<api::Server>(*app_, server_options);
  server_->start();
}

TestServer::~TestServer() { server_->shutdown(); }

std::string TestServer::key(const std::vector<std::string>& scopes) {
  std::string name;
  for (const auto& s : scopes) name += (name.empty() ? "" : "+") + s;
  auto created = app_->services().api_keys.create(name.empty() ? "none" : name, scopes);
  if (!created.ok()) throw std::runtime_error("creating a test key failed: " + created.error().detail);
  return created->secret;
}

}  // namespace zusammen::testing
