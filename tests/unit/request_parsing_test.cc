// Reading what a caller sent: ids, query parameters, JSON bodies — strictly,
// with 400 for what cannot be read and 422 for values that break a rule.
#include "api/request_parsing.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "service/model/listing.h"

namespace zusammen::api {
namespace {

using service::ErrorCode;
using service::FieldError;

HttpRequest with_query(std::map<std::string, std::string> query) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/v1/things";
  request.query = std::move(query);
  return request;
}

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

// ---------------------------------------------------------------- parse_id

TEST(ParseId, PositiveDecimalIntegers) {
  EXPECT_EQ(parse_id("1"), 1);
  EXPECT_EQ(parse_id("12"), 12);
  EXPECT_EQ(parse_id("999999999999999999"), 999999999999999999LL);  // 18 digits
}

TEST(ParseId, RejectsEverythingElse) {
  for (const char* text : {"", "0", "-1", "+5", "12abc", "abc", " 5", "5 ", "1.0", "1e3", "0x10", "١٢",
                           "1234567890123456789", "9223372036854775807", "99999999999999999999", "-0"}) {
    EXPECT_FALSE(parse_id(text).has_value()) << text;
  }
}

// ---------------------------------------------------------------- QueryReader

TEST(QueryReader, NoParametersNoError) {
  auto request = with_query({});
  QueryReader reader(request, {"q", "limit"});
  EXPECT_FALSE(reader.text("q").has_value());
  EXPECT_FALSE(reader.error().has_value());
}

TEST(QueryReader, UnknownParametersAreNamed) {
  auto request = with_query({{"q", "Bahn"}, {"colour", "red"}, {"LIMIT", "5"}});
  QueryReader reader(request, {"q", "limit"});
  EXPECT_EQ(reader.text("q").value_or(""), "Bahn");
  auto error = reader.error();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  auto named = fields(error->errors);
  std::sort(named.begin(), named.end());
  EXPECT_EQ(named, (std::vector<std::string>{"LIMIT", "colour"}));
}

// A value sent without a name is named by what was sent: an error's field is never empty.
TEST(QueryReader, AValueWithoutANameIsNamedByItsText) {
  auto request = with_query({{"", "Bahn"}});
  QueryReader reader(request, {"q"});
  auto error = reader.error();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(fields(error->errors), (std::vector<std::string>{"=Bahn"}));
}

TEST(QueryReader, Text) {
  auto request = with_query(
      {{"q", "Grüße"}, {"empty", ""}, {"long", std::string(201, 'a')}, {"umlauts", std::string(100, 'x') + "ü"}});
  QueryReader reader(request, {"q", "empty", "long", "umlauts"});
  EXPECT_EQ(reader.text("q").value_or(""), "Grüße");
  EXPECT_FALSE(reader.text("empty").has_value());
  EXPECT_FALSE(reader.text("long").has_value());
  EXPECT_TRUE(reader.text("umlauts", 101).has_value());  // 101 characters, 102 bytes
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"empty", "long"}));
}

TEST(QueryReader, IdBooleanDateOneOf) {
  auto request = with_query({{"company_id", "12"},
                             {"meeting_id", "12abc"},
                             {"published", "true"},
                             {"upcoming", "1"},
                             {"active_on", "2018-11-15"},
                             {"from", "2018-02-30"},
                             {"state", "DE-BE"},
                             {"status", "gone"}});
  QueryReader reader(request,
                     {"company_id", "meeting_id", "published", "upcoming", "active_on", "from", "state", "status"});
  EXPECT_EQ(reader.id("company_id"), 12);
  EXPECT_FALSE(reader.id("meeting_id").has_value());
  EXPECT_EQ(reader.boolean("published"), true);
  EXPECT_FALSE(reader.boolean("upcoming").has_value());
  EXPECT_EQ(reader.date("active_on").value_or(""), "2018-11-15");
  EXPECT_FALSE(reader.date("from").has_value());
  EXPECT_EQ(reader.one_of("state", {"DE-BB", "DE-BE"}).value_or(""), "DE-BE");
  EXPECT_FALSE(reader.one_of("status", {"active", "former"}).has_value());
  auto error = reader.error();
  ASSERT_TRUE(error.has_value());
  // Every bad parameter at once.
  EXPECT_EQ(fields(error->errors), (std::vector<std::string>{"meeting_id", "upcoming", "from", "status"}));
  EXPECT_EQ(error->errors[3].message, "must be one of: active, former");
}

TEST(QueryReader, BooleanIsExactlyTrueOrFalse) {
  for (const char* text : {"TRUE", "True", "yes", "0", "", "false "}) {
    auto request = with_query({{"published", text}});
    QueryReader reader(request, {"published"});
    EXPECT_FALSE(reader.boolean("published").has_value()) << text;
    EXPECT_TRUE(reader.error().has_value()) << text;
  }
  auto request = with_query({{"published", "false"}});
  QueryReader reader(request, {"published"});
  EXPECT_EQ(reader.boolean("published"), false);
  EXPECT_FALSE(reader.error().has_value());
}

TEST(QueryReader, TimestampsAreConvertedToUtcSql) {
  auto request = with_query({{"a", "2018-11-13T09:00:00Z"},
                             {"b", "2018-11-13T10:00:00+01:00"},
                             {"c", "2018-11-13T00:30:00+01:00"},
                             {"d", "2018-11-13T09:00:00.123456-02:00"},
                             {"e", "2018-11-13"},
                             {"f", "2018-11-13T09:00:00 01:00"}});  // '+' decoded to a space by the query parser
  QueryReader reader(request, {"a", "b", "c", "d", "e", "f"});
  EXPECT_EQ(reader.timestamp("a").value_or(""), "2018-11-13 09:00:00");
  EXPECT_EQ(reader.timestamp("b").value_or(""), "2018-11-13 09:00:00");
  EXPECT_EQ(reader.timestamp("c").value_or(""), "2018-11-12 23:30:00");
  EXPECT_EQ(reader.timestamp("d").value_or(""), "2018-11-13 11:00:00.123456");
  EXPECT_FALSE(reader.timestamp("e").has_value());
  EXPECT_FALSE(reader.timestamp("f").has_value());
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"e", "f"}));
}

const std::vector<service::SortKey> kSortKeys = {{"name", "c.name"}, {"created_at", "c.created_at"}};

TEST(QueryReader, PageDefaults) {
  auto request = with_query({});
  QueryReader reader(request, {"sort", "limit", "cursor"});
  auto page = reader.page(kSortKeys);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->limit, service::kDefaultLimit);
  EXPECT_EQ(page->limit, 20);
  EXPECT_EQ(page->sort.spelled(), "name");
  EXPECT_FALSE(page->after.has_value());
  EXPECT_FALSE(reader.error().has_value());
}

TEST(QueryReader, LimitBounds) {
  for (const char* good : {"1", "20", "99", "100"}) {
    auto request = with_query({{"limit", good}});
    QueryReader reader(request, {"limit"});
    auto page = reader.page(kSortKeys);
    ASSERT_TRUE(page.has_value()) << good;
    EXPECT_EQ(page->limit, std::stoi(good));
    EXPECT_FALSE(reader.error().has_value()) << good;
  }
  for (const char* bad : {"0", "101", "1000", "-1", "", "ten", "5.0", "+5", "99999999999999999999"}) {
    auto request = with_query({{"limit", bad}});
    QueryReader reader(request, {"limit"});
    EXPECT_FALSE(reader.page(kSortKeys).has_value()) << bad;
    auto error = reader.error();
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, ErrorCode::invalid_argument);
    EXPECT_EQ(fields(error->errors), (std::vector<std::string>{"limit"})) << bad;
  }
}

TEST(QueryReader, SortAndCursor) {
  std::string cursor = service::encode_cursor({"-created_at", "2018-11-13 09:00:00.000000", 4});
  auto request = with_query({{"sort", "-created_at"}, {"limit", "5"}, {"cursor", cursor}});
  QueryReader reader(request, {"sort", "limit", "cursor"});
  auto page = reader.page(kSortKeys);
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->sort.descending);
  EXPECT_EQ(page->sort.key.column, "c.created_at");
  EXPECT_EQ(page->limit, 5);
  ASSERT_TRUE(page->after.has_value());
  EXPECT_EQ(page->after->id, 4);
  EXPECT_EQ(page->after->value, "2018-11-13 09:00:00.000000");
  EXPECT_FALSE(reader.error().has_value());
}

TEST(QueryReader, BadSortAndCursorAreNamed) {
  {
    auto request = with_query({{"sort", "colour"}});
    QueryReader reader(request, {"sort"});
    EXPECT_FALSE(reader.page(kSortKeys).has_value());
    ASSERT_TRUE(reader.error().has_value());
    EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"sort"}));
  }
  {
    // A cursor of sort=name used with sort=-name.
    auto request = with_query({{"sort", "-name"}, {"cursor", service::encode_cursor({"name", "x", 1})}});
    QueryReader reader(request, {"sort", "cursor"});
    EXPECT_FALSE(reader.page(kSortKeys).has_value());
    ASSERT_TRUE(reader.error().has_value());
    EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"cursor"}));
  }
  {
    auto request = with_query({{"sort", ""}});
    QueryReader reader(request, {"sort"});
    EXPECT_FALSE(reader.page(kSortKeys).has_value());
    ASSERT_TRUE(reader.error().has_value());
    EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"sort"}));
  }
  {
    auto request = with_query({{"cursor", "not a cursor"}});
    QueryReader reader(request, {"cursor"});
    EXPECT_FALSE(reader.page(kSortKeys).has_value());
    ASSERT_TRUE(reader.error().has_value());
    EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"cursor"}));
  }
}

TEST(QueryReader, IncludeLists) {
  {
    auto request = with_query({});
    QueryReader reader(request, {"include"});
    EXPECT_TRUE(reader.include({"company"}).empty());
    EXPECT_FALSE(reader.error().has_value());
  }
  {
    auto request = with_query({{"include", "company"}});
    QueryReader reader(request, {"include"});
    EXPECT_EQ(reader.include({"company", "agenda"}), (std::set<std::string>{"company"}));
    EXPECT_FALSE(reader.error().has_value());
  }
  {
    auto request = with_query({{"include", "agenda,company"}});
    QueryReader reader(request, {"include"});
    EXPECT_EQ(reader.include({"company", "agenda"}), (std::set<std::string>{"agenda", "company"}));
    EXPECT_FALSE(reader.error().has_value());
  }
  for (const char* bad :
       {"", "companies", "company,agenda", "company,", ",company", "company,,company", "Company", "company ,agenda"}) {
    auto request = with_query({{"include", bad}});
    QueryReader reader(request, {"include"});
    EXPECT_TRUE(reader.include({"company"}).empty()) << bad;
    ASSERT_TRUE(reader.error().has_value()) << bad;
    EXPECT_EQ(fields(reader.error()->errors), (std::vector<std::string>{"include"})) << bad;
  }
}

// ---------------------------------------------------------------- BodyReader

struct Input {
  std::string name;
  std::optional<std::string> city;
  long long company_id = 0;
  int capacity = 0;
  bool published = false;
};

std::optional<service::Error> read(const nlohmann::json& body, bool partial, Input& in,
                                   std::vector<FieldError> rules = {}) {
  BodyReader reader(body, partial, {"id", "created_at", "version"});
  reader.text("name", in.name);
  reader.text("city", in.city);
  reader.integer("company_id", in.company_id);
  reader.integer("capacity", in.capacity, false);
  reader.boolean("published", in.published);
  return reader.finish(std::move(rules));
}

TEST(BodyReader, ReadsAWellFormedObject) {
  Input in;
  auto error = read(
      {{"name", "Deutsche Bahn AG"}, {"city", "Berlin"}, {"company_id", 7}, {"capacity", 120}, {"published", true}},
      false, in);
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(in.name, "Deutsche Bahn AG");
  EXPECT_EQ(in.city, "Berlin");
  EXPECT_EQ(in.company_id, 7);
  EXPECT_EQ(in.capacity, 120);
  EXPECT_TRUE(in.published);
}

TEST(BodyReader, OptionalFieldsMayBeAbsentOrNull) {
  Input in;
  in.city = "stale";
  auto error = read({{"name", "x"}, {"city", nullptr}, {"company_id", 1}}, false, in);
  EXPECT_FALSE(error.has_value());
  EXPECT_FALSE(in.city.has_value());
  EXPECT_EQ(in.capacity, 0);
  EXPECT_FALSE(in.published);
}

TEST(BodyReader, WrongTypesAreInvalidArgument) {
  Input in;
  auto error =
      read({{"name", 5}, {"city", true}, {"company_id", "7"}, {"capacity", 1.5}, {"published", "true"}}, false, in);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(error->errors),
            (std::vector<std::string>{"/name", "/city", "/company_id", "/capacity", "/published"}));
  EXPECT_EQ(error->errors[0].message, "must be a string, not a number");
  EXPECT_EQ(error->errors[1].message, "must be a string or null, not a boolean");
  EXPECT_EQ(error->errors[2].message, "must be an integer, not a string");
  EXPECT_EQ(error->errors[4].message, "must be a boolean, not a string");
}

TEST(BodyReader, ArraysObjectsAndFloatsAreWrongTypes) {
  for (const nlohmann::json& bad :
       {nlohmann::json::array({"x"}), nlohmann::json::object({{"de", "x"}}), nlohmann::json(7.0)}) {
    Input in;
    auto error = read({{"name", bad}, {"company_id", bad}}, false, in);
    ASSERT_TRUE(error.has_value()) << bad.dump();
    EXPECT_EQ(error->code, ErrorCode::invalid_argument) << bad.dump();
    EXPECT_EQ(fields(error->errors), (std::vector<std::string>{"/name", "/company_id"})) << bad.dump();
  }
}

TEST(BodyReader, UnknownAndReadOnlyFieldsAreInvalidArgument) {
  Input in;
  auto error = read({{"name", "x"}, {"company_id", 1}, {"id", 3}, {"version", 2}, {"colour", "red"}}, false, in);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  ASSERT_EQ(error->errors.size(), 3u);
  // nlohmann::json objects iterate in key order.
  EXPECT_EQ(error->errors[0], (FieldError{"/colour", "is not a field of this resource"}));
  EXPECT_EQ(error->errors[1], (FieldError{"/id", "is read-only"}));
  EXPECT_EQ(error->errors[2], (FieldError{"/version", "is read-only"}));
}

TEST(BodyReader, MissingRequiredAndNullNonNullableAreValidationFailed) {
  Input in;
  auto error = read({{"name", nullptr}, {"published", nullptr}, {"capacity", nullptr}}, false, in);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::validation_failed);
  std::vector<FieldError> expected = {{"/name", "must not be null"},
                                      {"/company_id", "is required"},
                                      {"/capacity", "must not be null"},
                                      {"/published", "must not be null"}};
  EXPECT_EQ(error->errors, expected);
}

TEST(BodyReader, TypeErrorsComeBeforeRuleErrors) {
  Input in;
  auto error = read({{"name", 5}}, false, in);  // company_id missing too
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(error->errors), (std::vector<std::string>{"/name"}));
}

TEST(BodyReader, DomainRulesJoinButDoNotRepeatAField) {
  Input in;
  auto error = read({{"name", "x"}}, false, in, {{"/company_id", "must be at least 1"}, {"/name", "must not be x"}});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::validation_failed);
  std::vector<FieldError> expected = {{"/company_id", "is required"}, {"/name", "must not be x"}};
  EXPECT_EQ(error->errors, expected);
}

TEST(BodyReader, PartialModeAllowsMissingFields) {
  Input in;
  in.name = "kept";
  EXPECT_FALSE(read(nlohmann::json::object(), true, in).has_value());
  EXPECT_EQ(in.name, "kept");
  EXPECT_FALSE(read({{"city", "Potsdam"}}, true, in).has_value());
  EXPECT_EQ(in.city, "Potsdam");
  EXPECT_FALSE(read({{"city", nullptr}}, true, in).has_value());
  EXPECT_FALSE(in.city.has_value());
}

TEST(BodyReader, PartialModeStillRejectsNullsTypesAndUnknowns) {
  Input in;
  auto nulls = read({{"name", nullptr}}, true, in);
  ASSERT_TRUE(nulls.has_value());
  EXPECT_EQ(nulls->code, ErrorCode::validation_failed);
  EXPECT_EQ(nulls->errors, (std::vector<FieldError>{{"/name", "must not be null"}}));

  auto types = read({{"company_id", "1"}}, true, in);
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ(types->code, ErrorCode::invalid_argument);

  auto unknown = read({{"created_at", "2018-11-13T09:00:00Z"}, {"nme", "typo"}}, true, in);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->code, ErrorCode::invalid_argument);
  EXPECT_EQ(fields(unknown->errors), (std::vector<std::string>{"/created_at", "/nme"}));
}

TEST(BodyReader, IntegerRanges) {
  {
    Input in;
    auto error = read({{"name", "x"}, {"company_id", 9007199254740991LL}, {"capacity", 2147483647}}, false, in);
    EXPECT_FALSE(error.has_value());
    EXPECT_EQ(in.company_id, 9007199254740991LL);
    EXPECT_EQ(in.capacity, 2147483647);
  }
  {
    Input in;
    auto error = read({{"name", "x"}, {"company_id", 9007199254740992ULL}, {"capacity", 2147483648LL}}, false, in);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, ErrorCode::validation_failed);
    EXPECT_EQ(error->errors, (std::vector<FieldError>{{"/company_id", "is too large"}, {"/capacity", "is too large"}}));
  }
  {
    Input in;
    auto error = read({{"name", "x"}, {"company_id", -3}, {"capacity", -1}}, false, in);
    EXPECT_FALSE(error.has_value());  // range rules belong to the domain
    EXPECT_EQ(in.company_id, -3);
    EXPECT_EQ(in.capacity, -1);
  }
}

// ---------------------------------------------------------------- parse_json_object

HttpRequest with_body(std::optional<std::string> content_type, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/companies";
  if (content_type) request.headers["content-type"] = *content_type;
  request.body = std::move(body);
  return request;
}

nlohmann::json problem_of(const HttpResponse& response) { return nlohmann::json::parse(response.body); }

void expect_failure(const JsonBody& parsed, int status, const std::string& what) {
  ASSERT_TRUE(parsed.failure.has_value()) << what;
  EXPECT_FALSE(parsed.value.has_value()) << what;
  EXPECT_EQ(parsed.failure->status, status) << what;
  EXPECT_EQ(parsed.failure->content_type, kProblemJson) << what;
  auto body = problem_of(*parsed.failure);
  EXPECT_EQ(body["status"], status) << what;
}

TEST(ParseJsonObject, ContentTypeMustBeJson) {
  for (const std::optional<std::string>& type :
       {std::optional<std::string>{}, std::optional<std::string>{"text/plain"},
        std::optional<std::string>{"application/x-www-form-urlencoded"},
        std::optional<std::string>{"application/jsonx"}, std::optional<std::string>{"text/json"},
        std::optional<std::string>{""}}) {
    auto parsed = parse_json_object(with_body(type, R"({"name":"x"})"), false);
    expect_failure(parsed, 415, type.value_or("<none>"));
    EXPECT_EQ(problem_of(*parsed.failure)["type"], "/problems/unsupported-media-type");
  }
}

TEST(ParseJsonObject, AcceptsJsonWithParameters) {
  for (const char* type : {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                           "Application/JSON", "application/json ; charset=utf-8"}) {
    auto parsed = parse_json_object(with_body(std::string(type), R"({"name":"Grüße"})"), false);
    ASSERT_FALSE(parsed.failure.has_value()) << type;
    ASSERT_TRUE(parsed.value.has_value()) << type;
    EXPECT_EQ((*parsed.value)["name"], "Grüße");
  }
}

TEST(ParseJsonObject, MergePatchOnlyWhenAllowed) {
  auto refused = parse_json_object(with_body("application/merge-patch+json", "{}"), false);
  expect_failure(refused, 415, "merge-patch on POST");
  auto accepted = parse_json_object(with_body("application/merge-patch+json; charset=utf-8", "{}"), true);
  EXPECT_FALSE(accepted.failure.has_value());
  auto plain = parse_json_object(with_body("application/json", "{}"), true);
  EXPECT_FALSE(plain.failure.has_value());
  auto wrong = parse_json_object(with_body("text/plain", "{}"), true);
  expect_failure(wrong, 415, "text/plain on PATCH");
}

TEST(ParseJsonObject, MalformedJsonIs400) {
  for (const char* body : {"", "{", "{\"name\":}", "{'name':'x'}", "{\"name\":\"x\",}", "{\"name\":\"x\"} trailing",
                           "nul", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"line\nbreak\"}"}) {
    auto parsed = parse_json_object(with_body("application/json", body), false);
    expect_failure(parsed, 400, body);
    EXPECT_EQ(problem_of(*parsed.failure)["type"], "/problems/bad-request") << body;
  }
}

TEST(ParseJsonObject, NonObjectIs400) {
  for (const char* body : {"[]", "[{\"name\":\"x\"}]", "\"x\"", "42", "true", "null"}) {
    expect_failure(parse_json_object(with_body("application/json", body), false), 400, body);
  }
}

std::string nested(int depth, const std::string& open = "{\"a\":", const std::string& close = "}") {
  std::string out;
  for (int i = 0; i < depth; ++i) out += open;
  out += "1";
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

TEST(ParseJsonObject, NestingDepthLimit) {
  EXPECT_FALSE(parse_json_object(with_body("application/json", nested(32)), false).failure.has_value());
  expect_failure(parse_json_object(with_body("application/json", nested(33)), false), 400, "33 objects");
  // Arrays count too.
  std::string arrays = "{\"a\":" + nested(31, "[", "]") + "}";
  EXPECT_FALSE(parse_json_object(with_body("application/json", arrays), false).failure.has_value());
  std::string deeper = "{\"a\":" + nested(32, "[", "]") + "}";
  expect_failure(parse_json_object(with_body("application/json", deeper), false), 400, "1 object + 32 arrays");
  // Very deep input is refused without recursing through it.
  expect_failure(parse_json_object(with_body("application/json", nested(100000, "[", "]")), false), 400, "100000");
  // Brackets inside strings are text, not nesting.
  std::string text = "{\"a\":\"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
  auto parsed = parse_json_object(with_body("application/json", text), false);
  EXPECT_FALSE(parsed.failure.has_value());
}

TEST(ParseJsonObject, InvalidUtf8InAStringIs400) {
  for (const std::string& body : {std::string("{\"name\":\"Gr\xFC\xDF"
                                              "e\"}"),
                                  std::string("{\"name\":\"\xC0\x80\"}"), std::string("{\"name\":\"\xED\xA0\x80\"}"),
                                  std::string("{\"name\":\"\xC3\"}"), std::string("{\"name\":\"\\ud800\"}"),
                                  std::string("{\"name\":\"\\udc00x\"}"), std::string("{\"n\xFF\":\"x\"}")}) {
    expect_failure(parse_json_object(with_body("application/json", body), false), 400, testing::PrintToString(body));
  }
  // Escaped and literal non-ASCII text is fine.
  auto parsed = parse_json_object(
      with_body("application/json", "{\"a\":\"\\u201EZusammen\\u201C\",\"b\":\"\xF0\x9F\x98\x80\"}"), false);
  ASSERT_FALSE(parsed.failure.has_value());
  EXPECT_EQ((*parsed.value)["a"], "„Zusammen“");
}

}  // namespace
}  // namespace zusammen::api
