// How one request is answered, from its arrival to its access line, whichever thread answers it:
// api/server.cc reads the wire and decides where (the reactor or a worker); this decides what.
#pragma once

#include <pistache/http.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "api/app.h"
#include "api/http.h"
#include "api/server.h"

namespace zusammen::api {

// One request from its arrival to its answer.
struct Exchange {
  explicit Exchange(Pistache::Http::ResponseWriter w) : writer(std::move(w)) {}
  Pistache::Http::ResponseWriter writer;
  HttpRequest request;
  bool query_ok = true;
  bool failed = false;  // it threw before a handler answered: response holds the 500
  Pistache::Http::Version version = Pistache::Http::Version::Http11;
  bool names_connection = false;  // the request had a Connection header
  std::chrono::steady_clock::time_point started;
  std::string route = "unmatched";
  HttpResponse response;
};

class Exchanges {
 public:
  Exchanges(App* app, DrainState* drain, std::size_t max_body_bytes)
      : app_(app), drain_(drain), max_body_bytes_(max_body_bytes) {}

  // A parsed request: read into an HttpRequest, counted in flight.
  std::shared_ptr<Exchange> arrive(const Pistache::Http::Request& incoming, Pistache::Http::ResponseWriter writer);
  // On the reactor thread: sets the answer and returns true when it needs no database.
  bool answer_now(Exchange& exchange);
  // On a worker: the answer, from the application.
  void respond(Exchange& exchange);
  // Records the answer in the metrics, sends it and logs one access line.
  void finish(Exchange& exchange);

 private:
  // What is decided before the application sees the request; true when the answer is set.
  bool refused_early(Exchange& exchange);
  // The 500 of a request that threw before a handler could answer it.
  static void failed(Exchange& exchange, const std::exception& e);
  void send(Exchange& exchange);

  App* app_;
  DrainState* drain_;
  std::size_t max_body_bytes_;
};

}  // namespace zusammen::api
