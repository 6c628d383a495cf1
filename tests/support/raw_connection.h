// One client connection kept open across requests, to see what the server does with the bytes
// of a request and with the connection itself (kept, closed, answered late).
#pragma once

#include <optional>
#include <string>

#include "http_client.h"

namespace zusammen::testing {

class Connection {
 public:
  // Throws when 127.0.0.1:port refuses the connection.
  explicit Connection(int port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // False when the server no longer takes bytes.
  bool send(const std::string& bytes);

  // The next complete response; nullopt when the server closes or stays silent for timeout_ms.
  std::optional<HttpResult> read_response(int timeout_ms = 5000);

  // True when the server closes the connection within timeout_ms (bytes still arriving are kept).
  bool closed_by_server(int timeout_ms = 3000);

  // Everything received so far and not yet taken by read_response.
  const std::string& pending() const { return buffer_; }
  // Reads until at least `count` bytes are pending or timeout_ms passes; false on a close or timeout.
  bool wait_for_bytes(std::size_t count, int timeout_ms = 5000);

  // Ends the connection with a reset (SO_LINGER 0) instead of an orderly close.
  void reset();

 private:
  bool fill(int timeout_ms);

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace zusammen::testing
