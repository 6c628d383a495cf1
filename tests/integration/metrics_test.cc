// GET /metrics end to end: the exposition text read by a strict parser of the text
// format 0.0.4, and counters that move by exactly the requests made — labelled by
// route template, never the raw path — the in-flight gauge, the pool gauges and
// database errors by kind.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using namespace std::chrono_literals;
using Labels = std::map<std::string, std::string>;

// ---------------------------------------------------------------- a strict parser of the text format

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram ...
  std::map<std::pair<std::string, Labels>, double> samples;

  std::optional<double> find(const std::string& name, const Labels& labels) const {
    auto it = samples.find({name, labels});
    if (it == samples.end()) return std::nullopt;
    return it->second;
  }
  // The value, 0 when the series does not exist (yet).
  double value(const std::string& name, const Labels& labels) const { return find(name, labels).value_or(0); }
};

std::optional<double> parse_value(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  static const std::regex number(R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)");
  if (!std::regex_match(text, number)) return std::nullopt;
  return std::stod(text);
}

// The family a sample belongs to: a histogram's _bucket/_sum/_count go to their histogram.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      std::string base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

::testing::AssertionResult parse_exposition(const std::string& text, Exposition& out) {
  auto fail = [](std::size_t line, const std::string& why, const std::string& content) {
    return ::testing::AssertionFailure() << "line " << line << ": " << why << ": " << content;
  };
  if (text.empty() || text.back() != '\n') return ::testing::AssertionFailure() << "does not end with a line feed";
  static const std::regex metric_name(R"([a-zA-Z_:][a-zA-Z0-9_:]*)");
  static const std::regex label_name(R"([a-zA-Z_][a-zA-Z0-9_]*)");
  std::set<std::string> helped;
  std::set<std::string> finished;  // families whose samples ended: they may not come back
  std::string current;             // the family of the last sample
  std::size_t number = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) return fail(number, "empty line", line);
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, keyword, name;
      words >> hash >> keyword >> name;
      if (hash != "#" || (keyword != "HELP" && keyword != "TYPE")) continue;  // a plain comment
      if (!std::regex_match(name, metric_name)) return fail(number, "bad metric name", line);
      if (finished.count(name) || current == name) return fail(number, keyword + " after samples", line);
      if (keyword == "HELP") {
        if (!helped.insert(name).second) return fail(number, "second HELP", line);
      } else {
        std::string type;
        words >> type;
        static const std::set<std::string> known = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!known.count(type)) return fail(number, "unknown type", line);
        if (!out.types.emplace(name, type).second) return fail(number, "second TYPE", line);
      }
      continue;
    }
    // name{labels} value
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    std::string name = line.substr(0, i);
    if (!std::regex_match(name, metric_name)) return fail(number, "bad metric name", line);
    Labels labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) return fail(number, "label without =", line);
        std::string lname = line.substr(i, eq - i);
        if (!std::regex_match(lname, label_name)) return fail(number, "bad label name", line);
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') return fail(number, "unquoted label value", line);
        ++i;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) return fail(number, "dangling backslash", line);
            char e = line[i + 1];
            if (e == '\\' || e == '"') {
              value.push_back(e);
            } else if (e == 'n') {
              value.push_back('\n');
            } else {
              return fail(number, "bad escape", line);
            }
            i += 2;
          } else {
            value.push_back(line[i++]);
          }
        }
        if (i >= line.size()) return fail(number, "unterminated label value", line);
        ++i;  // closing quote
        if (!labels.emplace(lname, value).second) return fail(number, "label given twice", line);
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail(number, "unterminated label set", line);
      ++i;  // }
    }
    if (i >= line.size() || line[i] != ' ') return fail(number, "no space before the value", line);
    std::string rest = line.substr(i + 1);
    if (rest.find(' ') != std::string::npos) return fail(number, "more than a value (we send no timestamps)", line);
    auto value = parse_value(rest);
    if (!value) return fail(number, "bad value", line);

    std::string family = family_of(name, out.types);
    if (!out.types.count(family)) return fail(number, "sample before its TYPE", line);
    if (!helped.count(family)) return fail(number, "sample without HELP", line);
    if (family != current) {
      if (finished.count(family)) return fail(number, "family interleaved with another", line);
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    if (!out.samples.emplace(std::make_pair(name, labels), *value).second)
      return fail(number, "duplicate series", line);
  }

  // Histograms: per series, buckets cumulative and non-decreasing, +Inf equal to _count, a _sum.
  for (const auto& [family, type] : out.types) {
    if (type != "histogram") continue;
    std::map<Labels, std::vector<std::pair<double, double>>> buckets;
    for (const auto& [key, value] : out.samples) {
      if (key.first != family + "_bucket") continue;
      Labels rest = key.second;
      auto le = rest.find("le");
      if (le == rest.end()) return ::testing::AssertionFailure() << family << " bucket without le";
      auto bound = parse_value(le->second);
      if (!bound) return ::testing::AssertionFailure() << family << " bad le " << le->second;
      rest.erase(le);
      buckets[rest].emplace_back(*bound, value);
    }
    for (auto& [labels, series] : buckets) {
      std::sort(series.begin(), series.end());
      for (std::size_t k = 1; k < series.size(); ++k) {
        if (series[k].second < series[k - 1].second) {
          return ::testing::AssertionFailure() << family << " buckets decrease at le=" << series[k].first;
        }
      }
      if (series.empty() || !std::isinf(series.back().first)) {
        return ::testing::AssertionFailure() << family << " has no le=\"+Inf\" bucket";
      }
      auto count = out.find(family + "_count", labels);
      if (!count || *count != series.back().second) {
        return ::testing::AssertionFailure() << family << " +Inf bucket differs from _count";
      }
      if (!out.find(family + "_sum", labels)) return ::testing::AssertionFailure() << family << " has no _sum";
    }
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- the fixture

class MetricsTest : public ApiTest<MetricsTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "metrics", .writer = "content:write"};

  static void TearDownTestSuite() {
    server_.reset();
    replica_.reset();  // after the server that reports it, before the database
    ApiTest::TearDownTestSuite();
  }

 protected:
  static Exposition scrape(TestServer& server) {
    auto res = server.client().get("/metrics");
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(res.header("cache-control"), "no-store");
    Exposition out;
    EXPECT_TRUE(parse_exposition(res.body, out)) << res.body;
    return out;
  }
  static Exposition scrape() { return scrape(*server_); }

  long long create(const std::string& slug) { return create_company(client(), writer(), slug, "Firma " + slug); }

  static inline std::unique_ptr<service::Pool> replica_;
};

const std::string kRequests = "zusammen_http_requests_total";
const std::string kDurationCount = "zusammen_http_request_duration_seconds_count";

TEST_F(MetricsTest, EveryFamilyIsThereWithItsType) {
  auto m = scrape();
  EXPECT_EQ(m.types["zusammen_http_requests_total"], "counter");
  EXPECT_EQ(m.types["zusammen_http_request_duration_seconds"], "histogram");
  EXPECT_EQ(m.types["zusammen_http_requests_in_flight"], "gauge");
  EXPECT_EQ(m.types["zusammen_db_pool_connections"], "gauge");
  EXPECT_EQ(m.types["zusammen_db_pool_waiting"], "gauge");
  EXPECT_EQ(m.types["zusammen_db_errors_total"], "counter");
  EXPECT_EQ(m.types["zusammen_build_info"], "gauge");
  EXPECT_EQ(m.types["process_start_time_seconds"], "gauge");

  bool build = false;
  for (const auto& [key, value] : m.samples) {
    if (key.first != "zusammen_build_info") continue;
    build = true;
    EXPECT_EQ(value, 1);
    EXPECT_EQ(key.second.at("version"), ZUSAMMEN_VERSION);
    EXPECT_FALSE(key.second.at("compiler").empty());
  }
  EXPECT_TRUE(build);
  auto started = m.find("process_start_time_seconds", {});
  ASSERT_TRUE(started);
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(*started, now - 3600);
  EXPECT_LE(*started, now);
  for (const char* kind : {"unavailable", "pool_exhausted", "connection_lost", "timeout", "deadlock", "lock_wait",
                           "read_only", "duplicate", "foreign_key", "other"}) {
    EXPECT_TRUE(m.find("zusammen_db_errors_total", {{"kind", kind}})) << kind;
  }
}

TEST_F(MetricsTest, CountsMoveByExactlyTheRequestsMadeUnderTheRouteTemplate) {
  long long id = create("bahn");
  std::string path = "/v1/companies/" + std::to_string(id);
  Labels found = {{"method", "GET"}, {"route", "/v1/companies/{id}"}, {"status", "200"}};
  Labels missing = {{"method", "GET"}, {"route", "/v1/companies/{id}"}, {"status", "404"}};
  Labels unmatched = {{"method", "GET"}, {"route", "unmatched"}, {"status", "404"}};
  Labels by_route = {{"method", "GET"}, {"route", "/v1/companies/{id}"}};

  auto before = scrape();
  auto client = server_->client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.get(path).status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(client.get("/v1/companies/987654").status, 404);
  ASSERT_EQ(client.get("/no/such/thing").status, 404);
  auto after = scrape();

  EXPECT_EQ(after.value(kRequests, found) - before.value(kRequests, found), 3);
  EXPECT_EQ(after.value(kRequests, missing) - before.value(kRequests, missing), 2);
  EXPECT_EQ(after.value(kRequests, unmatched) - before.value(kRequests, unmatched), 1);
  EXPECT_EQ(after.value(kDurationCount, by_route) - before.value(kDurationCount, by_route), 5);
  // The scrape before this one is counted too, under its own route.
  Labels metrics = {{"method", "GET"}, {"route", "/metrics"}, {"status", "200"}};
  EXPECT_EQ(after.value(kRequests, metrics) - before.value(kRequests, metrics), 1);
  // No raw path ever becomes a label.
  for (const auto& [key, value] : after.samples) {
    auto route = key.second.find("route");
    if (route == key.second.end()) continue;
    EXPECT_EQ(route->second.find("987654"), std::string::npos) << route->second;
    EXPECT_EQ(route->second.find("/no/such"), std::string::npos) << route->second;
    EXPECT_TRUE(route->second == "unmatched" || route->second.front() == '/') << route->second;
  }
  // Only the scrape itself is in flight.
  EXPECT_EQ(before.value("zusammen_http_requests_in_flight", {}), 1);
  EXPECT_EQ(after.value("zusammen_http_requests_in_flight", {}), 1);
}

TEST_F(MetricsTest, CachedAnswersKeepTheirRouteTemplate) {
  api::AppOptions options;
  options.cache_ttl = std::chrono::minutes(5);
  TestServer cached(*database_, 2, options);
  long long id = create("siemens");
  std::string path = "/v1/companies/" + std::to_string(id);
  auto client = cached.client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.get(path).status, 200);  // the last two from the cache

  auto m = scrape(cached);
  EXPECT_EQ(m.value(kRequests, {{"method", "GET"}, {"route", "/v1/companies/{id}"}, {"status", "200"}}), 3);
  for (const auto& [key, value] : m.samples) {
    auto route = key.second.find("route");
    if (route != key.second.end()) {
      EXPECT_NE(route->second, "cached");
    }
  }
}

TEST_F(MetricsTest, PoolGaugesForEveryRegisteredPool) {
  auto m = scrape();
  auto size = static_cast<double>(database_->pool().stats().size);  // TestServer serves from this pool
  auto leased = m.find("zusammen_db_pool_connections", {{"pool", "primary"}, {"state", "leased"}});
  auto idle = m.find("zusammen_db_pool_connections", {{"pool", "primary"}, {"state", "idle"}});
  ASSERT_TRUE(leased && idle);
  EXPECT_EQ(*leased + *idle, size);
  EXPECT_TRUE(m.find("zusammen_db_pool_waiting", {{"pool", "primary"}}));
  EXPECT_FALSE(m.find("zusammen_db_pool_waiting", {{"pool", "replica"}}));

  // A second pool (the read replica's) is reported beside the first.
  auto url = service::parse_database_url(database_->url());
  ASSERT_TRUE(url.ok());
  service::PoolOptions pool_options;
  pool_options.size = 2;
  replica_ = std::make_unique<service::Pool>(*url, pool_options);  // lives as long as the server
  server_->app().metrics().add_pool("replica", *replica_);
  {
    auto lease = replica_->lease();
    ASSERT_TRUE(lease.ok());
    auto with_replica = scrape();
    EXPECT_EQ(with_replica.value("zusammen_db_pool_connections", {{"pool", "replica"}, {"state", "leased"}}), 1);
    EXPECT_EQ(with_replica.value("zusammen_db_pool_connections", {{"pool", "replica"}, {"state", "idle"}}), 1);
    EXPECT_TRUE(with_replica.find("zusammen_db_pool_waiting", {{"pool", "replica"}}));
  }
}

TEST_F(MetricsTest, ADuplicateCountsAsADatabaseErrorOfThatKind) {
  create("duplikat");
  Labels duplicate = {{"kind", "duplicate"}};
  auto before = scrape();
  auto again = server_->client().post("/v1/companies", {{"slug", "duplikat"}, {"name", "Noch eine"}}, writer());
  ASSERT_EQ(again.status, 409) << again.body;
  auto after = scrape();
  EXPECT_EQ(after.value("zusammen_db_errors_total", duplicate) - before.value("zusammen_db_errors_total", duplicate),
            1);
  Labels conflict = {{"method", "POST"}, {"route", "/v1/companies"}, {"status", "409"}};
  EXPECT_EQ(after.value(kRequests, conflict) - before.value(kRequests, conflict), 1);
}

TEST_F(MetricsTest, InFlightCountsABlockedRequestUntilItIsAnswered) {
  long long id = create("gesperrt");
  auto& reader = database_->reader();
  reader.setAutoCommit(false);
  std::unique_ptr<::sql::Statement> lock(reader.createStatement());
  std::unique_ptr<::sql::ResultSet>(
      lock->executeQuery("SELECT id FROM companies WHERE id = " + std::to_string(id) + " FOR UPDATE"));
  // The PATCH waits for the row lock inside the service. It holds its HTTP thread, and
  // Pistache gives each thread a share of the connections: a scrape over HTTP could land
  // behind it, so the registry is read in-process while the PATCH blocks.
  auto patched = std::async(std::launch::async, [&] {
    return server_->client().patch("/v1/companies/" + std::to_string(id), {{"name", "Neu"}}, writer());
  });
  auto& metrics = server_->app().metrics();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (metrics.in_flight() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  Exposition during;
  EXPECT_TRUE(parse_exposition(metrics.render(), during));
  EXPECT_EQ(during.value("zusammen_http_requests_in_flight", {}), 1);
  EXPECT_EQ(patched.wait_for(0s), std::future_status::timeout) << "the PATCH did not wait for the lock";
  reader.commit();
  reader.setAutoCommit(true);
  auto res = patched.get();
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(scrape().value("zusammen_http_requests_in_flight", {}), 1);  // the scrape itself
}

}  // namespace
}  // namespace zusammen::testing
