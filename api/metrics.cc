#include "api/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "service/database_stats.h"

namespace zusammen::api {
namespace {

// Read while static objects are initialised: close enough to the start of the process.
const double kProcessStartSeconds =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

// Spreads threads over the stripes: each thread takes the next stripe the first time it records.
std::size_t stripe_of_this_thread(std::size_t stripes) {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % stripes;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string render_catalogue_metrics(const service::Catalogue::Stats& stats) {
  std::string out;
  auto it = std::back_inserter(out);
  family(out, "zusammen_catalogue_serving", "gauge",
         "1 while anonymous initiative and company reads come from memory.");
  fmt::format_to(it, "zusammen_catalogue_serving {}\n", stats.serving ? 1 : 0);
  family(out, "zusammen_catalogue_rows", "gauge", "What the catalogue holds.");
  fmt::format_to(it, "zusammen_catalogue_rows{{kind=\"initiatives\"}} {}\n", stats.initiatives);
  fmt::format_to(it, "zusammen_catalogue_rows{{kind=\"companies\"}} {}\n", stats.companies);
  family(out, "zusammen_catalogue_sequence", "gauge",
         "The change feed's sequence number the catalogue is current with.");
  fmt::format_to(it, "zusammen_catalogue_sequence {}\n", stats.applied);
  family(out, "zusammen_catalogue_reads_total", "counter",
         "Anonymous reads the catalogue answered, or left to the database.");
  fmt::format_to(it, "zusammen_catalogue_reads_total{{result=\"answered\"}} {}\n", stats.answered);
  fmt::format_to(it, "zusammen_catalogue_reads_total{{result=\"declined\"}} {}\n", stats.declined);
  family(out, "zusammen_catalogue_loads_total", "counter", "Full loads of the catalogue.");
  fmt::format_to(it, "zusammen_catalogue_loads_total {}\n", stats.loads);
  family(out, "zusammen_catalogue_refresh_failures_total", "counter",
         "Refreshes that failed (reads go to the database until one succeeds).");
  fmt::format_to(it, "zusammen_catalogue_refresh_failures_total {}\n", stats.refresh_failures);
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Metrics::observe(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds duration) {
  double seconds = std::chrono::duration<double>(duration).count();
  auto bucket =
      static_cast<std::size_t>(std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  Stripe& stripe = stripes_[stripe_of_this_thread(kStripes)];
  std::lock_guard lock(stripe.mutex);
  auto it = stripe.series.find(KeyView{method, route});
  if (it == stripe.series.end())
    it = stripe.series.emplace(Key{std::string(method), std::string(route)}, Series{}).first;
  Series& series = it->second;
  ++series.buckets[bucket];
  series.sum += seconds;
  ++series.count;
  for (auto& [code, count] : series.statuses) {
    if (code == status) {
      ++count;
      return;
    }
  }
  series.statuses.emplace_back(status, 1);
}

void Metrics::add_pool(const std::string& name, const service::Pool& pool) {
  std::lock_guard lock(pools_mutex_);
  for (auto& [existing, registered] : pools_) {
    if (existing == name) {
      registered = &pool;
      return;
    }
  }
  pools_.emplace_back(name, &pool);
}

std::string Metrics::render() const {
  struct Merged {
    std::array<std::uint64_t, kBuckets.size() + 1> buckets{};
    double sum = 0;
    std::uint64_t count = 0;
    std::map<int, std::uint64_t> statuses;
  };
  std::map<std::pair<std::string, std::string>, Merged> merged;  // sorted: a stable page
  for (const auto& stripe : stripes_) {
    std::lock_guard lock(stripe.mutex);
    for (const auto& [key, series] : stripe.series) {
      Merged& m = merged[{key.method, key.route}];
      for (std::size_t i = 0; i < series.buckets.size(); ++i) m.buckets[i] += series.buckets[i];
      m.sum += series.sum;
      m.count += series.count;
      for (const auto& [code, count] : series.statuses) m.statuses[code] += count;
    }
  }

  std::string out;
  out.reserve(4096 + merged.size() * 2048);
  auto it = std::back_inserter(out);

  family(out, "zusammen_http_requests_total", "counter",
         "HTTP requests answered, by method, route template (unmatched: no route) and status.");
  for (const auto& [key, m] : merged) {
    std::string labels =
        fmt::format(R"(method="{}",route="{}")", escape_label_value(key.first), escape_label_value(key.second));
    for (const auto& [code, count] : m.statuses) {
      fmt::format_to(it, "zusammen_http_requests_total{{{},status=\"{}\"}} {}\n", labels, code, count);
    }
  }

  family(out, "zusammen_http_request_duration_seconds", "histogram",
         "Time from reading a request to handing its response to the socket, by method and route template.");
  for (const auto& [key, m] : merged) {
    std::string labels =
        fmt::format(R"(method="{}",route="{}")", escape_label_value(key.first), escape_label_value(key.second));
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += m.buckets[i];
      fmt::format_to(it, "zusammen_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBucketLabels[i],
                     cumulative);
    }
    cumulative += m.buckets[kBuckets.size()];
    fmt::format_to(it, "zusammen_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, cumulative);
    fmt::format_to(it, "zusammen_http_request_duration_seconds_sum{{{}}} {}\n", labels, m.sum);
    fmt::format_to(it, "zusammen_http_request_duration_seconds_count{{{}}} {}\n", labels, cumulative);
  }

  family(out, "zusammen_http_requests_in_flight", "gauge", "HTTP requests being handled right now.");
  fmt::format_to(it, "zusammen_http_requests_in_flight {}\n", in_flight());

  std::vector<std::pair<std::string, service::PoolStats>> pools;
  {
    std::lock_guard lock(pools_mutex_);
    for (const auto& [name, pool] : pools_) pools.emplace_back(name, pool->stats());
  }
  family(out, "zusammen_db_pool_connections", "gauge",
         "Database connections of each pool: leased to a request, or idle in the pool.");
  for (const auto& [name, stats] : pools) {
    std::string pool = escape_label_value(name);
    fmt::format_to(it, "zusammen_db_pool_connections{{pool=\"{}\",state=\"leased\"}} {}\n", pool, stats.leased);
    fmt::format_to(it, "zusammen_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}\n", pool,
                   stats.size - stats.leased);
  }
  family(out, "zusammen_db_pool_waiting", "gauge", "Requests waiting for a connection of each pool.");
  for (const auto& [name, stats] : pools) {
    fmt::format_to(it, "zusammen_db_pool_waiting{{pool=\"{}\"}} {}\n", escape_label_value(name), stats.waiting);
  }

  family(out, "zusammen_db_errors_total", "counter", "Database failures by kind since the process started.");
  auto errors = service::database_error_counts();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    fmt::format_to(it, "zusammen_db_errors_total{{kind=\"{}\"}} {}\n",
                   service::database_error_kind_name(static_cast<service::DatabaseErrorKind>(i)), errors[i]);
  }

  family(out, "zusammen_build_info", "gauge", "Always 1; the labels name the running build.");
  fmt::format_to(it, "zusammen_build_info{{version=\"{}\",compiler=\"{}\"}} 1\n", escape_label_value(ZUSAMMEN_VERSION),
                 escape_label_value(compiler()));

  family(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
  fmt::format_to(it, "process_start_time_seconds {:.3f}\n", kProcessStartSeconds);
  return out;
}

}  // namespace zusammen::api
