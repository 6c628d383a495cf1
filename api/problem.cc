#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace zusammen::api {
namespace {

struct ProblemKind {
  int status;
  const char* name;
  const char* title;
};

constexpr ProblemKind kKinds[] = {
    {400, "bad-request", "Bad Request"},
    {401, "unauthorized", "Unauthorized"},
    {403, "forbidden", "Forbidden"},
    {404, "not-found", "Not Found"},
    {405, "method-not-allowed", "Method Not Allowed"},
    {406, "not-acceptable", "Not Acceptable"},
    {408, "request-timeout", "Request Timeout"},
    {409, "conflict", "Conflict"},
    {411, "length-required", "Length Required"},
    {412, "precondition-failed", "Precondition Failed"},
    {413, "payload-too-large", "Payload Too Large"},
    {414, "uri-too-long", "URI Too Long"},
    {415, "unsupported-media-type", "Unsupported Media Type"},
    {417, "expectation-failed", "Expectation Failed"},
    {422, "validation-error", "Unprocessable Content"},
    {429, "too-many-requests", "Too Many Requests"},
    {431, "header-fields-too-large", "Request Header Fields Too Large"},
    {500, "internal", "Internal Server Error"},
    {501, "not-implemented", "Not Implemented"},
    {503, "unavailable", "Service Unavailable"},
};

const ProblemKind& kind_of(int status) {
  for (const auto& kind : kKinds) {
    if (kind.status == status) return kind;
  }
  return kKinds[0];
}

}  // namespace

int http_status(service::ErrorCode code) {
  using service::ErrorCode;
  switch (code) {
    case ErrorCode::invalid_argument:
      return 400;
    case ErrorCode::validation_failed:
      return 422;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::already_exists:
    case ErrorCode::failed_precondition:
      return 409;
    case ErrorCode::version_mismatch:
      return 412;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::permission_denied:
      return 403;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

HttpResponse problem(int status, std::string detail, const std::vector<service::FieldError>& errors) {
  const ProblemKind& kind = kind_of(status);
  nlohmann::json body = {{"type", std::string("/problems/") + kind.name},
                         {"title", kind.title},
                         {"status", status},
                         {"detail", std::move(detail)}};
  if (!errors.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
    body["errors"] = std::move(list);
  }
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kProblemJson);
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) response.with_header("WWW-Authenticate", "Bearer realm=\"zusammen\"");
  if (status == 503) response.with_header("Retry-After", "1");
  return response;
}

HttpResponse problem(const service::Error& error) {
  HttpResponse response = problem(http_status(error.code), error.detail, error.errors);
  if (error.existing_id) {
    nlohmann::json body = nlohmann::json::parse(response.body);
    body["existing_id"] = *error.existing_id;
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return response;
}

HttpResponse bad_request(const std::string& field, const std::string& message) {
  return problem(400, "The request has an invalid " + field + ".", {{field, message}});
}

}  // namespace zusammen::api
