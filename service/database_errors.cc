// What a database error means for the caller (classify_database_error), and what of it may be
// logged (redact_for_log).
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "service/database.h"
#include "service/database_stats.h"

namespace zusammen::service {
namespace {

constexpr unsigned kDuplicateKey = 1062;
constexpr unsigned kRowReferenced = 1451;
constexpr unsigned kRowReferenced2 = 1217;
constexpr unsigned kNoReferencedRow = 1452;
constexpr unsigned kNoReferencedRow2 = 1216;
constexpr unsigned kLockWaitTimeout = 1205;
constexpr unsigned kDeadlock = 1213;
constexpr unsigned kReadOnly = 1290;
constexpr unsigned kReadOnlyTransaction = 1792;
constexpr unsigned kStatementTimeout = 1969;
constexpr unsigned kStatementTimeoutMysql = 3024;
constexpr unsigned kQueryInterrupted = 1317;
constexpr unsigned kServerShutdown = 1053;
constexpr unsigned kTooManyConnections = 1040;
constexpr unsigned kConnectionKilled = 1927;
constexpr unsigned kDisconnectedIdle = 4031;

bool is_connection_error(unsigned number) {
  // Client errors 2000-2999 (can't connect, server gone away, lost connection ...).
  return (number >= 2000 && number < 3000) || number == kServerShutdown || number == kTooManyConnections ||
         number == kConnectionKilled || number == kDisconnectedIdle;
}

}  // namespace

bool is_lock_conflict(unsigned number) { return number == kDeadlock || number == kLockWaitTimeout; }

std::string redact_for_log(std::string_view message) {
  // SOCI appends its context: " while executing \"<statement>\" with :name=value, ...". The values
  // are the caller's data (and a statement may quote some): the context is left out.
  for (std::string_view marker : {" while executing", " while preparing", " while fetching", " with :"}) {
    if (auto at = message.find(marker); at != std::string_view::npos) message = message.substr(0, at);
  }
  // MySQL quotes the offending value (the duplicate email of a 1062) without escaping quotes inside
  // it: everything from the first opening quote to the last quote is cut. (An apostrophe inside a
  // word, as in "Can't connect", opens nothing.)
  auto is_quote = [](char c) { return c == '\'' || c == '"' || c == '`'; };
  auto first = std::string_view::npos;
  for (std::size_t i = 0; i < message.size() && first == std::string_view::npos; ++i) {
    if (is_quote(message[i]) && (i == 0 || !std::isalnum(static_cast<unsigned char>(message[i - 1])))) first = i;
  }
  if (first == std::string_view::npos) return std::string(message);
  auto last = message.find_last_of("'\"`");
  std::string out(message.substr(0, first + 1));
  out += "...";
  if (last != first) out += message.substr(last);
  return out;
}

unsigned mysql_error_number(const std::exception& e) {
  if (const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&e)) return mysql->err_num_;
  return 0;
}

Error classify_database_error(const std::exception& e, bool* connection_lost) {
  unsigned number = mysql_error_number(e);
  if (connection_lost != nullptr) *connection_lost = false;
  switch (number) {
    case kDuplicateKey:
      count_database_error(DatabaseErrorKind::duplicate);
      return {ErrorCode::already_exists, "A resource with these unique values exists already.", {}};
    case kRowReferenced:
    case kRowReferenced2:
      count_database_error(DatabaseErrorKind::foreign_key);
      return {ErrorCode::failed_precondition, "Other resources still refer to this one.", {}};
    case kNoReferencedRow:
    case kNoReferencedRow2:
      count_database_error(DatabaseErrorKind::foreign_key);
      return {ErrorCode::validation_failed, "A referenced resource does not exist.", {}};
    case kLockWaitTimeout:
    case kDeadlock:
      count_database_error(number == kDeadlock ? DatabaseErrorKind::deadlock : DatabaseErrorKind::lock_wait);
      return Error::unavailable("The database is busy; try again.");
    case kReadOnly:
    case kReadOnlyTransaction:
      count_database_error(DatabaseErrorKind::read_only);
      return Error::unavailable("The database accepts no writes right now.");
    case kStatementTimeout:
    case kStatementTimeoutMysql:
      spdlog::warn("database statement over its time limit (mysql error {})", number);
      count_database_error(DatabaseErrorKind::timeout);
      return Error::unavailable("The database took too long to answer.");
    case kQueryInterrupted:
      spdlog::warn("database statement interrupted (mysql error {})", number);
      return Error::unavailable("The database is unavailable.");
    default:
      break;
  }
  if (number != 0 && is_connection_error(number)) {
    if (connection_lost != nullptr) *connection_lost = true;
    count_database_error(DatabaseErrorKind::connection_lost);
    spdlog::warn("database connection lost (mysql error {}): {}", number, redact_for_log(e.what()));
    return Error::unavailable("The database is unavailable.");
  }
  if (dynamic_cast<const soci::soci_error*>(&e) != nullptr && number == 0) {
    // SOCI's own errors without a server error number are mostly lost connections.
    std::string what = e.what();
    if (what.find("connect") != std::string::npos || what.find("gone away") != std::string::npos ||
        what.find("Lost connection") != std::string::npos) {
      if (connection_lost != nullptr) *connection_lost = true;
      count_database_error(DatabaseErrorKind::connection_lost);
      spdlog::warn("database connection lost: {}", redact_for_log(what));
      return Error::unavailable("The database is unavailable.");
    }
  }
  count_database_error(DatabaseErrorKind::other);
  spdlog::error("database error (mysql error {}): {}", number, redact_for_log(e.what()));
  return {ErrorCode::internal, "An internal error occurred.", {}};
}

}  // namespace zusammen::service
