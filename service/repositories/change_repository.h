// The change feed's tables: change_sequence (one counter row) and changes.
#pragma once

#include <soci/soci.h>

#include <set>
#include <string>
#include <vector>

#include "service/model/change.h"

namespace zusammen::service::change_repository {

// Takes n sequence numbers and returns the last of them (the first is the result - n + 1). The
// counter row stays locked until the transaction ends, so writers number in commit order; it is
// (re)created if someone emptied the table.
long long allocate(soci::session& session, long long n);
// Writes the changes numbered first_seq, first_seq + 1, ... (multi-row INSERTs for many).
void insert(soci::session& session, long long first_seq, const std::vector<ChangeRef>& changes);
// The changes after seq, of these types (all when empty), in order, at most limit.
std::vector<Change> after(soci::session& session, long long seq, const std::set<std::string>& types, int limit);
// The last number taken (0 before the first change).
long long last_seq(soci::session& session);

}  // namespace zusammen::service::change_repository
