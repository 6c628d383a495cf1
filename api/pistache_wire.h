// Between Pistache's types and the App's (api/http.h): a wire request read into an HttpRequest,
// an HttpResponse's headers put on a ResponseWriter, and what a refusal can learn of a request
// head that Pistache never parsed. api/server.cc drives the requests with these.
#pragma once

#include <pistache/http.h>

#include <string>
#include <string_view>

#include "api/http.h"

namespace zusammen::api::wire {

// An id for a request that brought none: unique enough to find its log lines, not a secret.
std::string new_request_id();
// Whether a caller's X-Request-Id may be the request's id: 1 to 128 of [A-Za-z0-9-_.:].
bool valid_request_id(const std::string& id);

// Method, path, body, client address, headers (names in lower case), the caller's request id
// when valid, and the query. False when the query string cannot be decoded (the rest is read).
bool read_request(const Pistache::Http::Request& wire, HttpRequest& request);

// What a refusal needs of a request (method, Origin, Authorization, X-Request-Id), read from the
// raw head as far as it arrived; a malformed head gives what it gives.
HttpRequest head_view(std::string_view head);

// Puts Content-Type (when the response has one), X-Request-Id and the response's own headers on
// the writer.
void add_headers(Pistache::Http::ResponseWriter& writer, const HttpResponse& response, const std::string& request_id);

}  // namespace zusammen::api::wire
