// A small in-process cache of anonymous GET responses (partner websites read
// the same public pages again and again). Keyed callers are never cached.
//
// - An entry is served for ttl, then for `stale` more while one caller refills it (0 by
//   default: nothing older than ttl is served).
// - Once an entry has lived half its ttl, the first caller that finds it is asked to refill it
//   in the background (refresh ahead), so a popular page is not missed by every client at once
//   when it expires.
// - A miss is filled once: the first caller fills, the others wait for it and share its answer
//   (single-flight).
// - A write through this process empties the cache at once; writes of other processes are seen
//   through the change feed (App watches its counter) or, at the latest, after ttl + stale.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http.h"

namespace zusammen::api {

class ResponseCache {
 public:
  // Bounded by entries and by bytes (bodies, headers and keys): past either, the oldest entries
  // are dropped first.
  ResponseCache(std::chrono::milliseconds ttl, std::size_t max_entries,
                std::chrono::milliseconds stale = std::chrono::milliseconds(0),
                std::size_t max_bytes = std::size_t{16} * 1024 * 1024)
      : ttl_(ttl), stale_(stale), max_entries_(max_entries), max_bytes_(max_bytes) {}

  bool enabled() const { return ttl_.count() > 0 && max_entries_ > 0; }
  // The key of a request: path plus its decoded query in a canonical order.
  static std::string key_of(const HttpRequest& request);

  // Who fills an entry: the caller of a miss, or the one a refresh was asked of.
  struct Fill;
  struct Hit {
    std::shared_ptr<const HttpResponse> response;  // shared with the entry: no copy under the lock
    std::string route;                             // the template of the request that filled the entry (logs, metrics)
    // Set for one caller once the entry is due for a refresh: fill it in the background and
    // complete() the ticket (or complete it with a failure when it cannot be done).
    std::shared_ptr<Fill> refresh;
  };
  // A fresh entry, or a stale one within the grace.
  std::optional<Hit> find(const std::string& key);

  // After a miss: either a ticket (this caller fills the entry and must complete() it), or the
  // answer another caller filled meanwhile (waited for up to `wait`), or neither (that filler
  // failed or took too long: answer without the cache).
  struct Claim {
    std::shared_ptr<Fill> ticket;
    std::optional<Hit> shared;
  };
  Claim claim(const std::string& key, std::chrono::milliseconds wait);
  // Ends a fill: a 200 is stored (unless a write invalidated the cache since the fill began) and
  // handed to the waiters; anything else is not cached.
  void complete(const std::shared_ptr<Fill>& ticket, const HttpResponse& response, const std::string& route);

  enum class Cause { write, change_feed };
  // Something changed: forget everything.
  void invalidate(Cause cause = Cause::write);

  // Prometheus families: lookups by result and invalidations by cause.
  std::string render_metrics() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::shared_ptr<const HttpResponse> response;
    std::string route;
    Clock::time_point born;
    bool refreshing = false;
    std::size_t bytes = 0;
    std::list<std::string>::iterator age;  // its place in oldest_
  };
  // Stores under the mutex, evicting the oldest entries beyond the bounds.
  void put(const std::string& key, const HttpResponse& response, const std::string& route);
  void drop(std::unordered_map<std::string, Entry>::iterator it);

  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds stale_;
  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable filled_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> oldest_;  // keys, the oldest stored first
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<Fill>> fills_;  // misses being filled
  std::uint64_t epoch_ = 0;                                       // invalidations so far

  std::atomic<std::uint64_t> hits_{0}, stale_hits_{0}, misses_{0}, coalesced_{0}, refreshes_{0};
  std::atomic<std::uint64_t> invalidated_by_write_{0}, invalidated_by_feed_{0}, evictions_{0};
};

}  // namespace zusammen::api
