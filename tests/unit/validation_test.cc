// The shared rule checks: text lengths in code points, slugs, URLs, e-mail
// addresses, dates, RFC 3339 timestamps (converted to UTC SQL), German states.
#include "service/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace zusammen::service {
namespace {

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("Bahn"), 4u);
  EXPECT_EQ(utf8_length("Grüße"), 5u);
  EXPECT_EQ(utf8_length("„Zusammen“"), 10u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);  // U+1F600, four bytes
}

TEST(IsValidDate, AcceptsRealCalendarDays) {
  EXPECT_TRUE(is_valid_date("2018-11-15"));
  EXPECT_TRUE(is_valid_date("2020-02-29"));  // leap year
  EXPECT_TRUE(is_valid_date("2000-02-29"));  // divisible by 400
  EXPECT_TRUE(is_valid_date("1000-01-01"));
  EXPECT_TRUE(is_valid_date("9999-12-31"));
}

TEST(IsValidDate, RejectsImpossibleDaysAndOtherShapes) {
  for (const char* text : {"", "2019-02-29", "1900-02-29", "2018-13-01", "2018-00-10", "2018-11-00", "2018-11-31",
                           "2018-1-15", "18-11-15", "2018/11/15", "2018-11-15T09:00:00Z", "2018-11-1a", " 2018-11-15",
                           "2018-11-15 ", "0999-12-31", "+018-11-15", "2018-+1-15"}) {
    EXPECT_FALSE(is_valid_date(text)) << text;
  }
}

TEST(TimestampToSql, UtcIsKeptAsIs) {
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00Z").value_or("-"), "2018-11-13 09:00:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-13t09:00:00z").value_or("-"), "2018-11-13 09:00:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00+00:00").value_or("-"), "2018-11-13 09:00:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00-00:00").value_or("-"), "2018-11-13 09:00:00");
}

TEST(TimestampToSql, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(timestamp_to_sql("2018-11-13T10:00:00+01:00").value_or("-"), "2018-11-13 09:00:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T04:00:00-05:00").value_or("-"), "2018-11-13 09:00:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T14:30:00+05:30").value_or("-"), "2018-11-13 09:00:00");
  // Across midnight, month, leap day and year.
  EXPECT_EQ(timestamp_to_sql("2018-11-13T00:30:00+01:00").value_or("-"), "2018-11-12 23:30:00");
  EXPECT_EQ(timestamp_to_sql("2018-11-30T23:30:00-01:00").value_or("-"), "2018-12-01 00:30:00");
  EXPECT_EQ(timestamp_to_sql("2020-03-01T00:30:00+02:00").value_or("-"), "2020-02-29 22:30:00");
  EXPECT_EQ(timestamp_to_sql("2018-12-31T23:00:00-02:00").value_or("-"), "2019-01-01 01:00:00");
  EXPECT_EQ(timestamp_to_sql("2019-01-01T00:59:59+01:00").value_or("-"), "2018-12-31 23:59:59");
}

TEST(TimestampToSql, FractionsKeepAtMostMicroseconds) {
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00.5Z").value_or("-"), "2018-11-13 09:00:00.5");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00.123456Z").value_or("-"), "2018-11-13 09:00:00.123456");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T09:00:00.123456789Z").value_or("-"), "2018-11-13 09:00:00.123456");
  EXPECT_EQ(timestamp_to_sql("2018-11-13T10:00:00.250+01:00").value_or("-"), "2018-11-13 09:00:00.250");
}

TEST(TimestampToSql, RejectsWhatIsNotRfc3339) {
  for (const char* text : {"",
                           "2018-11-13",
                           "2018-11-13T09:00:00",
                           "2018-11-13T09:00Z",
                           "2018-11-13T9:00:00Z",
                           "2018-11-13T24:00:00Z",
                           "2018-11-13T09:60:00Z",
                           "2018-11-13T09:00:60Z",
                           "2018-11-13T09:00:00.Z",
                           "2018-11-13T09:00:00+0100",
                           "2018-11-13T09:00:00+01",
                           "2018-11-13T09:00:00+24:00",
                           "2018-11-13T09:00:00+01:60",
                           "2018-11-13T09:00:00ZZ",
                           "2018-11-13T09:00:00Z ",
                           "2018-11-13X09:00:00Z",
                           "2018-02-30T09:00:00Z",
                           "yesterday",
                           "2018-11-13T09:00:00 01:00",
                           "2018-11-13T09:0a:00Z"}) {
    EXPECT_FALSE(timestamp_to_sql(text).has_value()) << text;
    EXPECT_FALSE(is_valid_timestamp(text)) << text;
  }
  EXPECT_TRUE(is_valid_timestamp("2018-11-13T09:00:00Z"));
}

TEST(IsValidSlug, FollowsThePattern) {
  for (const char* text : {"a", "db", "deutsche-bahn", "db2", "2018", "a-b-c", "wir-zusammen-2018"}) {
    EXPECT_TRUE(is_valid_slug(text)) << text;
  }
  for (const char* text :
       {"", "-", "-a", "a-", "a--b", "Deutsche", "deutsche_bahn", "deutsche bahn", "müller", "a.b", "a/b", "a\n"}) {
    EXPECT_FALSE(is_valid_slug(text)) << text;
  }
}

TEST(Validator, RequiredTextMustHaveContent) {
  Validator v;
  v.text("/name", std::string(""), 200);
  v.text("/title", std::string("   \t\r\n"), 200);
  v.text("/city", std::string("Berlin"), 100);
  auto errors = v.take();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], (FieldError{"/name", "must not be empty"}));
  EXPECT_EQ(errors[1].field, "/title");
}

TEST(Validator, TextLengthCountsCharacters) {
  Validator v;
  v.text("/ok", repeat("ü", 200), 200);  // 400 bytes, 200 characters
  v.text("/long", repeat("ü", 201), 200);
  v.text("/opt_ok", std::optional<std::string>(repeat("„", 100)), 100);
  v.text("/opt_long", std::optional<std::string>(repeat("a", 101)), 100);
  v.text("/absent", std::optional<std::string>{}, 1);
  auto errors = v.take();
  EXPECT_EQ(fields(errors), (std::vector<std::string>{"/long", "/opt_long"}));
  EXPECT_EQ(errors[0].message, "must be at most 200 characters");
}

TEST(Validator, Slug) {
  Validator v;
  v.slug("/slug", "deutsche-bahn");
  v.slug("/slug", repeat("a", 100));
  EXPECT_TRUE(v.ok());
  v.slug("/slug", repeat("a", 101));
  v.slug("/slug", "Deutsche Bahn");
  EXPECT_EQ(v.take().size(), 2u);
}

TEST(Validator, Url) {
  Validator ok;
  for (const char* url : {"https://www.deutschebahn.com", "http://example.org/a?b=c", "https://x"}) ok.url("/u", url);
  ok.url("/u", std::nullopt);
  ok.url("/u", "https://example.org/" + repeat("a", 480));  // 500 characters
  EXPECT_TRUE(ok.ok());

  for (const char* url : {"", "www.deutschebahn.com", "ftp://example.org", "https://", "https:///path", "https://?x",
                          "javascript:alert(1)", "https://exa mple.org", "https://example.org/\n", "HTTPS//x"}) {
    Validator v;
    v.url("/website", std::string(url));
    auto errors = v.take();
    ASSERT_EQ(errors.size(), 1u) << url;
    EXPECT_EQ(errors[0].field, "/website");
  }
  Validator too_long;
  too_long.url("/u", "https://example.org/" + repeat("a", 481));
  EXPECT_FALSE(too_long.ok());
}

TEST(Validator, Email) {
  Validator ok;
  for (const char* email : {"wir-zusammen@deutschebahn.com", "a@b.de", "first.last+tag@sub.example.org"}) {
    ok.email("/e", std::string(email));
  }
  ok.email("/e", std::nullopt);
  EXPECT_TRUE(ok.ok());
  for (const char* email :
       {"", "a", "a@b", "@b.de", "a@@b.de", "a@b@c.de", "a@b.de.", "a@.de", "a b@c.de", "a@b.de\n", "a@"}) {
    Validator v;
    v.email("/contact_email", std::string(email));
    EXPECT_FALSE(v.ok()) << email;
  }
  Validator too_long;
  too_long.email("/e", repeat("a", 250) + "@b.de");  // 255 characters
  EXPECT_FALSE(too_long.ok());
}

TEST(Validator, DateAndState) {
  Validator v;
  v.date("/d", std::string("2018-11-15"));
  v.date("/d", std::nullopt);
  for (auto state : kGermanStates) v.german_state("/state", std::string(state));
  v.german_state("/state", std::nullopt);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(kGermanStates.size(), 16u);

  v.date("/member_since", std::string("2018-02-30"));
  v.german_state("/state", std::string("de-be"));
  v.german_state("/state", std::string("DE-XX"));
  v.german_state("/state", std::string("Berlin"));
  EXPECT_EQ(fields(v.take()), (std::vector<std::string>{"/member_since", "/state", "/state", "/state"}));
}

TEST(Validator, OneOfNamesTheChoices) {
  Validator v;
  v.one_of("/status", "active", {"active", "former"});
  EXPECT_TRUE(v.ok());
  v.one_of("/status", "Active", {"active", "former"});
  auto errors = v.take();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must be one of: active, former");
}

TEST(Validator, AtLeast) {
  Validator v;
  v.at_least("/participants", 0, 0);
  v.at_least("/participants", 5, 0);
  EXPECT_TRUE(v.ok());
  v.at_least("/participants", -1, 0);
  auto errors = v.take();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (FieldError{"/participants", "must be at least 0"}));
}

TEST(Validator, CollectsEveryErrorInOrder) {
  Validator v;
  v.slug("/slug", "Bad Slug");
  v.text("/name", std::string(""), 200);
  v.url("/website", std::string("nope"));
  v.email("/contact_email", std::string("nope"));
  v.fail("/custom", "is wrong");
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(fields(v.take()), (std::vector<std::string>{"/slug", "/name", "/website", "/contact_email", "/custom"}));
}

}  // namespace
}  // namespace zusammen::service
