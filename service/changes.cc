#include "service/changes.h"

#include "service/repositories/change_repository.h"
#include "service/unit_hooks.h"

namespace zusammen::service {

void record_changes(soci::session& session, const std::vector<ChangeRef>& changes) {
  if (changes.empty()) return;
  // The request's Idempotency-Key, if any, commits with this write, and names its first change.
  detail::note_write(changes.front().type, changes.front().id);
  // The counter row stays locked until this transaction ends: writers take their sequence
  // numbers in commit order.
  long long n = static_cast<long long>(changes.size());
  change_repository::insert(session, change_repository::allocate(session, n) - n + 1, changes);
}

void record_change(soci::session& session, std::string_view type, long long id, ChangeOp op) {
  record_changes(session, {{std::string(type), id, op}});
}

Result<ChangePage> ChangeService::list(const std::string& since, const std::set<std::string>& types, int limit) {
  long long after = 0;
  if (!since.empty()) {
    auto decoded = decode_change_cursor(since);
    if (!decoded) return Error::invalid("The cursor is not valid.", {{"since", "is not a cursor of the change feed"}});
    after = *decoded;
  }
  return with_session<ChangePage>(pool_, [&](soci::session& session) -> Result<ChangePage> {
    ChangePage page;
    page.items = change_repository::after(session, after, types, limit);
    page.next_cursor = encode_change_cursor(page.items.empty() ? after : page.items.back().seq);
    return page;
  });
}

Result<long long> ChangeService::last_sequence() {
  return with_session<long long>(
      pool_, [&](soci::session& session) -> Result<long long> { return change_repository::last_seq(session); });
}

}  // namespace zusammen::service
