// The one place that turns errors into HTTP: application/problem+json (RFC 9457).
#pragma once

#include <string>
#include <vector>

#include "api/http.h"
#include "service/status.h"

namespace zusammen::api {

int http_status(service::ErrorCode code);

// A problem response for a status; type is "/problems/<name>" with a name per status.
HttpResponse problem(int status, std::string detail, const std::vector<service::FieldError>& errors = {});
HttpResponse problem(const service::Error& error);

// 400 naming one query parameter or body field.
HttpResponse bad_request(const std::string& field, const std::string& message);

// A service failure on its way to the answer. A handler take()s the value of each Result it
// needs; what it cannot take ends the handler, and the router answers problem(error) for it
// (Router::add wraps every handler so): the mapping of failures to responses stays here.
struct Refusal {
  service::Error error;
};

template <typename T>
T take(service::Result<T> result) {
  if (!result.ok()) throw Refusal{result.error()};
  return std::move(result).value();
}

}  // namespace zusammen::api
