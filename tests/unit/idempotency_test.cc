// The pure parts of Idempotency-Key handling: key format, request fingerprints, stored answers.
#include "api/idempotency.h"

#include <gtest/gtest.h>

#include "api/config.h"

namespace zusammen::api {
namespace {

HttpRequest post(const std::string& path, const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.body = body;
  return request;
}

TEST(IdempotencyKeyFormat, AcceptsOneTo255PrintableAsciiCharacters) {
  EXPECT_TRUE(valid_idempotency_key("a"));
  EXPECT_TRUE(valid_idempotency_key("3f2b9c1e-7d4a-4e8b-9a2f-0c6d5e4b3a21"));
  EXPECT_TRUE(valid_idempotency_key("crm:sync/2018-11-13 #7"));
  EXPECT_TRUE(valid_idempotency_key(std::string(255, '~')));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key(std::string(256, 'k')));
  EXPECT_FALSE(valid_idempotency_key("schl\xC3\xBCssel"));
  EXPECT_FALSE(valid_idempotency_key("a\tb"));
  EXPECT_FALSE(valid_idempotency_key(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_idempotency_key("a\x7f"));
}

TEST(RequestFingerprint, IgnoresJsonLayoutButNotContent) {
  auto a = request_fingerprint(post("/v1/companies", R"({"slug":"bahn","name":"Bahn"})"));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, request_fingerprint(post("/v1/companies", "{ \"name\": \"Bahn\",\n \"slug\": \"bahn\" }")));
  EXPECT_NE(a, request_fingerprint(post("/v1/companies", R"({"slug":"bahn","name":"Bahn AG"})")));
  EXPECT_NE(a, request_fingerprint(post("/v1/initiatives", R"({"slug":"bahn","name":"Bahn"})")));
  HttpRequest with_query = post("/v1/companies", R"({"slug":"bahn","name":"Bahn"})");
  with_query.raw_query = "dry_run=true";
  EXPECT_NE(a, request_fingerprint(with_query));
  // A body that is not JSON is taken byte for byte.
  EXPECT_NE(request_fingerprint(post("/v1/x", "{not json")), request_fingerprint(post("/v1/x", "{not  json")));
}

TEST(StoredAnswer, KeepsStatusBodyAndTheHeadersThatMatter) {
  HttpResponse response;
  response.status = 201;
  response.content_type = "application/json; charset=utf-8";
  response.body = R"({"id":7,"name":"Müller"})";
  response.with_header("Location", "/v1/companies/7").with_header("ETag", "\"1-abc\"").with_header("X-Other", "no");
  std::string headers = stored_headers(response);
  HttpResponse again = replayed(response.status, headers, response.body);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, response.body);
  EXPECT_EQ(again.content_type, response.content_type);
  EXPECT_EQ(again.header("Location").value_or(""), "/v1/companies/7");
  EXPECT_EQ(again.header("ETag").value_or(""), "\"1-abc\"");
  EXPECT_FALSE(again.header("X-Other"));
  EXPECT_EQ(again.header("Idempotent-Replayed").value_or(""), "true");
}

TEST(StoredAnswer, SurvivesBrokenHeaderText) {
  HttpResponse again = replayed(200, "not json", "{}");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "{}");
  EXPECT_EQ(again.header("Idempotent-Replayed").value_or(""), "true");
}

TEST(IdempotencyConfig, KeysAreKeptAtLeast24Hours) {
  std::string program = "zusammen";
  std::string longer = "--idempotency-hours=48";
  std::string shorter = "--idempotency-hours=1";
  char* defaults[] = {program.data()};
  EXPECT_EQ(parse_command_line(1, defaults).config.idempotency_hours, 24);
  char* two_days[] = {program.data(), longer.data()};
  auto parsed = parse_command_line(2, two_days);
  EXPECT_FALSE(parsed.error);
  EXPECT_EQ(parsed.config.idempotency_hours, 48);
  char* one_hour[] = {program.data(), shorter.data()};
  EXPECT_TRUE(parse_command_line(2, one_hour).error);
}

}  // namespace
}  // namespace zusammen::api
