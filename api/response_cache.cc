#include "api/response_cache.h"

namespace zusammen::api {

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

std::optional<HttpResponse> ResponseCache::find(const std::string& key, std::string& route) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (std::chrono::steady_clock::now() >= it->second.expires) {
    entries_.erase(it);
    return std::nullopt;
  }
  route = it->second.route;
  return it->second.response;
}

void ResponseCache::store(const std::string& key, const HttpResponse& response, const std::string& route) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();  // crude but bounded; the TTL is short anyway
  entries_[key] = {response, route, std::chrono::steady_clock::now() + ttl_};
}

void ResponseCache::invalidate() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace zusammen::api
