// Building successful responses: JSON bodies, ETags and conditional requests, list pages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/json/json_writer.h"
#include "api/router.h"
#include "service/status.h"

namespace zusammen::api {

HttpResponse json_response(int status, const nlohmann::json& body);
// body is JSON already.
HttpResponse json_response(int status, std::string body);
HttpResponse no_content();

// ETag of an item: "<version>-<hash of the representation>", so If-Match can read the version back.
std::string item_etag(int version, const std::string& body);
// ETag of any other representation: "<hash>".
std::string content_etag(const std::string& body);

// 200 with ETag and Cache-Control, or 304 when If-None-Match matches.
HttpResponse cacheable(const RequestContext& context, HttpResponse response, const std::string& etag);
HttpResponse item_response(const RequestContext& context, const nlohmann::json& item, int version);
// item: its JSON.
HttpResponse item_response(const RequestContext& context, std::string item, int version);
// The item write(JsonWriter&) writes.
template <typename Write>
HttpResponse written_item_response(const RequestContext& context, int version, Write write) {
  std::string item;
  JsonWriter out(item);
  write(out);
  return item_response(context, std::move(item), version);
}

// A list page's body written in place, {"items":[...],"next_cursor":...}: each item goes to items().
class ListBody {
 public:
  ListBody();
  ListBody(const ListBody&) = delete;
  ListBody& operator=(const ListBody&) = delete;
  JsonWriter& items() { return writer_; }
  // A member after the items (JSON already): facets.
  void add(std::string key, std::string json) { members_.emplace_back(std::move(key), std::move(json)); }
  // The whole body; the ListBody is done with.
  std::string finish(const std::optional<std::string>& next_cursor);

 private:
  std::string text_;
  JsonWriter writer_;
  std::vector<std::pair<std::string, std::string>> members_;
};

// The page with a Link header to the next one.
HttpResponse list_response(const RequestContext& context, ListBody& body,
                           const std::optional<std::string>& next_cursor);
HttpResponse list_response(const RequestContext& context, const nlohmann::json& items,
                           const std::optional<std::string>& next_cursor);

// True when the request's If-None-Match names etag (or *).
bool if_none_match_hits(const HttpRequest& request, const std::string& etag);
// The 304 answer to a full response: its caching headers, no body.
HttpResponse not_modified(const HttpResponse& full);

// If-Match: nullopt when absent or "*"; the version an item ETag names; -1 when it names none of ours.
std::optional<int> if_match_version(const HttpRequest& request);

// 401 for anonymous callers, 403 for keys without the scope; nullopt when allowed.
std::optional<HttpResponse> require_scope(const RequestContext& context, std::string_view scope);

}  // namespace zusammen::api
