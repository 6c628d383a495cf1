// The Pistache side: turns wire requests into HttpRequest for App, writes the
// answer back, and logs one access line per request.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/app.h"

namespace Pistache::Http {
class Endpoint;
}

namespace zusammen::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
  int threads = 4;
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies are a 413 problem
  // Pistache buffers a request up to this size and answers a plain-text 413 beyond it; it is kept
  // above the body limit so that ordinary oversized bodies get our problem+json answer.
  std::size_t max_request_bytes = 2 * 1024 * 1024 + 64 * 1024;
  std::chrono::seconds header_timeout{5};
  std::chrono::seconds body_timeout{15};
  std::chrono::seconds keepalive_timeout{30};
};

class Server {
 public:
  Server(App& app, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves on background threads; throws when the address cannot be bound.
  void start();
  int port() const;
  // Stops accepting, lets the reactor finish what it was writing, joins the threads.
  void shutdown();

 private:
  App& app_;
  ServerOptions options_;
  std::shared_ptr<Pistache::Http::Endpoint> endpoint_;
};

}  // namespace zusammen::api
