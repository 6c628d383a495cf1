// The change feed: every create, update and delete of every resource, recorded
// in the same transaction as the change (so a follower misses nothing), in
// commit order (see migrations/0003_change_feed.sql).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "service/database.h"
#include "service/status.h"

// SOCI stays out of the headers api/ reads: the session is only named here (service/ and the
// repositories include <soci/soci.h> themselves).
namespace soci {
class session;
}  // namespace soci

namespace zusammen::service {

enum class ChangeOp { upsert, remove };

struct ChangeRef {
  std::string type;  // singular resource name: company, initiative, meeting, agenda_item, registration, testimonial
  long long id = 0;
  ChangeOp op = ChangeOp::upsert;
};

extern const std::vector<std::string_view> kChangeTypes;

// Call inside the writing transaction, after the write. Holds the feed's counter lock until
// the transaction ends: keep it the last statement before the commit where possible.
void record_change(soci::session& session, std::string_view type, long long id, ChangeOp op);
void record_changes(soci::session& session, const std::vector<ChangeRef>& changes);

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

class ChangeService {
 public:
  explicit ChangeService(Pool& pool) : pool_(pool) {}
  // since: a cursor from a previous page (empty: from the beginning).
  Result<ChangePage> list(const std::string& since, const std::set<std::string>& types, int limit);
  // The sequence number of the latest committed change (0 before the first): it moves with every
  // write of any process, so a response cache that watches it sees other replicas' writes.
  Result<long long> last_sequence();

 private:
  Pool& pool_;
};

std::string encode_change_cursor(long long seq);
std::optional<long long> decode_change_cursor(const std::string& cursor);

}  // namespace zusammen::service
