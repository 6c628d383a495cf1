#include "api/idempotency.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/problem.h"
#include "service/encoding.h"

namespace zusammen::api {
namespace {

constexpr std::string_view kHeader = "Idempotency-Key";
constexpr const char* kStoredHeaders[] = {"Location", "ETag"};
// A key without an answer for longer than this belongs to a request that died after its commit.
constexpr long long kLostAfterSeconds = 60;

}  // namespace

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string request_fingerprint(const HttpRequest& request) {
  std::string body = request.body;
  auto parsed = nlohmann::json::parse(request.body, nullptr, false);
  if (!parsed.is_discarded()) body = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string text = request.method + '\n' + request.path + '\n' + request.raw_query + '\n' + body;
  return service::sha256_hex(text);
}

std::string stored_headers(const HttpResponse& response) {
  nlohmann::json headers = nlohmann::json::object();
  if (!response.content_type.empty()) headers["Content-Type"] = response.content_type;
  for (const char* name : kStoredHeaders) {
    if (auto value = response.header(name)) headers[name] = *value;
  }
  return headers.dump();
}

HttpResponse replayed(int status, const std::string& headers, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.body = body;
  auto parsed = nlohmann::json::parse(headers, nullptr, false);
  if (parsed.is_object()) {
    for (const auto& [name, value] : parsed.items()) {
      if (!value.is_string()) continue;
      if (name == "Content-Type") {
        response.content_type = value.get<std::string>();
      } else {
        response.with_header(name, value.get<std::string>());
      }
    }
  }
  return response.with_header("Idempotent-Replayed", "true");
}

HttpResponse Idempotency::run(const RequestContext& context, const std::function<HttpResponse()>& handler,
                              const Replay* replay) {
  const HttpRequest& http = context.request;
  auto key = http.header("idempotency-key");
  if (http.method != "POST" || !key) return handler();
  if (!valid_idempotency_key(*key)) {
    return problem(400, "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
                   {{std::string(kHeader), "must be 1 to 255 printable ASCII characters"}});
  }
  service::IdempotencyRequest request;
  request.scope = context.principal.key ? "key:" + std::to_string(context.principal.key->id) : "anonymous";
  request.key = *key;
  request.method = http.method;
  request.path = http.path;
  request.request_hash = request_fingerprint(http);

  auto existing = service_.find(request.scope, request.key);
  if (!existing.ok()) return problem(existing.error());
  if (*existing) return answer_existing(context, request, std::move(**existing), replay);

  HttpResponse response;
  bool claimed = false;
  bool duplicate = false;
  {
    service::IdempotencyClaim claim(request);
    response = handler();
    claimed = claim.claimed();
    duplicate = claim.duplicate();
  }
  if (claimed) {
    // The write and the key committed; the answer is kept for retries. Should this fail, a retry
    // is told the request was carried out (409) rather than running it again.
    auto stored =
        service_.store_response(request.scope, request.key, response.status, stored_headers(response), response.body);
    if (!stored.ok()) spdlog::warn("idempotency: the answer for a key could not be stored: {}", stored.error().detail);
    return response;
  }
  if (duplicate || response.status >= 300) {
    // A concurrent request with this key may have committed first: this one's write was rolled
    // back or failed on the other's (e.g. a unique slug). Answer as a retry of that one.
    auto again = service_.find(request.scope, request.key);
    if (again.ok() && *again) return answer_existing(context, request, std::move(**again), replay);
    if (duplicate)
      return problem(409, "A request with this Idempotency-Key is in progress; retry shortly.")
          .with_header("Retry-After", "1");
    return response;  // nothing was written: a corrected retry may use the same key
  }
  // Succeeded without a recorded write: keep the answer all the same, so retries see it.
  auto inserted = service_.insert_completed(request, response.status, stored_headers(response), response.body);
  if (inserted.ok() && !*inserted) {
    auto again = service_.find(request.scope, request.key);
    if (again.ok() && *again) return answer_existing(context, request, std::move(**again), replay);
  }
  return response;
}

HttpResponse Idempotency::answer_existing(const RequestContext& context, const service::IdempotencyRequest& request,
                                          service::IdempotencyRecord record, const Replay* replay) {
  if (record.method != request.method || record.path != request.path || record.request_hash != request.request_hash) {
    return problem(422, "This Idempotency-Key was used for a different request; use a new key for a new request.",
                   {{std::string(kHeader), "was already used with another method, path or body"}});
  }
  // The key committed with the row it created, and no answer is stored: the first request's answer
  // was lost after its COMMIT (or is about to be stored; it would be the same). Rebuilt from the row.
  if (!record.status && replay && record.resource_type == replay->type && record.resource_id > 0) {
    HttpResponse again = replay->answer(context, record.resource_id);
    if (again.status < 300) return again.with_header("Idempotent-Replayed", "true");
    spdlog::warn("idempotency: the {} {} created under a key cannot be read again (status {})", record.resource_type,
                 record.resource_id, again.status);
  }
  auto deadline = std::chrono::steady_clock::now() + wait_;
  while (!record.status && record.age_seconds < kLostAfterSeconds && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto again = service_.find(request.scope, request.key);
    if (!again.ok()) return problem(again.error());
    if (!*again) break;
    record = std::move(**again);
  }
  if (record.status) return replayed(*record.status, record.response_headers, record.response_body);
  if (record.age_seconds < kLostAfterSeconds) {
    return problem(409, "A request with this Idempotency-Key is still in progress; retry shortly.")
        .with_header("Retry-After", "1");
  }
  return problem(409,
                 "A request with this Idempotency-Key was carried out, but its answer was lost; it is not "
                 "repeated. Read the resource (or the change feed) to see its result.");
}

}  // namespace zusammen::api
