// The change feed: every create, update and delete of every resource, recorded
// in the same transaction as the change (so a follower misses nothing), in
// commit order (see migrations/0003_change_feed.sql).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "service/database.h"
#include "service/model/change.h"
#include "service/status.h"

// SOCI stays out of the headers api/ reads: the session is only named here (service/ and the
// repositories include <soci/soci.h> themselves).
namespace soci {
class session;
}  // namespace soci

namespace zusammen::service {

// Call inside the writing transaction, after the write. Holds the feed's counter lock until
// the transaction ends: keep it the last statement before the commit where possible.
void record_change(soci::session& session, std::string_view type, long long id, ChangeOp op);
void record_changes(soci::session& session, const std::vector<ChangeRef>& changes);

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

}  // namespace zusammen::service
