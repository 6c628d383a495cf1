// The HTTP layer without a socket: query decoding, routing, problem responses,
// ETags and conditional requests, list pages, scopes.
#include "api/http.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string_view>

#include "api/problem.h"
#include "api/responses.h"
#include "api/router.h"
#include "service/api_keys.h"
#include "service/encoding.h"

namespace zusammen::embedded {
extern const std::string_view kOpenApiDocument;
}

namespace zusammen::api {
namespace {

using service::ErrorCode;

// ---------------------------------------------------------------- url_decode / url_encode

TEST(UrlDecode, PercentEscapesAndPlus) {
  EXPECT_EQ(url_decode("").value_or("<none>"), "");
  EXPECT_EQ(url_decode("Bahn").value_or("<none>"), "Bahn");
  EXPECT_EQ(url_decode("%C3%BC").value_or("<none>"), "ü");
  EXPECT_EQ(url_decode("%c3%bc").value_or("<none>"), "ü");
  EXPECT_EQ(url_decode("Gr%C3%BC%C3%9Fe+aus+K%C3%B6ln").value_or("<none>"), "Grüße aus Köln");
  EXPECT_EQ(url_decode("a+b").value_or("<none>"), "a b");
  EXPECT_EQ(url_decode("%2B").value_or("<none>"), "+");
  EXPECT_EQ(url_decode("%25").value_or("<none>"), "%");
  EXPECT_EQ(url_decode("%2525").value_or("<none>"), "%25");  // decoded once only
  EXPECT_EQ(url_decode("%E2%80%9EZusammen%E2%80%9C").value_or("<none>"), "„Zusammen“");
  EXPECT_EQ(url_decode("%00").value_or("<none>"), std::string(1, '\0'));
}

TEST(UrlDecode, BrokenEscapesAreRejected) {
  for (const char* text : {"%", "%4", "%zz", "%4g", "%g4", "abc%", "abc%2", "%%", "%-1", "% 1", "%+1"}) {
    EXPECT_FALSE(url_decode(text).has_value()) << text;
  }
}

TEST(UrlEncode, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(url_encode(""), "");
  EXPECT_EQ(url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(url_encode("ü"), "%C3%BC");
  EXPECT_EQ(url_encode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(url_decode(url_encode(all)).value_or("<none>"), all);
}

TEST(ParseQueryString, SplitsAndDecodes) {
  auto pairs = parse_query_string("a=1&b=%C3%BC&q=Deutsche+Bahn");
  ASSERT_TRUE(pairs.has_value());
  std::vector<std::pair<std::string, std::string>> expected = {{"a", "1"}, {"b", "ü"}, {"q", "Deutsche Bahn"}};
  EXPECT_EQ(*pairs, expected);
}

TEST(ParseQueryString, EdgeCases) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_query_string("").value_or(Pairs{{"x", "x"}}), Pairs{});
  EXPECT_EQ(parse_query_string("flag").value_or(Pairs{}), (Pairs{{"flag", ""}}));
  EXPECT_EQ(parse_query_string("a=").value_or(Pairs{}), (Pairs{{"a", ""}}));
  EXPECT_EQ(parse_query_string("=v").value_or(Pairs{}), (Pairs{{"", "v"}}));
  EXPECT_EQ(parse_query_string("&&a=1&&").value_or(Pairs{}), (Pairs{{"a", "1"}}));
  EXPECT_EQ(parse_query_string("=&a=1&=").value_or(Pairs{}), (Pairs{{"a", "1"}}));
  EXPECT_EQ(parse_query_string("a=1=2").value_or(Pairs{}), (Pairs{{"a", "1=2"}}));
  EXPECT_EQ(parse_query_string("a=%26&b=%3D").value_or(Pairs{}), (Pairs{{"a", "&"}, {"b", "="}}));
  EXPECT_EQ(parse_query_string("a=1&a=2").value_or(Pairs{}), (Pairs{{"a", "1"}, {"a", "2"}}));
  EXPECT_EQ(parse_query_string("na%6De=x").value_or(Pairs{}), (Pairs{{"name", "x"}}));
  EXPECT_FALSE(parse_query_string("q=M%FCnchen").has_value()) << "Latin-1, not UTF-8";
  EXPECT_FALSE(parse_query_string("%C3=1").has_value());
}

TEST(ParseQueryString, ABrokenEscapeAnywhereFailsTheWhole) {
  EXPECT_FALSE(parse_query_string("a=1&b=%zz").has_value());
  EXPECT_FALSE(parse_query_string("%zz=1").has_value());
  EXPECT_FALSE(parse_query_string("q=100%").has_value());
}

// ---------------------------------------------------------------- Router

Handler named(std::string name) {
  return [name](const RequestContext&) {
    HttpResponse response;
    response.body = name;
    return response;
  };
}

std::string run(const RouteMatch& match) {
  HttpRequest request;
  RequestContext context{request, match.params, {}};
  return match.route->handler(context).body;
}

Router sample_router(bool literal_first) {
  Router router;
  router.add("GET", "/v1/companies", named("list"));
  router.add("POST", "/v1/companies", named("create"));
  if (literal_first) router.add("GET", "/v1/meetings/upcoming", named("upcoming"));
  router.add("GET", "/v1/meetings/{id}", named("meeting"));
  if (!literal_first) router.add("GET", "/v1/meetings/upcoming", named("upcoming"));
  router.add("GET", "/v1/companies/{id}", named("get"));
  router.add("PATCH", "/v1/companies/{id}", named("patch"));
  router.add("DELETE", "/v1/companies/{id}", named("delete"));
  router.add("GET", "/v1/meetings/{id}/agenda/{item_id}", named("agenda item"));
  router.add("GET", "/healthz", named("health"));
  return router;
}

// A handler that cannot take() the value of a Result is answered with the problem of its error,
// by the router, as problem() maps it; a handler that takes a value goes on with it.
TEST(Router, AFailureAHandlerCannotTakeIsAnsweredAsItsProblem) {
  Router router;
  router.add("GET", "/v1/things/{id}", [](const RequestContext& context) {
    service::Result<long long> id = context.params.at("id") == "7"
                                        ? service::Result<long long>(7LL)
                                        : service::Result<long long>(service::Error::not_found("No such thing."));
    long long taken = take(std::move(id));
    HttpResponse response;
    response.status = 200;
    response.body = std::to_string(taken);
    return response;
  });
  HttpRequest request;
  auto found = router.match("GET", "/v1/things/7");
  ASSERT_NE(found.route, nullptr);
  auto answered = found.route->handler(RequestContext{request, found.params, {}});
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, "7");
  auto missing = router.match("GET", "/v1/things/8");
  auto refused = missing.route->handler(RequestContext{request, missing.params, {}});
  auto expected = problem(service::Error::not_found("No such thing."));
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.content_type, expected.content_type);
  EXPECT_EQ(refused.body, expected.body);
}

TEST(Router, MatchesMethodAndPathWithParameters) {
  Router router = sample_router(true);
  auto match = router.match("GET", "/v1/companies/12");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/v1/companies/{id}");
  EXPECT_EQ(match.params, (std::map<std::string, std::string>{{"id", "12"}}));
  EXPECT_EQ(run(match), "get");

  auto two = router.match("GET", "/v1/meetings/3/agenda/9");
  ASSERT_NE(two.route, nullptr);
  EXPECT_EQ(two.params, (std::map<std::string, std::string>{{"id", "3"}, {"item_id", "9"}}));

  auto list = router.match("POST", "/v1/companies");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(run(list), "create");
  EXPECT_TRUE(list.params.empty());
}

TEST(Router, LiteralSegmentsBeatParametersWhateverTheOrder) {
  for (bool literal_first : {true, false}) {
    Router router = sample_router(literal_first);
    auto literal = router.match("GET", "/v1/meetings/upcoming");
    ASSERT_NE(literal.route, nullptr);
    EXPECT_EQ(literal.route->pattern, "/v1/meetings/upcoming") << literal_first;
    EXPECT_TRUE(literal.params.empty()) << literal_first;
    EXPECT_EQ(run(literal), "upcoming");

    auto parameter = router.match("GET", "/v1/meetings/5");
    ASSERT_NE(parameter.route, nullptr);
    EXPECT_EQ(run(parameter), "meeting");
    EXPECT_EQ(parameter.params.at("id"), "5");
  }
}

TEST(Router, KnownPathOtherMethodListsTheAllowedOnes) {
  Router router = sample_router(true);
  auto item = router.match("PUT", "/v1/companies/12");
  EXPECT_EQ(item.route, nullptr);
  EXPECT_EQ(item.allowed, (std::vector<std::string>{"GET", "PATCH", "DELETE"}));

  auto collection = router.match("DELETE", "/v1/companies");
  EXPECT_EQ(collection.route, nullptr);
  EXPECT_EQ(collection.allowed, (std::vector<std::string>{"GET", "POST"}));

  // Two GET routes match /v1/meetings/upcoming: GET is listed once.
  auto twice = router.match("POST", "/v1/meetings/upcoming");
  EXPECT_EQ(twice.route, nullptr);
  EXPECT_EQ(twice.allowed, (std::vector<std::string>{"GET"}));
}

TEST(Router, UnknownPathsAllowNothing) {
  Router router = sample_router(true);
  for (const char* path : {"/", "/v1", "/v1/", "/v1/nothing", "/v1/companies/", "/v1/companies/12/extra",
                           "/v2/companies", "/V1/companies", "/v1/companies//", "//v1/companies", "/healthz/"}) {
    auto match = router.match("GET", path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.allowed.empty()) << path;
  }
}

TEST(Router, MethodsAreCaseSensitive) {
  Router router = sample_router(true);
  auto match = router.match("get", "/healthz");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET"}));
}

TEST(SplitPath, Segments) {
  EXPECT_EQ(split_path("/v1/companies/12"), (std::vector<std::string>{"v1", "companies", "12"}));
  EXPECT_EQ(split_path("/"), (std::vector<std::string>{""}));
  EXPECT_EQ(split_path("/a/"), (std::vector<std::string>{"a", ""}));
}

// ---------------------------------------------------------------- problem()

nlohmann::json body_of(const HttpResponse& response) { return nlohmann::json::parse(response.body); }

TEST(Problem, ShapeAndContentType) {
  auto response = problem(404, "No company with id 12.");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json; charset=utf-8");
  auto body = body_of(response);
  EXPECT_EQ(body, (nlohmann::json{{"type", "/problems/not-found"},
                                  {"title", "Not Found"},
                                  {"status", 404},
                                  {"detail", "No company with id 12."}}));
  EXPECT_FALSE(body.contains("errors"));
  EXPECT_FALSE(response.header("WWW-Authenticate").has_value());
  EXPECT_FALSE(response.header("Retry-After").has_value());
}

TEST(Problem, TypeAndTitlePerStatus) {
  struct Expected {
    int status;
    const char* type;
    const char* title;
  };
  for (const auto& e :
       {Expected{400, "/problems/bad-request", "Bad Request"}, Expected{401, "/problems/unauthorized", "Unauthorized"},
        Expected{403, "/problems/forbidden", "Forbidden"}, Expected{404, "/problems/not-found", "Not Found"},
        Expected{405, "/problems/method-not-allowed", "Method Not Allowed"},
        Expected{406, "/problems/not-acceptable", "Not Acceptable"}, Expected{409, "/problems/conflict", "Conflict"},
        Expected{412, "/problems/precondition-failed", "Precondition Failed"},
        Expected{413, "/problems/payload-too-large", "Payload Too Large"},
        Expected{415, "/problems/unsupported-media-type", "Unsupported Media Type"},
        Expected{422, "/problems/validation-error", "Unprocessable Content"},
        Expected{429, "/problems/too-many-requests", "Too Many Requests"},
        Expected{500, "/problems/internal", "Internal Server Error"},
        Expected{503, "/problems/unavailable", "Service Unavailable"}}) {
    auto body = body_of(problem(e.status, "detail"));
    EXPECT_EQ(body["type"], e.type) << e.status;
    EXPECT_EQ(body["title"], e.title) << e.status;
    EXPECT_EQ(body["status"], e.status);
  }
}

// The server answers these statuses with problem() (api/, including the
// Pistache timeout handler); openapi.yaml's Problem.type enum must name each type.
TEST(Problem, EveryTypeTheServerSendsIsInTheContract) {
  std::string_view document = embedded::kOpenApiDocument;
  for (int status : {400, 401, 403, 404, 405, 406, 408, 409, 412, 413, 415, 422, 429, 500, 503}) {
    std::string type = body_of(problem(status, "detail"))["type"].get<std::string>();
    EXPECT_NE(document.find("- " + type + "\n"), std::string_view::npos)
        << "status " << status << " is answered with type " << type << ", which openapi.yaml does not list";
  }
}

TEST(Problem, ErrorsArrayNamesEveryField) {
  auto response = problem(422, "The request has invalid values.",
                          {{"/slug", "is taken"}, {"/website", "must be an absolute http or https URL"}});
  auto body = body_of(response);
  EXPECT_EQ(body["type"], "/problems/validation-error");
  ASSERT_TRUE(body["errors"].is_array());
  EXPECT_EQ(body["errors"],
            (nlohmann::json::array({{{"field", "/slug"}, {"message", "is taken"}},
                                    {{"field", "/website"}, {"message", "must be an absolute http or https URL"}}})));
}

TEST(Problem, UnauthorizedChallengesWithBearer) {
  auto response = problem(401, "This operation needs an API key.");
  EXPECT_EQ(response.header("WWW-Authenticate").value_or(""), "Bearer realm=\"zusammen\"");
  EXPECT_EQ(response.header("www-authenticate").value_or(""), "Bearer realm=\"zusammen\"");
}

TEST(Problem, UnavailableSaysWhenToRetry) {
  auto response = problem(503, "The database is unavailable.");
  auto retry = response.header("Retry-After");
  ASSERT_TRUE(retry.has_value());
  EXPECT_TRUE(std::regex_match(*retry, std::regex("[0-9]+"))) << *retry;
  EXPECT_GE(std::stoi(*retry), 1);
}

TEST(Problem, InvalidUtf8InTheDetailNeverThrows) {
  HttpResponse response;
  EXPECT_NO_THROW(response = problem(404, "There is nothing at /v1/\xFF\xFE."));
  EXPECT_NO_THROW(body_of(response));
  EXPECT_TRUE(service::is_valid_utf8(response.body));
}

TEST(Problem, FromServiceError) {
  auto response = problem(service::Error::validation({{"/name", "must not be empty"}}));
  EXPECT_EQ(response.status, 422);
  auto body = body_of(response);
  EXPECT_EQ(body["detail"], "The request has invalid values.");
  EXPECT_EQ(body["errors"][0]["field"], "/name");

  auto unavailable = problem(service::Error::unavailable("The database is unavailable."));
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_TRUE(unavailable.header("Retry-After").has_value());
}

TEST(Problem, BadRequestNamesTheField) {
  auto response = bad_request("id", "must be a positive integer");
  EXPECT_EQ(response.status, 400);
  auto body = body_of(response);
  EXPECT_EQ(body["type"], "/problems/bad-request");
  EXPECT_EQ(body["errors"], (nlohmann::json::array({{{"field", "id"}, {"message", "must be a positive integer"}}})));
}

TEST(HttpStatus, EveryErrorCode) {
  EXPECT_EQ(http_status(ErrorCode::invalid_argument), 400);
  EXPECT_EQ(http_status(ErrorCode::validation_failed), 422);
  EXPECT_EQ(http_status(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status(ErrorCode::already_exists), 409);
  EXPECT_EQ(http_status(ErrorCode::failed_precondition), 409);
  EXPECT_EQ(http_status(ErrorCode::version_mismatch), 412);
  EXPECT_EQ(http_status(ErrorCode::unauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::permission_denied), 403);
  EXPECT_EQ(http_status(ErrorCode::unavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::internal), 500);
}

// ---------------------------------------------------------------- ETags and conditional requests

HttpRequest with_header(const std::string& name, const std::string& value) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/v1/companies/1";
  request.headers[name] = value;
  return request;
}

TEST(ItemEtag, VersionAndSixteenHexDigits) {
  std::string etag = item_etag(3, R"({"id":1})");
  EXPECT_TRUE(std::regex_match(etag, std::regex("\"3-[0-9a-f]{16}\""))) << etag;
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx",
                static_cast<unsigned long long>(service::content_hash64(R"({"id":1})")));
  EXPECT_EQ(etag, std::string("\"3-") + expected + "\"");
  EXPECT_NE(item_etag(3, "a"), item_etag(3, "b"));
  EXPECT_NE(item_etag(3, "a"), item_etag(4, "a"));
  // Sixteen digits also for an empty body.
  EXPECT_TRUE(std::regex_match(item_etag(1, ""), std::regex("\"1-[0-9a-f]{16}\""))) << item_etag(1, "");
}

TEST(ContentEtag, SixteenHexDigits) {
  std::string etag = content_etag("{\"items\":[]}");
  EXPECT_TRUE(std::regex_match(etag, std::regex("\"[0-9a-f]{16}\""))) << etag;
}

TEST(IfMatchVersion, AbsentOrStarIsNoCondition) {
  EXPECT_FALSE(if_match_version(HttpRequest{}).has_value());
  EXPECT_FALSE(if_match_version(with_header("if-match", "*")).has_value());
  EXPECT_FALSE(if_match_version(with_header("if-match", " * ")).has_value());
}

TEST(IfMatchVersion, ReadsTheVersionOfAnItemEtag) {
  EXPECT_EQ(if_match_version(with_header("if-match", item_etag(7, "body"))), 7);
  EXPECT_EQ(if_match_version(with_header("if-match", "  " + item_etag(12, "x") + " ")), 12);
  EXPECT_EQ(if_match_version(with_header("if-match", "\"1-0123456789abcdef\"")), 1);
}

TEST(IfMatchVersion, AnythingElseNamesNoVersion) {
  for (const char* value : {"", "garbage", "3", "\"3\"", "\"\"", "\"-3-abc\"", "\"0-0123456789abcdef\"",
                            "W/\"3-0123456789abcdef\"", "\"abc-3\"", "\"3-abc", "3-abc\"", "\"x3-abc\"",
                            "\"99999999999-0123456789abcdef\"", "\"0123456789abcdef\"", "'3-abc'"}) {
    EXPECT_EQ(if_match_version(with_header("if-match", value)), -1) << value;
  }
}

RequestContext anonymous(const HttpRequest& request) { return RequestContext{request, {}, {}}; }

TEST(ItemResponse, EtagAndCaching) {
  HttpRequest request;
  request.path = "/v1/companies/1";
  auto response = item_response(anonymous(request), {{"id", 1}, {"name", "Deutsche Bahn AG"}}, 3);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  auto etag = response.header("ETag");
  ASSERT_TRUE(etag.has_value());
  EXPECT_EQ(*etag, item_etag(3, response.body));
  EXPECT_EQ(response.header("Cache-Control").value_or(""), "public, max-age=60");
  EXPECT_EQ(if_match_version(with_header("if-match", *etag)), 3);

  // The same ETag back (strong, weak, in a list, or *): 304 without a body.
  for (const std::string& none_match : {*etag, "W/" + *etag, "\"other\", " + *etag, std::string("*")}) {
    auto conditional = with_header("if-none-match", none_match);
    auto not_modified = item_response(anonymous(conditional), {{"id", 1}, {"name", "Deutsche Bahn AG"}}, 3);
    EXPECT_EQ(not_modified.status, 304) << none_match;
    EXPECT_TRUE(not_modified.body.empty());
    EXPECT_EQ(not_modified.header("ETag").value_or(""), *etag);
  }
  auto stale = with_header("if-none-match", item_etag(2, response.body));
  EXPECT_EQ(item_response(anonymous(stale), {{"id", 1}, {"name", "Deutsche Bahn AG"}}, 3).status, 200);
}

TEST(ItemResponse, KeyedCallersAreCachedPrivately) {
  HttpRequest request;
  service::ApiKey key;
  key.id = 1;
  key.scopes = {"content:read"};
  RequestContext context{request, {}, Principal{key}};
  auto response = item_response(context, {{"id", 1}}, 1);
  EXPECT_EQ(response.header("Cache-Control").value_or(""), "private, no-cache");
  EXPECT_EQ(response.header("Vary").value_or(""), "Authorization");
}

// ---------------------------------------------------------------- list_response

TEST(ListResponse, LastPageHasNullCursorAndNoLink) {
  HttpRequest request;
  request.path = "/v1/companies";
  auto response = list_response(anonymous(request), nlohmann::json::array({{{"id", 1}}}), std::nullopt);
  EXPECT_EQ(response.status, 200);
  auto body = body_of(response);
  EXPECT_EQ(body, (nlohmann::json{{"items", nlohmann::json::array({{{"id", 1}}})}, {"next_cursor", nullptr}}));
  EXPECT_FALSE(response.header("Link").has_value());
  auto etag = response.header("ETag");
  ASSERT_TRUE(etag.has_value());
  EXPECT_TRUE(std::regex_match(*etag, std::regex("\"[0-9a-f]{16}\""))) << *etag;
}

TEST(ListResponse, NextPageLinkKeepsTheQueryAndReplacesTheCursor) {
  HttpRequest request;
  request.path = "/v1/companies";
  request.query = {{"limit", "2"}, {"q", "Grüße & Co"}, {"sort", "-name"}, {"cursor", "old-cursor"}};
  std::string next = service::base64url_encode("1\n-name\n7\nDeutsche Bahn AG");
  auto response = list_response(anonymous(request), nlohmann::json::array(), next);
  auto body = body_of(response);
  EXPECT_EQ(body["next_cursor"], next);
  EXPECT_EQ(response.header("Link").value_or(""),
            "</v1/companies?limit=2&q=Gr%C3%BC%C3%9Fe%20%26%20Co&sort=-name&cursor=" + next + ">; rel=\"next\"");

  // The link, parsed back, gives the same parameters with the new cursor.
  std::string link = *response.header("Link");
  std::string target = link.substr(1, link.find('>') - 1);
  auto pairs = parse_query_string(target.substr(target.find('?') + 1));
  ASSERT_TRUE(pairs.has_value());
  std::map<std::string, std::string> parsed(pairs->begin(), pairs->end());
  EXPECT_EQ(parsed, (std::map<std::string, std::string>{
                        {"limit", "2"}, {"q", "Grüße & Co"}, {"sort", "-name"}, {"cursor", next}}));
}

TEST(ListResponse, FirstPageLinkHasOnlyTheCursor) {
  HttpRequest request;
  request.path = "/v1/initiatives";
  auto response = list_response(anonymous(request), nlohmann::json::array(), std::string("abc"));
  EXPECT_EQ(response.header("Link").value_or(""), "</v1/initiatives?cursor=abc>; rel=\"next\"");
}

// ---------------------------------------------------------------- scopes

TEST(Grants, WriteImpliesReadAndAdminEverything) {
  using service::grants;
  EXPECT_TRUE(grants({"content:read"}, "content:read"));
  EXPECT_FALSE(grants({"content:read"}, "content:write"));
  EXPECT_TRUE(grants({"content:write"}, "content:read"));
  EXPECT_TRUE(grants({"content:write"}, "content:write"));
  EXPECT_FALSE(grants({"content:write"}, "registrations:read"));
  EXPECT_TRUE(grants({"registrations:write"}, "registrations:read"));
  EXPECT_FALSE(grants({"registrations:read"}, "registrations:write"));
  EXPECT_FALSE(grants({"registrations:write"}, "content:read"));
  for (auto scope : service::kScopes) {
    EXPECT_TRUE(grants({"admin"}, scope)) << scope;
    EXPECT_FALSE(grants({}, scope)) << scope;
  }
  EXPECT_FALSE(grants({"content:read", "registrations:read"}, "admin"));
  EXPECT_FALSE(grants({"content:write"}, "admin"));
}

TEST(RequireScope, AnonymousIs401AndMissingScopeIs403) {
  HttpRequest request;
  auto anonymous_failure = require_scope(anonymous(request), "content:read");
  ASSERT_TRUE(anonymous_failure.has_value());
  EXPECT_EQ(anonymous_failure->status, 401);
  EXPECT_TRUE(anonymous_failure->header("WWW-Authenticate").has_value());

  service::ApiKey reader;
  reader.scopes = {"content:read"};
  RequestContext with_reader{request, {}, Principal{reader}};
  EXPECT_FALSE(require_scope(with_reader, "content:read").has_value());
  auto forbidden = require_scope(with_reader, "content:write");
  ASSERT_TRUE(forbidden.has_value());
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(body_of(*forbidden)["type"], "/problems/forbidden");

  service::ApiKey writer;
  writer.scopes = {"content:write"};
  RequestContext with_writer{request, {}, Principal{writer}};
  EXPECT_FALSE(require_scope(with_writer, "content:read").has_value());
}

}  // namespace
}  // namespace zusammen::api

namespace zusammen::api {
namespace {

TEST(RouterSuffix, ParameterWithLiteralSuffix) {
  Router router;
  router.add("GET", "/v1/meetings/{id}", [](const RequestContext&) { return HttpResponse{}; });
  router.add("GET", "/v1/meetings/{id}.ics", [](const RequestContext&) { return HttpResponse{}; });
  router.add("GET", "/v1/meetings.ics", [](const RequestContext&) { return HttpResponse{}; });
  auto ics = router.match("GET", "/v1/meetings/12.ics");
  ASSERT_NE(ics.route, nullptr);
  EXPECT_EQ(ics.route->pattern, "/v1/meetings/{id}.ics");
  EXPECT_EQ(ics.params.at("id"), "12");
  auto plain = router.match("GET", "/v1/meetings/12");
  ASSERT_NE(plain.route, nullptr);
  EXPECT_EQ(plain.route->pattern, "/v1/meetings/{id}");
  EXPECT_EQ(plain.params.at("id"), "12");
  // The suffix alone is not an id.
  auto bare = router.match("GET", "/v1/meetings/.ics");
  ASSERT_NE(bare.route, nullptr);
  EXPECT_EQ(bare.route->pattern, "/v1/meetings/{id}");
  auto feed = router.match("GET", "/v1/meetings.ics");
  ASSERT_NE(feed.route, nullptr);
  EXPECT_EQ(feed.route->pattern, "/v1/meetings.ics");
}

}  // namespace
}  // namespace zusammen::api

namespace zusammen::api {
namespace {

TEST(RouterSuffix, TheMostSpecificTemplateOwnsThePath) {
  Router router;
  for (const char* method : {"GET", "PATCH", "DELETE"}) {
    router.add(method, "/v1/meetings/{id}", [](const RequestContext&) { return HttpResponse{}; });
  }
  router.add("GET", "/v1/meetings/{id}.ics", [](const RequestContext&) { return HttpResponse{}; });
  auto del = router.match("DELETE", "/v1/meetings/5.ics");
  EXPECT_EQ(del.route, nullptr);
  EXPECT_EQ(del.allowed, std::vector<std::string>{"GET"});
  auto plain = router.match("DELETE", "/v1/meetings/5");
  ASSERT_NE(plain.route, nullptr);
  EXPECT_EQ(plain.allowed.size(), 3u);
}

}  // namespace
}  // namespace zusammen::api
