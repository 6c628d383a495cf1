#include "service/model/change.h"

#include <charconv>

#include "service/encoding.h"

namespace zusammen::service {

const std::vector<std::string_view> kChangeTypes = {"company",     "initiative",   "meeting",
                                                    "agenda_item", "registration", "testimonial"};

std::string encode_change_cursor(long long seq) { return base64url_encode("c1:" + std::to_string(seq)); }

std::optional<long long> decode_change_cursor(const std::string& cursor) {
  auto raw = base64url_decode(cursor);
  if (!raw || raw->rfind("c1:", 0) != 0) return std::nullopt;
  long long seq = 0;
  const char* begin = raw->data() + 3;
  const char* end = raw->data() + raw->size();
  auto [ptr, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc{} || ptr != end || begin == end || seq < 0) return std::nullopt;
  return seq;
}

}  // namespace zusammen::service
