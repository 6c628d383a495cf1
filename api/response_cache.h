// A small in-process cache of anonymous GET responses (partner websites read
// the same public pages again and again). Entries live for a short TTL, so
// replicas that did not see a write serve at most TTL-old public data; a write
// through this process empties the cache at once. Keyed callers are never cached.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http.h"

namespace zusammen::api {

class ResponseCache {
 public:
  ResponseCache(std::chrono::milliseconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

  bool enabled() const { return ttl_.count() > 0 && max_entries_ > 0; }
  // The key of a request: path plus its decoded query in a canonical order.
  static std::string key_of(const HttpRequest& request);

  // A hit also sets route to the template of the request that filled the entry (logs, metrics).
  std::optional<HttpResponse> find(const std::string& key, std::string& route);
  void store(const std::string& key, const HttpResponse& response, const std::string& route);
  // Something changed: forget everything.
  void invalidate();

 private:
  struct Entry {
    HttpResponse response;
    std::string route;
    std::chrono::steady_clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace zusammen::api
