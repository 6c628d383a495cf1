#include "api/exchange.h"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <exception>
#include <utility>

#include "api/access_log.h"
#include "api/pistache_wire.h"
#include "api/problem.h"
#include "service/encoding.h"

namespace zusammen::api {

using namespace Pistache;

void Exchanges::failed(Exchange& exchange, const std::exception& e) {
  spdlog::error("request failed before routing: {}", service::redact_for_log(e.what()));
  exchange.response = problem(500, "An internal error occurred.");
  exchange.failed = true;
}

std::shared_ptr<Exchange> Exchanges::arrive(const Http::Request& incoming, Http::ResponseWriter writer) {
  auto exchange = std::make_shared<Exchange>(std::move(writer));
  exchange->started = std::chrono::steady_clock::now();
  app_->metrics().request_started();
  drain_->answering.fetch_add(1);
  exchange->version = incoming.version();
  exchange->names_connection = incoming.headers().has("Connection");
  try {
    exchange->query_ok = wire::read_request(incoming, exchange->request);
  } catch (const std::exception& e) {
    failed(*exchange, e);
  }
  return exchange;
}

bool Exchanges::refused_early(Exchange& exchange) {
  if (exchange.failed) return true;
  auto& request = exchange.request;
  // Probes and the contract ignore the query string (openapi.yaml), even one that cannot be decoded.
  if (!exchange.query_ok && request.path.rfind("/v1/", 0) == 0) {
    exchange.response = problem(400, "The query string is malformed.");
  } else if (request.body.size() > max_body_bytes_) {
    exchange.response = problem(413, "The body is larger than " + std::to_string(max_body_bytes_) + " bytes.");
  } else {
    return false;
  }
  app_->cors().apply(request, exchange.response);
  return true;
}

bool Exchanges::answer_now(Exchange& exchange) {
  try {
    if (refused_early(exchange)) return true;
    auto now = app_->handle_now(exchange.request, exchange.route);
    if (!now) return false;
    exchange.response = std::move(*now);
  } catch (const std::exception& e) {
    failed(exchange, e);
  }
  return true;
}

void Exchanges::respond(Exchange& exchange) {
  try {
    if (!refused_early(exchange)) exchange.response = app_->handle(exchange.request, exchange.route);
  } catch (const std::exception& e) {
    failed(exchange, e);
  }
}

void Exchanges::finish(Exchange& exchange) {
  auto& request = exchange.request;
  auto& response = exchange.response;
  if (request.request_id.empty()) request.request_id = wire::new_request_id();
  // Recorded before the answer goes out: a client that reads it and scrapes /metrics at once
  // finds it counted, and no longer in flight.
  auto elapsed = std::chrono::steady_clock::now() - exchange.started;
  app_->metrics().observe(request.method, exchange.route, response.status, elapsed);
  app_->metrics().request_finished();
  send(exchange);
  drain_->answering.fetch_sub(1);
  write_access({request.method, exchange.route, response.status,
                std::chrono::duration_cast<std::chrono::microseconds>(elapsed), response.body.size(),
                request.request_id});
}

void Exchanges::send(Exchange& exchange) {
  const auto& request = exchange.request;
  const auto& response = exchange.response;
  auto& writer = exchange.writer;
  auto& headers = writer.headers();
  // Pistache 0.0.5 answers "Connection: Close" when the request has no Connection header, though
  // HTTP/1.1 connections are persistent by default: keep them open unless the client asked otherwise.
  if (exchange.version == Http::Version::Http11 && !exchange.names_connection) {
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
  }
  // A draining server ends every connection after its current response.
  bool closing = drain_->closing.load();
  if (closing) {
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(Http::ConnectionControl::Close);
  }
  wire::add_headers(writer, response, request.request_id);
  auto code = static_cast<Http::Code>(response.status);
  // Pistache 0.0.5 writes "Connection: Close" (asked for, or HTTP/1.0) but keeps the socket open
  // until the keep-alive timeout: end it once the response is written. shutdown() and not close():
  // the reactor then sees the end of the stream and releases the peer itself.
  auto connection = headers.tryGet<Http::Header::Connection>();
  std::weak_ptr<Tcp::Peer> peer;
  if (connection && connection->control() == Http::ConnectionControl::Close) peer = writer.getPeer();
  std::shared_ptr<std::atomic<bool>> written;
  if (closing) written = drain_->add_write(peer);
  auto sent = response.status == 204 || response.status == 304 ? writer.send(code) : writer.send(code, response.body);
  if (!peer.expired()) {
    sent.then(
        [peer, written](ssize_t) {
          if (auto p = peer.lock()) ::shutdown(p->fd(), SHUT_RDWR);
          if (written) *written = true;
        },
        [written](const std::exception_ptr&) {
          if (written) *written = true;
        });
  }
}

}  // namespace zusammen::api
