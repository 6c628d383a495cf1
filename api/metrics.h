// Prometheus metrics of the HTTP server and the database pools, rendered by
// GET /metrics in the text exposition format 0.0.4.
//
// Recording sits on every request's path, so it is kept cheap: each thread
// records into one of a few stripes (its own, nearly always), under a mutex
// that is then uncontended, with one hash lookup and a few additions; a scrape
// merges the stripes. Labels are bounded: the route is the router's template
// (or "unmatched"), never the raw path.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "service/catalogue.h"
#include "service/database.h"

namespace zusammen::api {

class Metrics {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
  // Upper bounds (seconds) of the request duration histogram's buckets, and their le labels.
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  static constexpr std::array<std::string_view, 14> kBucketLabels = {
      "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request.
  void observe(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds duration);

  // The requests being handled right now.
  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  // Reports the pool's connections under pool="<name>" ("primary", "replica"); the pool
  // must outlive this registry. Registering a name again replaces the pool.
  void add_pool(const std::string& name, const service::Pool& pool);

  // Every family, in the text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Series {
    std::array<std::uint64_t, kBuckets.size() + 1> buckets{};  // not cumulative; the last one is +Inf
    double sum = 0;
    std::uint64_t count = 0;
    std::vector<std::pair<int, std::uint64_t>> statuses;  // few per route: a linear scan is fastest
  };
  struct Key {
    std::string method;
    std::string route;
  };
  struct KeyView {
    std::string_view method;
    std::string_view route;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const KeyView& key) const {
      return std::hash<std::string_view>{}(key.method) * 31 + std::hash<std::string_view>{}(key.route);
    }
    std::size_t operator()(const Key& key) const { return (*this)(KeyView{key.method, key.route}); }
  };
  struct KeyEqual {
    using is_transparent = void;
    static KeyView view(const Key& key) { return {key.method, key.route}; }
    static KeyView view(const KeyView& key) { return key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a).method == view(b).method && view(a).route == view(b).route;
    }
  };
  struct alignas(64) Stripe {
    mutable std::mutex mutex;
    std::unordered_map<Key, Series, KeyHash, KeyEqual> series;
  };
  static constexpr std::size_t kStripes = 16;

  std::array<Stripe, kStripes> stripes_;
  std::atomic<std::int64_t> in_flight_{0};
  mutable std::mutex pools_mutex_;
  std::vector<std::pair<std::string, const service::Pool*>> pools_;
};

// A label value with \, " and line feeds escaped, as the exposition format wants it.
// The catalogue's families (service/catalogue.h), in the exposition format.
std::string render_catalogue_metrics(const service::Catalogue::Stats& stats);
std::string escape_label_value(std::string_view value);

}  // namespace zusammen::api
