// What a unit of work (service/database.h, detail::run_unit) tells the request's Idempotency-Key
// claim (service/idempotency.h), which keeps its state in a thread-local of idempotency.cc. Its
// own header, so that the database layer and the idempotency service do not include each other.
#pragma once

#include <string_view>

// SOCI stays out of the headers api/ reads: the session is only named here (service/ and the
// repositories include <soci/soci.h> themselves).
namespace soci {
class session;
}  // namespace soci

namespace zusammen::service::detail {

// record_changes: the current transaction writes; type and id are its first change's (what a
// lost answer is rebuilt from).
void note_write(std::string_view type, long long id);
// run_unit, transactional path: at the start of each attempt, right before COMMIT (inserts the
// key when this unit wrote and the request's key is not yet claimed; may throw a duplicate key),
// and after a successful COMMIT.
void unit_begin();
void before_commit(soci::session& session);
void after_commit();

}  // namespace zusammen::service::detail
