// The Pistache side: turns wire requests into HttpRequest for App, writes the
// answer back, and logs one access line per request.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/app.h"
#include "api/worker_pool.h"

namespace Pistache::Http {
class Endpoint;
}

namespace zusammen::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
  int threads = 4;  // Pistache's reactor threads: sockets, probes and cached answers
  int workers = 8;  // threads for the requests that need the database (see worker_pool.h)
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  // larger bodies are a 413 problem
  // Pistache buffers a request up to this size and answers a plain-text 413 beyond it; it is kept
  // above the body limit so that ordinary oversized bodies get our problem+json answer.
  std::size_t max_request_bytes = 2 * 1024 * 1024 + 64 * 1024;
  std::chrono::seconds header_timeout{5};
  std::chrono::seconds body_timeout{15};
  std::chrono::seconds keepalive_timeout{30};
};

// What the request threads need to know of a draining server.
class DrainState {
 public:
  std::atomic<bool> closing{false};  // the listener is closed: answer with Connection: close
  // Requests read but not yet handed to Pistache for writing. The metrics' in-flight gauge drops
  // just before the answer goes out (a client that has its answer must see it counted), so the
  // drain waits on this count instead.
  std::atomic<std::int64_t> answering{0};

  // A response sent while closing; Pistache writes it later, on its reactor thread. It is
  // done when written, or when its connection is gone (Pistache then drops it unsettled).
  std::shared_ptr<std::atomic<bool>> add_write(std::weak_ptr<void> connection);
  bool writes_pending();

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::weak_ptr<void>, std::shared_ptr<std::atomic<bool>>>> writes_;
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
  // The graceful stop: closes the listening socket at once (new connections are refused),
  // answers the requests in flight, each with Connection: close, and once they are written
  // stops as shutdown() does. False, with the threads left running, when requests were
  // still in flight after timeout.
  bool drain(std::chrono::milliseconds timeout);

 private:
  App& app_;
  ServerOptions options_;
  std::unique_ptr<WorkerPool> workers_;  // outlives endpoint_: its handlers post here
  std::shared_ptr<Pistache::Http::Endpoint> endpoint_;
  int port_ = 0;
  DrainState drain_;
};

}  // namespace zusammen::api
