#include "api/responses.h"

#include <charconv>
#include <cstdio>

#include "api/json/json_util.h"
#include "api/problem.h"
#include "service/encoding.h"

namespace zusammen::api {
namespace {

std::string hash_hex(const std::string& body) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(service::content_hash64(body)));
  return buffer;
}

// If-None-Match lists ETags (or *); weak comparison, as RFC 9110 asks for GET.
bool none_match_hits(const std::string& header, const std::string& etag) {
  if (header.find('*') != std::string::npos) return true;
  std::string_view rest(header);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kJson);
  response.body = std::move(body);
  return response;
}

HttpResponse json_response(int status, const nlohmann::json& body) { return json_response(status, dump(body)); }

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

std::string item_etag(int version, const std::string& body) {
  return "\"" + std::to_string(version) + "-" + hash_hex(body) + "\"";
}

std::string content_etag(const std::string& body) { return "\"" + hash_hex(body) + "\""; }

bool if_none_match_hits(const HttpRequest& request, const std::string& etag) {
  auto header = request.header("if-none-match");
  return header && none_match_hits(*header, etag);
}

HttpResponse not_modified(const HttpResponse& full) {
  HttpResponse response;
  response.status = 304;
  for (const char* name : {"ETag", "Cache-Control", "Vary"}) {
    if (auto value = full.header(name)) response.with_header(name, *value);
  }
  return response;
}

HttpResponse cacheable(const RequestContext& context, HttpResponse response, const std::string& etag) {
  // Anonymous representations may be cached by browsers and shared caches; keyed ones only privately.
  std::string cache_control = context.principal.key ? "private, no-cache" : "public, max-age=60";
  response.with_header("ETag", etag).with_header("Cache-Control", cache_control).with_header("Vary", "Authorization");
  if (if_none_match_hits(context.request, etag)) return not_modified(response);
  return response;
}

HttpResponse item_response(const RequestContext& context, std::string item, int version) {
  HttpResponse response = json_response(200, std::move(item));
  std::string etag = item_etag(version, response.body);
  return cacheable(context, std::move(response), etag);
}

HttpResponse item_response(const RequestContext& context, const nlohmann::json& item, int version) {
  return item_response(context, dump(item), version);
}

ListBody::ListBody() : writer_(text_) {
  text_.reserve(4096);
  writer_.begin_object().key("items").begin_array();
}

std::string ListBody::finish(const std::optional<std::string>& next_cursor) {
  writer_.end_array();
  for (const auto& [key, json] : members_) writer_.key(key).raw(json);
  writer_.field("next_cursor", next_cursor).end_object();
  return std::move(text_);
}

HttpResponse list_response(const RequestContext& context, const nlohmann::json& items,
                           const std::optional<std::string>& next_cursor) {
  ListBody body;
  for (const auto& item : items) body.items().value(item);
  return list_response(context, body, next_cursor);
}

HttpResponse list_response(const RequestContext& context, ListBody& body,
                           const std::optional<std::string>& next_cursor) {
  HttpResponse response = json_response(200, body.finish(next_cursor));
  if (next_cursor) {
    std::string query;
    for (const auto& [name, value] : context.request.query) {
      if (name == "cursor") continue;
      query += (query.empty() ? "" : "&") + url_encode(name) + "=" + url_encode(value);
    }
    query += (query.empty() ? "" : "&") + std::string("cursor=") + url_encode(*next_cursor);
    response.with_header("Link", "<" + context.request.path + "?" + query + ">; rel=\"next\"");
  }
  std::string etag = content_etag(response.body);
  return cacheable(context, std::move(response), etag);
}

std::optional<int> if_match_version(const HttpRequest& request) {
  auto header = request.header("if-match");
  if (!header) return std::nullopt;
  std::string_view tag(*header);
  while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
  while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
  if (tag == "*") return std::nullopt;
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') return -1;
  tag = tag.substr(1, tag.size() - 2);
  int version = 0;
  auto [ptr, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), version);
  if (ec != std::errc{} || ptr == tag.data() + tag.size() || *ptr != '-' || version < 1) return -1;
  return version;
}

std::optional<HttpResponse> require_scope(const RequestContext& context, std::string_view scope) {
  if (!context.principal.key) return problem(401, "This operation needs an API key (Authorization: Bearer <key>).");
  if (!context.principal.can(scope)) {
    return problem(403, "The API key lacks the scope " + std::string(scope) + ".");
  }
  return std::nullopt;
}

}  // namespace zusammen::api
