// The service layer's error vocabulary: protocol-neutral codes that api/ maps
// to HTTP in one table (api/problem.cc). The service never sees HTTP.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace zusammen::service {

enum class ErrorCode {
  invalid_argument,   // the request cannot be read (bad types, unknown fields, bad parameters)
  validation_failed,  // readable, but values break a rule
  not_found,
  already_exists,       // a uniqueness rule (duplicate slug ...)
  failed_precondition,  // the state forbids it (company still has initiatives)
  version_mismatch,     // optimistic concurrency: If-Match did not match
  unauthenticated,
  permission_denied,
  unavailable,  // database unreachable, pool exhausted, lock timeouts
  internal,
};

struct FieldError {
  std::string field;  // JSON pointer into the body ("/slug") or a query parameter name
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;
  std::vector<FieldError> errors;
  // A uniqueness conflict may name the record that exists already (rendered as "existing_id").
  std::optional<long long> existing_id = std::nullopt;

  static Error invalid(std::string detail, std::vector<FieldError> errors = {}) {
    return {ErrorCode::invalid_argument, std::move(detail), std::move(errors)};
  }
  static Error validation(std::vector<FieldError> errors) {
    return {ErrorCode::validation_failed, "The request has invalid values.", std::move(errors)};
  }
  static Error not_found(std::string detail) { return {ErrorCode::not_found, std::move(detail), {}}; }
  static Error unavailable(std::string detail) { return {ErrorCode::unavailable, std::move(detail), {}}; }
};

// A value or an Error; the smallest thing that does the job of std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace zusammen::service
