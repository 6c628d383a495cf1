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

}  // namespace zusammen::api
