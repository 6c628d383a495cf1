#include "api/server.h"

#include <sys/socket.h>

#include <chrono>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include "api/problem.h"
#include "service/encoding.h"

namespace zusammen::api {
namespace {

using namespace Pistache;

// A response header with any name: Pistache writes only typed headers, so every
// header we send goes through this one type.
class AnyHeader final : public Http::Header::Header {
 public:
  AnyHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& stream) const override { stream << value_; }
  uint64_t hash() const override { return service::fnv1a64(name_); }

 private:
  std::string name_;
  std::string value_;
};

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class RequestHandler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)

  RequestHandler(App* app, std::size_t max_body_bytes) : app_(app), max_body_bytes_(max_body_bytes) {}

  void onRequest(const Http::Request& wire, Http::ResponseWriter writer) override {
    auto started = std::chrono::steady_clock::now();
    HttpRequest request;
    std::string route = "unmatched";
    HttpResponse response;
    try {
      // Probes and the contract ignore the query string (openapi.yaml), even one that cannot be decoded.
      if (!build(wire, request) && request.path.rfind("/v1/", 0) == 0) {
        response = problem(400, "The query string is malformed.");
      } else if (request.body.size() > max_body_bytes_) {
        response = problem(413, "The body is larger than " + std::to_string(max_body_bytes_) + " bytes.");
      } else {
        response = app_->handle(request, route);
      }
    } catch (const std::exception& e) {
      spdlog::error("request failed before routing: {}", service::redact_for_log(e.what()));
      response = problem(500, "An internal error occurred.");
    }
    if (request.request_id.empty()) request.request_id = service::hex_encode(service::random_bytes(8));
    send(wire, request, response, std::move(writer));
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    spdlog::info("access method={} route={} status={} duration_ms={:.3f} bytes={} request_id={}", request.method,
                 route, response.status, static_cast<double>(micros.count()) / 1000.0, response.body.size(),
                 request.request_id);
  }

  void onTimeout(const Http::Request&, Http::ResponseWriter writer) override {
    HttpResponse response = problem(408, "The request was not received in time.");
    writer.headers().add(std::make_shared<AnyHeader>("Content-Type", response.content_type));
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    writer.send(Http::Code::Request_Timeout, response.body);
  }

 private:
  static bool build(const Http::Request& wire, HttpRequest& request) {
    request.method = Http::methodString(wire.method());
    request.path = wire.resource();
    request.body = wire.body();
    request.client_address = wire.address().host();
    for (const auto& [name, raw] : wire.headers().rawList()) request.headers[lower(name)] = raw.value();
    if (auto id = request.header("x-request-id"); id && valid_request_id(*id)) request.request_id = *id;
    std::string raw_query = wire.query().as_str();
    if (!raw_query.empty() && raw_query.front() == '?') raw_query.erase(0, 1);
    request.raw_query = raw_query;
    auto pairs = parse_query_string(raw_query);
    if (!pairs) return false;
    for (auto& [name, value] : *pairs) request.query[name] = std::move(value);
    return true;
  }

  static void send(const Http::Request& wire, const HttpRequest& request, const HttpResponse& response,
                   Http::ResponseWriter writer) {
    auto& headers = writer.headers();
    // Pistache 0.0.5 answers "Connection: Close" when the request has no Connection header, though
    // HTTP/1.1 connections are persistent by default: keep them open unless the client asked otherwise.
    if (wire.version() == Http::Version::Http11 && !wire.headers().has("Connection")) {
      headers.remove<Http::Header::Connection>();
      headers.add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    }
    if (!response.content_type.empty()) headers.add(std::make_shared<AnyHeader>("Content-Type", response.content_type));
    headers.add(std::make_shared<AnyHeader>("X-Request-Id", request.request_id));
    for (const auto& [name, value] : response.headers) headers.add(std::make_shared<AnyHeader>(name, value));
    auto code = static_cast<Http::Code>(response.status);
    // Pistache 0.0.5 writes "Connection: Close" (asked for, or HTTP/1.0) but keeps the socket open
    // until the keep-alive timeout: end it once the response is written. shutdown() and not close():
    // the reactor then sees the end of the stream and releases the peer itself.
    auto connection = headers.tryGet<Http::Header::Connection>();
    std::weak_ptr<Tcp::Peer> peer;
    if (connection && connection->control() == Http::ConnectionControl::Close) peer = writer.getPeer();
    auto sent = response.status == 204 || response.status == 304 ? writer.send(code) : writer.send(code, response.body);
    if (!peer.expired()) {
      sent.then(
          [peer](ssize_t) {
            if (auto p = peer.lock()) ::shutdown(p->fd(), SHUT_RDWR);
          },
          Async::IgnoreException);
    }
  }

  App* app_;
  std::size_t max_body_bytes_;
};

}  // namespace

Server::Server(App& app, ServerOptions options) : app_(app), options_(std::move(options)) {}

Server::~Server() { shutdown(); }

void Server::start() {
  Address address(options_.host, Port(static_cast<uint16_t>(options_.port)));
  endpoint_ = std::make_shared<Http::Endpoint>(address);
  auto opts = Http::Endpoint::options()
                  .threads(options_.threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(options_.max_request_bytes)
                  .maxResponseSize(64 * 1024 * 1024)
                  .headerTimeout(options_.header_timeout)
                  .bodyTimeout(options_.body_timeout)
                  .keepaliveTimeout(options_.keepalive_timeout);
  endpoint_->init(opts);
  endpoint_->setHandler(Http::make_handler<RequestHandler>(&app_, options_.max_body_bytes));
  endpoint_->serveThreaded();
}

int Server::port() const { return endpoint_ ? static_cast<int>(static_cast<uint16_t>(endpoint_->getPort())) : 0; }

void Server::shutdown() {
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace zusammen::api
