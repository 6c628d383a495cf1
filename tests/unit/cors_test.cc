// The CORS policy on plain request and response values (api/cors.h): which origins a
// configuration accepts, and the headers it adds.
#include "api/cors.h"

#include <gtest/gtest.h>

#include <string>

namespace zusammen::api {
namespace {

HttpRequest request(const std::string& method, std::map<std::string, std::string> headers) {
  HttpRequest out;
  out.method = method;
  out.path = "/v1/companies";
  out.headers = std::move(headers);
  return out;
}

TEST(CorsOriginsTest, AcceptsOriginsAndStarAndNamesTheFirstBadEntry) {
  auto origins = parse_cors_origins(" https://Partner.example , http://localhost:3000,*,,https://[::1]:8443");
  ASSERT_TRUE(origins);
  EXPECT_EQ(*origins,
            (std::set<std::string>{"https://partner.example", "http://localhost:3000", "*", "https://[::1]:8443"}));
  EXPECT_TRUE(parse_cors_origins("")->empty());
  for (const char* bad : {"https://partner.example/", "partner.example", "https://partner.example/path",
                          "https://a.example https://b.example", "null", "https://", "*.example.com"}) {
    std::string named;
    EXPECT_FALSE(parse_cors_origins(std::string("https://ok.example,") + bad, &named)) << bad;
    EXPECT_NE(named, "https://ok.example") << bad;
  }
}

TEST(CorsTest, VaryIsMergedIntoOneHeader) {
  Cors cors("https://partner.example");
  HttpResponse response;
  response.with_header("Vary", "Authorization");
  cors.apply(request("GET", {{"origin", "https://partner.example"}}), response);
  EXPECT_EQ(response.header("Vary"), "Authorization, Origin");
  EXPECT_EQ(response.header("Access-Control-Allow-Origin"), "https://partner.example");
  int vary = 0;
  for (const auto& [name, value] : response.headers) vary += name == "Vary" ? 1 : 0;
  EXPECT_EQ(vary, 1);
}

TEST(CorsTest, APreflightNeedsA204WithAllow) {
  Cors cors("https://partner.example");
  auto preflight =
      request("OPTIONS", {{"origin", "https://partner.example"}, {"access-control-request-method", "GET"}});
  HttpResponse options;
  options.status = 204;
  options.with_header("Allow", "GET, POST, HEAD, OPTIONS");
  cors.apply(preflight, options);
  EXPECT_EQ(options.header("Access-Control-Allow-Methods"), "GET, POST, HEAD, OPTIONS");
  EXPECT_TRUE(options.header("Access-Control-Max-Age"));
  EXPECT_FALSE(options.header("Access-Control-Expose-Headers"));

  HttpResponse not_found;  // an OPTIONS on an unknown path is an ordinary answer
  not_found.status = 404;
  cors.apply(preflight, not_found);
  EXPECT_EQ(not_found.header("Access-Control-Allow-Origin"), "https://partner.example");
  EXPECT_FALSE(not_found.header("Access-Control-Allow-Methods"));
}

TEST(CorsTest, OffWhenNothingIsConfigured) {
  Cors cors("");
  EXPECT_FALSE(cors.enabled());
  HttpResponse response;
  cors.apply(request("GET", {{"origin", "https://partner.example"}}), response);
  EXPECT_TRUE(response.headers.empty());
}

}  // namespace
}  // namespace zusammen::api
