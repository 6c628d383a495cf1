#include "api/response_cache.h"

#include <fmt/format.h>

namespace zusammen::api {

struct ResponseCache::Fill {
  std::string key;
  std::uint64_t epoch = 0;
  bool shared = false;  // a miss that others may wait for (not a refresh)
  bool done = false;
  std::optional<Hit> result;
};

std::string ResponseCache::key_of(const HttpRequest& request) {
  std::string key = request.path;
  key.push_back('?');
  for (const auto& [name, value] : request.query) {  // std::map: sorted
    key += name;
    key.push_back('=');
    key += value;
    key.push_back('&');
  }
  return key;
}

std::optional<ResponseCache::Hit> ResponseCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  Entry& entry = it->second;
  auto age = Clock::now() - entry.born;
  if (age >= ttl_ + stale_) {
    drop(it);
    return std::nullopt;
  }
  Hit hit{entry.response, entry.route, nullptr};
  if (age >= ttl_ / 2 && !entry.refreshing) {
    entry.refreshing = true;
    hit.refresh = std::make_shared<Fill>(Fill{key, epoch_, false, false, std::nullopt});
    refreshes_.fetch_add(1, std::memory_order_relaxed);
  }
  (age >= ttl_ ? stale_hits_ : hits_).fetch_add(1, std::memory_order_relaxed);
  return hit;
}

ResponseCache::Claim ResponseCache::claim(const std::string& key, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  auto it = fills_.find(key);
  if (it == fills_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    auto ticket = std::make_shared<Fill>(Fill{key, epoch_, true, false, std::nullopt});
    fills_.emplace(key, ticket);
    return {ticket, std::nullopt};
  }
  coalesced_.fetch_add(1, std::memory_order_relaxed);
  auto fill = it->second;  // keeps it alive after the filler removed it
  filled_.wait_for(lock, wait, [&] { return fill->done; });
  if (!fill->done || !fill->result) return {nullptr, std::nullopt};
  return {nullptr, fill->result};
}

void ResponseCache::complete(const std::shared_ptr<Fill>& ticket, const HttpResponse& response,
                             const std::string& route) {
  if (!ticket) return;
  std::lock_guard lock(mutex_);
  bool ok = response.status == 200;
  bool current = ticket->epoch == epoch_;  // no write since the fill began
  if (ok && current) {
    put(ticket->key, response, route);
  } else if (current && !ticket->shared) {
    // A refresh that failed: the next caller fills it again.
    if (auto it = entries_.find(ticket->key); it != entries_.end()) drop(it);
  }
  if (ticket->shared) {
    if (ok) {
      auto it = entries_.find(ticket->key);
      auto shared =
          it != entries_.end() && current ? it->second.response : std::make_shared<const HttpResponse>(response);
      ticket->result = Hit{shared, route, nullptr};
    }
    ticket->done = true;
    auto it = fills_.find(ticket->key);
    if (it != fills_.end() && it->second == ticket) fills_.erase(it);
    filled_.notify_all();
  }
}

void ResponseCache::put(const std::string& key, const HttpResponse& response, const std::string& route) {
  if (auto it = entries_.find(key); it != entries_.end()) drop(it);
  std::size_t bytes = key.size() + response.body.size() + route.size() + 256;
  for (const auto& [name, value] : response.headers) bytes += name.size() + value.size() + 32;
  if (bytes > max_bytes_) return;  // larger than the whole cache: not kept
  while (!oldest_.empty() && (entries_.size() + 1 > max_entries_ || bytes_ + bytes > max_bytes_)) {
    drop(entries_.find(oldest_.front()));
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  oldest_.push_back(key);
  entries_.emplace(key, Entry{std::make_shared<const HttpResponse>(response), route, Clock::now(), false, bytes,
                              std::prev(oldest_.end())});
  bytes_ += bytes;
}

void ResponseCache::drop(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= it->second.bytes;
  oldest_.erase(it->second.age);
  entries_.erase(it);
}

void ResponseCache::invalidate(Cause cause) {
  {
    std::lock_guard lock(mutex_);
    ++epoch_;
    entries_.clear();
    oldest_.clear();
    bytes_ = 0;
    // Fills that began before this write may carry what it changed: later callers fill anew.
    fills_.clear();
  }
  (cause == Cause::write ? invalidated_by_write_ : invalidated_by_feed_).fetch_add(1, std::memory_order_relaxed);
}

std::string ResponseCache::render_metrics() const {
  auto get = [](const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); };
  return fmt::format(
      "# HELP zusammen_cache_lookups_total Anonymous GET requests by what the response cache did: hit (fresh), "
      "stale (served while refreshed), miss (filled by this request), coalesced (waited for another request's "
      "fill), refresh (a background refill was started).\n"
      "# TYPE zusammen_cache_lookups_total counter\n"
      "zusammen_cache_lookups_total{{result=\"hit\"}} {}\n"
      "zusammen_cache_lookups_total{{result=\"stale\"}} {}\n"
      "zusammen_cache_lookups_total{{result=\"miss\"}} {}\n"
      "zusammen_cache_lookups_total{{result=\"coalesced\"}} {}\n"
      "zusammen_cache_lookups_total{{result=\"refresh\"}} {}\n"
      "# HELP zusammen_cache_invalidations_total Times the response cache was emptied: by a write through this "
      "process, or by a change of the change feed (another process's write).\n"
      "# TYPE zusammen_cache_invalidations_total counter\n"
      "zusammen_cache_invalidations_total{{cause=\"write\"}} {}\n"
      "zusammen_cache_invalidations_total{{cause=\"change_feed\"}} {}\n"
      "# HELP zusammen_cache_evictions_total Entries dropped, oldest first, to stay within ZUSAMMEN_CACHE_ENTRIES "
      "and ZUSAMMEN_CACHE_MB.\n"
      "# TYPE zusammen_cache_evictions_total counter\n"
      "zusammen_cache_evictions_total {}\n",
      get(hits_), get(stale_hits_), get(misses_), get(coalesced_), get(refreshes_), get(invalidated_by_write_),
      get(invalidated_by_feed_), get(evictions_));
}

}  // namespace zusammen::api
