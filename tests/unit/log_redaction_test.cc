// service::redact_for_log: what a database error message may show in the log.
#include <gtest/gtest.h>

#include "service/database.h"

namespace zusammen::service {
namespace {

TEST(LogRedaction, DuplicateEntryLosesTheValueEvenWithQuotesInside) {
  EXPECT_EQ(redact_for_log("Duplicate entry '3-anna@example.org' for key 'registrations_meeting_email'"),
            "Duplicate entry '...'");
  std::string quoted = redact_for_log("Duplicate entry '3-o'brien@example.org' for key 'x'");
  EXPECT_EQ(quoted.find("brien"), std::string::npos) << quoted;
}

TEST(LogRedaction, SociContextWithStatementAndBoundValuesIsCut) {
  std::string message =
      "Unknown column 'x' in 'field list' while executing \"INSERT INTO registrations (email) VALUES (:e)\" with "
      ":e=\"anna@example.org\".";
  std::string redacted = redact_for_log(message);
  EXPECT_EQ(redacted.find("anna"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("INSERT"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.rfind("Unknown column '", 0), 0u) << redacted;
  EXPECT_EQ(redact_for_log("Bad value with :p0=\"anna@example.org\""), "Bad value");
}

TEST(LogRedaction, MessagesWithoutQuotesStay) {
  EXPECT_EQ(redact_for_log("Lost connection to MySQL server during query"),
            "Lost connection to MySQL server during query");
  EXPECT_EQ(redact_for_log("Lock wait timeout exceeded; try restarting transaction"),
            "Lock wait timeout exceeded; try restarting transaction");
  EXPECT_EQ(redact_for_log("unterminated 'anna@example.org"), "unterminated '...");
  EXPECT_EQ(redact_for_log("Can't connect to MySQL server on 'db.internal' (111)"),
            "Can't connect to MySQL server on '...' (111)");
}

}  // namespace
}  // namespace zusammen::service
