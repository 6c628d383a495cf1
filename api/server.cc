#include "api/server.h"

#include <netinet/in.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "api/exchange.h"
#include "api/pistache_wire.h"
#include "api/problem.h"
#include "api/wire_guard.h"
#include "service/encoding.h"

namespace zusammen::api {
namespace {

using namespace Pistache;

class RequestHandler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)

  RequestHandler(App* app, DrainState* drain, WorkerPool* workers, std::size_t max_body_bytes)
      : app_(app), workers_(workers), exchanges_(app, drain, max_body_bytes) {
    limits_.max_body_bytes = max_body_bytes;
  }

  // Pistache's own onInput, with every request head judged by check_request_head first (see
  // wire_guard.h): a refused head is answered with a problem and ends the connection, and
  // Pistache's parser only ever holds one request at a time.
  void onInput(const char* buffer, size_t length, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto state = wire_state(peer);
    std::string_view input(buffer, length);
    while (!input.empty() && !state->refused) {
      if (state->body_left > 0) {
        std::size_t take = std::min(input.size(), state->body_left);
        state->body_left -= take;
        parse(peer, *state, input.substr(0, take));
        input.remove_prefix(take);
        continue;
      }
      std::size_t before = state->head.size();
      state->head.append(input);
      HeadCheck check = check_request_head(state->head, limits_);
      if (check.verdict == HeadCheck::Verdict::incomplete) return;
      if (check.verdict == HeadCheck::Verdict::refuse) {
        refuse(peer, *state, check.status, check.detail, state->head);
        return;
      }
      input.remove_prefix(check.head_bytes - before);
      std::string head = state->head.substr(0, check.head_bytes);
      state->head.clear();
      state->body_left = check.body_bytes;
      if (check.expect_continue && input.size() < check.body_bytes) {
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        peer->send(RawBuffer(kContinue.data(), kContinue.size())).then([](ssize_t) {}, Async::IgnoreException);
      }
      state->current_head = head;
      parse(peer, *state, head);
    }
  }

  // Pistache calls this only from its own onInput, which onInput above replaces: kept for the
  // interface, it answers in place.
  void onRequest(const Http::Request& wire, Http::ResponseWriter writer) override {
    auto exchange = exchanges_.arrive(wire, std::move(writer));
    exchanges_.respond(*exchange);
    exchanges_.finish(*exchange);
  }

  void onTimeout(const Http::Request&, Http::ResponseWriter writer) override {
    HttpResponse response = problem(408, "The request was not received in time.");
    wire::add_headers(writer, response, wire::new_request_id());
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    writer.send(Http::Code::Request_Timeout, response.body);
  }

 private:
  struct WireState {
    std::string head;           // bytes of a request head not complete yet
    std::size_t body_left = 0;  // bytes of the current body still to come
    bool refused = false;       // answered with a refusal: whatever follows is dropped
    std::string current_head;   // the head of the request being parsed (for a refusal's CORS headers)
    // Answers leave in the order the requests came: while one of this connection's requests is
    // with a worker, later ones wait behind it and that worker answers them in turn.
    std::mutex mutex;
    bool busy = false;
    std::deque<std::shared_ptr<Exchange>> waiting;
  };

  static std::shared_ptr<WireState> wire_state(const std::shared_ptr<Tcp::Peer>& peer) {
    constexpr const char* kKey = "zusammen.wire";
    if (auto existing = peer->tryGetData(kKey)) return std::static_pointer_cast<WireState>(existing);
    auto created = std::make_shared<WireState>();
    peer->putData(kKey, created);
    return created;
  }

  // Answers at once what needs no database; hands the rest to a worker.
  void accept(const std::shared_ptr<Tcp::Peer>& peer, const Http::Request& wire, Http::ResponseWriter writer) {
    auto state = wire_state(peer);
    auto exchange = exchanges_.arrive(wire, std::move(writer));
    {
      std::unique_lock lock(state->mutex);
      if (state->busy) {
        state->waiting.push_back(std::move(exchange));
        return;
      }
      if (!exchanges_.answer_now(*exchange)) {
        state->busy = true;
        lock.unlock();
        // Waiting for a worker is not waiting for the client: the keep-alive timeout applies,
        // not the header timeout of a request that is still arriving.
        peer->setIdle(true);
        auto task = [this, state, exchange] { work(state, exchange); };
        if (!workers_->post(task)) task();  // stopping: answer here
        return;
      }
    }
    exchanges_.finish(*exchange);
  }

  // On a worker: answers the exchange, then whatever queued behind it on the same connection.
  void work(const std::shared_ptr<WireState>& state, std::shared_ptr<Exchange> exchange) {
    while (exchange) {
      exchanges_.respond(*exchange);
      exchanges_.finish(*exchange);
      std::lock_guard lock(state->mutex);
      if (state->waiting.empty()) {
        state->busy = false;
        exchange.reset();
      } else {
        exchange = std::move(state->waiting.front());
        state->waiting.pop_front();
      }
    }
  }

  // What Http::Handler::onInput does with the bytes of one request, but a parse error is a
  // problem+json refusal, never a plain-text answer carrying an exception's text.
  void parse(const std::shared_ptr<Tcp::Peer>& peer, WireState& state, std::string_view bytes) {
    auto parser = Http::Handler::getParser(peer);
    try {
      if (!parser->feed(bytes.data(), bytes.size())) {
        parser->reset();
        refuse(peer, state, 413, "The request is larger than this server buffers.", state.current_head);
        return;
      }
      if (parser->parse() != Http::Private::State::Done) return;
      auto& request = parser->request;
      Http::ResponseWriter writer(request.version(), transport(), this, peer);
      request.copyAddress(peer->address());
      auto connection = request.headers().tryGet<Http::Header::Connection>();
      writer.headers().add<Http::Header::Connection>(connection ? connection->control()
                                                                : Http::ConnectionControl::Close);
      peer->setIdle(false);
      accept(peer, request, std::move(writer));
      parser->reset();
    } catch (const Http::HttpError& e) {
      // Pistache raises 415 for a media type it cannot read, in Content-Type or in Accept.
      spdlog::debug("unreadable request: {}", e.what());
      parser->reset();
      if (e.code() == 415) {
        refuse(peer, state, 415, "A media type in Content-Type or Accept cannot be read.", state.current_head);
      } else {
        refuse(peer, state, 400, "The request has a header whose value cannot be read.", state.current_head);
      }
    } catch (const std::exception& e) {
      // Pistache's other typed headers (Date, ...) throw on values they cannot parse.
      spdlog::debug("unreadable request: {}", e.what());
      parser->reset();
      refuse(peer, state, 400, "The request has a header whose value cannot be read.", state.current_head);
    }
  }

  // Answers a request that is not read any further and ends the connection: the FIN goes out once
  // the answer is written, and what the client still sends is dropped until it closes (or the
  // header timeout does).
  void refuse(const std::shared_ptr<Tcp::Peer>& peer, WireState& state, int status, const std::string& detail,
              std::string_view head) {
    state.refused = true;
    HttpResponse response = problem(status, detail);
    // A browser sees the refusal only with the CORS headers its Origin earns.
    HttpRequest seen = wire::head_view(head);
    app_->cors().apply(seen, response);
    // The caller's request id, when acceptable, so that its refusal can be found in the log.
    auto given = seen.header("x-request-id");
    std::string request_id = given && wire::valid_request_id(*given) ? *given : wire::new_request_id();
    Http::ResponseWriter writer(Http::Version::Http11, transport(), this, peer);
    wire::add_headers(writer, response, request_id);
    writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    std::weak_ptr<Tcp::Peer> weak = peer;
    writer.send(static_cast<Http::Code>(status), response.body)
        .then(
            [weak](ssize_t) {
              if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_WR);
            },
            Async::IgnoreException);
    spdlog::info("access method=- route=refused status={} duration_ms=0 bytes={} request_id={} detail=\"{}\"", status,
                 response.body.size(), request_id, detail);
  }

  App* app_;
  WorkerPool* workers_;
  Exchanges exchanges_;
  WireLimits limits_;
};

// The listening socket on port: Pistache 0.0.5 keeps its descriptor to itself.
int listening_socket(int port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    int listening = 0;
    socklen_t size = sizeof(listening);
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) continue;
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
    int bound = -1;
    if (address.ss_family == AF_INET) bound = ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    if (address.ss_family == AF_INET6) bound = ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    if (bound == port) return fd;
  }
  return -1;
}

// Closes the listening socket under Pistache: an unbound socket takes over its descriptor
// number (dup2 closes the old one atomically), so connection attempts are refused from now
// on, the acceptor's epoll forgets the closed socket, and Pistache later closes only the
// placeholder, never a descriptor that was meanwhile reused for something else.
bool stop_listening(int port) {
  int fd = listening_socket(port);
  if (fd < 0) return false;
  int placeholder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0) return false;
  bool replaced = ::dup2(placeholder, fd) >= 0;
  ::close(placeholder);
  return replaced;
}

}  // namespace

std::shared_ptr<std::atomic<bool>> DrainState::add_write(std::weak_ptr<void> connection) {
  auto written = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  writes_.emplace_back(std::move(connection), written);
  return written;
}

bool DrainState::writes_pending() {
  std::lock_guard lock(mutex_);
  std::erase_if(writes_, [](const auto& write) { return *write.second || write.first.expired(); });
  return !writes_.empty();
}

Server::Server(App& app, ServerOptions options) : app_(app), options_(std::move(options)) {}

Server::~Server() { shutdown(); }

void Server::start() {
  Address address(options_.host, Port(static_cast<uint16_t>(options_.port)));
  endpoint_ = std::make_shared<Http::Endpoint>(address);
  auto opts = Http::Endpoint::options()
                  .threads(options_.threads)
                  .flags(Tcp::Options::ReuseAddr | Tcp::Options::CloseOnExec)
                  .maxRequestSize(options_.max_request_bytes)
                  .maxResponseSize(std::size_t{64} * 1024 * 1024)
                  .headerTimeout(options_.header_timeout)
                  .bodyTimeout(options_.body_timeout)
                  .keepaliveTimeout(options_.keepalive_timeout);
  endpoint_->init(opts);
  workers_ = std::make_unique<WorkerPool>(options_.workers);
  app_.set_background(
      [workers = workers_.get()](std::function<void()> task) { return workers->post(std::move(task)); });
  endpoint_->setHandler(Http::make_handler<RequestHandler>(&app_, &drain_, workers_.get(), options_.max_body_bytes));
  endpoint_->serveThreaded();
  port_ = static_cast<int>(static_cast<uint16_t>(endpoint_->getPort()));
}

int Server::port() const { return endpoint_ ? port_ : 0; }

void Server::shutdown() {
  // The workers finish what they hold while the reactor still writes their answers; requests that
  // arrive meanwhile are answered on the reactor threads (post() refuses them).
  if (workers_) {
    app_.set_background(nullptr);
    workers_->stop();
  }
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
  workers_.reset();
}

bool Server::drain(std::chrono::milliseconds timeout) {
  if (!endpoint_) return true;
  drain_.closing = true;
  // Endpoint::shutdown() would stop the acceptor but leave the socket open until the endpoint is
  // destroyed (connections queue up unanswered), and it stops the reactor at once: a response
  // still being written would be cut. So: close the socket first, let the reactor run until
  // everything in flight is written, then shut down.
  if (!stop_listening(port_)) spdlog::warn("the listening socket could not be closed before the stop");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (drain_.answering.load() > 0 || drain_.writes_pending()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  shutdown();
  return true;
}

}  // namespace zusammen::api
