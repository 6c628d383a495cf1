// check_request_head: the judge of request heads before Pistache parses them.
#include "api/wire_guard.h"

#include <gtest/gtest.h>

#include <string>

namespace zusammen::api {
namespace {

using Verdict = HeadCheck::Verdict;

TEST(WireGuard, AWellFormedHeadIsAcceptedWithItsLengthAndBody) {
  std::string head = "POST /v1/companies?q=a HTTP/1.1\r\nHost: t\r\ncontent-length: 2\r\nExpect: 100-Continue\r\n\r\n";
  auto check = check_request_head(head + "{}GET / HTTP/1.1\r\n", {});
  ASSERT_EQ(check.verdict, Verdict::accept) << check.detail;
  EXPECT_EQ(check.head_bytes, head.size());
  EXPECT_EQ(check.body_bytes, 2u);
  EXPECT_TRUE(check.expect_continue);
  EXPECT_FALSE(
      check_request_head("GET / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", {}).expect_continue)
      << "HTTP/1.0 clients do not wait for a 100";
  EXPECT_EQ(check_request_head("GET / HTTP/1.1\r\nContent-Length: 7, 7\r\n\r\n", {}).body_bytes, 7u);
}

TEST(WireGuard, AnUnfinishedHeadWaitsUnlessWhatIsThereIsAlreadyWrong) {
  EXPECT_EQ(check_request_head("", {}).verdict, Verdict::incomplete);
  EXPECT_EQ(check_request_head("GET /healthz HT", {}).verdict, Verdict::incomplete);
  EXPECT_EQ(check_request_head("GET /healthz HTTP/1.1\r\nHost: t\r", {}).verdict, Verdict::incomplete);
  EXPECT_EQ(check_request_head("GET /healthz HTTP/1.1\nHost", {}).status, 400);
  EXPECT_EQ(check_request_head("BREW /pot HTTP/1.1\r\nHost", {}).status, 501);
  EXPECT_EQ(check_request_head("GET /" + std::string(9000, 'a'), {}).status, 414);
  EXPECT_EQ(check_request_head("GET / HTTP/1.1\r\nX: " + std::string(40000, 'a'), {}).status, 431);
}

TEST(WireGuard, EachRuleHasItsStatus) {
  WireLimits limits;
  limits.max_body_bytes = 100;
  limits.max_headers = 3;
  const std::string get = "GET / HTTP/1.1\r\n";
  struct Case {
    std::string head;
    int status;
  };
  for (const auto& c : std::initializer_list<Case>{
           {get + "Content-Length: 101\r\n\r\n", 413},
           {get + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431},
           {get + "Content-Length: +1\r\n\r\n", 400},
           {get + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
           {get + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           {get + "Transfer-Encoding: chunked\r\n\r\n", 411},
           {get + "Transfer-Encoding: br\r\n\r\n", 501},
           {get + "Expect: 200-ok\r\n\r\n", 417},
           {get + "X:\x01\r\n\r\n", 400},
           {get + "X : y\r\n\r\n", 400},
           {get + " X: y\r\n\r\n", 400},
           {"get / HTTP/1.1\r\n\r\n", 501},
           {"GET * HTTP/1.1\r\n\r\n", 400},
           {"GET / HTTP/1.2\r\n\r\n", 400},
           {"GET / x HTTP/1.1\r\n\r\n", 400},
           {"G(T / HTTP/1.1\r\n\r\n", 400},
       }) {
    auto check = check_request_head(c.head, limits);
    EXPECT_EQ(check.verdict, Verdict::refuse) << c.head;
    EXPECT_EQ(check.status, c.status) << c.head;
    EXPECT_FALSE(check.detail.empty());
  }
}

}  // namespace
}  // namespace zusammen::api
