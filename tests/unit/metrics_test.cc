// The metrics registry without a server: histogram buckets, label escaping, and the
// database error counters that classify_database_error feeds.
#include "api/metrics.h"

#include <gtest/gtest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <string>

#include "service/database_stats.h"

namespace zusammen::api {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::uint64_t errors(service::DatabaseErrorKind kind) {
  return service::database_error_counts()[static_cast<std::size_t>(kind)];
}

TEST(Metrics, HistogramBucketsAreCumulativeWithTheBoundInclusive) {
  Metrics metrics;
  metrics.observe("GET", "/v1/companies/{id}", 200, 300us);
  metrics.observe("GET", "/v1/companies/{id}", 200, 5ms);  // exactly a bound: counted in le="0.005"
  metrics.observe("GET", "/v1/companies/{id}", 404, 20s);
  std::string text = metrics.render();
  std::string labels = R"(method="GET",route="/v1/companies/{id}")";
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_bucket{" + labels + R"(,le="0.0005"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_bucket{" + labels + R"(,le="0.0025"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_bucket{" + labels + R"(,le="0.005"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_bucket{" + labels + R"(,le="10"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_bucket{" + labels + R"(,le="+Inf"} 3)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_request_duration_seconds_count{" + labels + "} 3")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_requests_total{" + labels + R"(,status="200"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "zusammen_http_requests_total{" + labels + R"(,status="404"} 1)")) << text;
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), R"(a\"b\\c\nd)");
  Metrics metrics;
  metrics.observe("GET", "/x\"y", 200, 1ms);
  EXPECT_TRUE(has_line(metrics.render(), R"(zusammen_http_requests_total{method="GET",route="/x\"y",status="200"} 1)"));
}

TEST(Metrics, InFlightAndPools) {
  Metrics metrics;
  metrics.request_started();
  metrics.request_started();
  metrics.request_finished();
  EXPECT_TRUE(has_line(metrics.render(), "zusammen_http_requests_in_flight 1"));

  service::DatabaseUrl url;  // never connected: a pool opens its sessions on first lease
  service::PoolOptions options;
  options.size = 3;
  service::Pool primary(url, options);
  metrics.add_pool("primary", primary);
  std::string text = metrics.render();
  EXPECT_TRUE(has_line(text, R"(zusammen_db_pool_connections{pool="primary",state="leased"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(zusammen_db_pool_connections{pool="primary",state="idle"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(zusammen_db_pool_waiting{pool="primary"} 0)")) << text;
}

TEST(Metrics, ClassifiedDatabaseErrorsAreCountedByKind) {
  auto duplicate = errors(service::DatabaseErrorKind::duplicate);
  auto deadlock = errors(service::DatabaseErrorKind::deadlock);
  auto lock_wait = errors(service::DatabaseErrorKind::lock_wait);
  auto lost = errors(service::DatabaseErrorKind::connection_lost);
  auto other = errors(service::DatabaseErrorKind::other);
  service::classify_database_error(soci::mysql_soci_error("dup", 1062), nullptr);
  service::classify_database_error(soci::mysql_soci_error("deadlock", 1213), nullptr);
  service::classify_database_error(soci::mysql_soci_error("deadlock", 1213), nullptr);
  service::classify_database_error(soci::mysql_soci_error("lock", 1205), nullptr);
  service::classify_database_error(soci::mysql_soci_error("gone", 2006), nullptr);
  service::classify_database_error(std::runtime_error("?"), nullptr);
  EXPECT_EQ(errors(service::DatabaseErrorKind::duplicate), duplicate + 1);
  EXPECT_EQ(errors(service::DatabaseErrorKind::deadlock), deadlock + 2);
  EXPECT_EQ(errors(service::DatabaseErrorKind::lock_wait), lock_wait + 1);
  EXPECT_EQ(errors(service::DatabaseErrorKind::connection_lost), lost + 1);
  EXPECT_EQ(errors(service::DatabaseErrorKind::other), other + 1);
  std::string text = Metrics().render();
  EXPECT_TRUE(has_line(text, "zusammen_db_errors_total{kind=\"duplicate\"} " +
                                 std::to_string(errors(service::DatabaseErrorKind::duplicate))))
      << text;
}

}  // namespace
}  // namespace zusammen::api
