// A query string through what the list handlers run before the database: percent-decoding,
// the UTF-8 check, QueryReader for every kind of parameter, sort and cursor decoding. Also
// checks that url_encode and url_decode are inverses, and that a cursor we encode decodes to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http.h"
#include "api/request_parsing.h"
#include "service/companies.h"
#include "service/model/listing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zusammen;
  std::string_view raw(reinterpret_cast<const char*>(data), size);

  auto decoded = api::url_decode(raw);
  if (decoded && api::url_decode(api::url_encode(*decoded)) != decoded) __builtin_trap();

  const service::Sort sort{service::kCompanySortKeys.front(), raw.size() % 2 == 1};
  if (auto cursor = service::decode_cursor(raw, sort); cursor.ok()) {
    auto again = service::decode_cursor(service::encode_cursor(*cursor), sort);
    if (!again.ok() || again->value != cursor->value || again->id != cursor->id) __builtin_trap();
  }

  auto pairs = api::parse_query_string(raw);
  if (!pairs) return 0;
  api::HttpRequest request;
  request.method = "GET";
  request.raw_query = std::string(raw);
  for (auto& [name, value] : *pairs) request.query[name] = value;
  api::QueryReader query(request, {"q", "id", "flag", "date", "since", "kind", "sort", "limit", "cursor", "include"});
  (void)query.text("q");
  (void)query.id("id");
  (void)query.boolean("flag");
  (void)query.date("date");
  (void)query.timestamp("since");
  (void)query.one_of("kind", {"a", "b"});
  (void)query.page(service::kCompanySortKeys);
  (void)query.include({"company", "meetings"});
  (void)query.error();
  return 0;
}
