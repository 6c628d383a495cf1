// The change feed's entries: the domain types (no database here; service/changes.h records and
// reads them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zusammen::service {

enum class ChangeOp { upsert, remove };

struct ChangeRef {
  std::string type;  // singular resource name: company, initiative, meeting, agenda_item, registration, testimonial
  long long id = 0;
  ChangeOp op = ChangeOp::upsert;
};

extern const std::vector<std::string_view> kChangeTypes;

struct Change {
  long long seq = 0;
  std::string type;
  long long id = 0;
  std::string op;  // "upsert" | "delete"
  std::string at;  // RFC 3339
};

struct ChangePage {
  std::vector<Change> items;
  std::string next_cursor;  // where to resume, also when items is empty
};

// A feed position as the opaque cursor clients hold, and back (nullopt: not one of ours).
std::string encode_change_cursor(long long seq);
std::optional<long long> decode_change_cursor(const std::string& cursor);

}  // namespace zusammen::service
