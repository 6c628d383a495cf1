// Idempotency-Key on every POST (openapi.yaml, components/parameters/IdempotencyKey):
// a retry with the same key and request replays the first answer and writes nothing;
// the same key with another request is a 422. The key commits with the request's write
// (service/idempotency.h), with a reference to what it created; this side checks,
// fingerprints, stores and replays answers, and rebuilds a create's answer lost after its
// COMMIT from the row (Replay, api/router.h).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "api/http.h"
#include "api/router.h"
#include "service/idempotency.h"

namespace zusammen::api {

// 1 to 255 printable ASCII characters.
bool valid_idempotency_key(std::string_view key);
// SHA-256 hex of method, path, query and body (JSON bodies canonicalised, so member order and
// whitespace do not matter).
std::string request_fingerprint(const HttpRequest& request);
// The headers of an answer worth replaying (Content-Type, Location, ETag), as JSON text.
std::string stored_headers(const HttpResponse& response);
// A stored answer, marked "Idempotent-Replayed: true".
HttpResponse replayed(int status, const std::string& headers, const std::string& body);

class Idempotency {
 public:
  // wait: how long a retry waits for the answer of a first request that is still running.
  Idempotency(service::Pool& pool, std::chrono::hours ttl,
              std::chrono::milliseconds wait = std::chrono::milliseconds(5000))
      : service_(pool, ttl), wait_(wait) {}

  // Runs handler, under the request's Idempotency-Key when it is a POST that carries one. replay,
  // when the route has one, rebuilds the answer of a create whose key committed but whose answer
  // was not stored (lost after COMMIT): from the row it created, never by writing again.
  HttpResponse run(const RequestContext& context, const std::function<HttpResponse()>& handler,
                   const Replay* replay = nullptr);

 private:
  HttpResponse answer_existing(const RequestContext& context, const service::IdempotencyRequest& request,
                               service::IdempotencyRecord record, const Replay* replay);

  service::IdempotencyService service_;
  std::chrono::milliseconds wait_;
};

}  // namespace zusammen::api
