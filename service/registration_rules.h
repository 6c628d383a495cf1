// The rules that single registrations and the bulk sync share (service/registrations.cc,
// service/registration_sync.cc); not for api/.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "service/model/change.h"
#include "service/model/meeting.h"
#include "service/status.h"

namespace zusammen::service::registration_rules {

// already_exists naming the registration that holds this email at the meeting.
Error duplicate_email(long long meeting_id, long long existing);
// Fills freed places from the waiting list, oldest first; a waiting registration whose workshops are
// still full is passed over for a later one whose workshops have room. The promotions are appended
// to changes.
void promote_waiting(soci::session& sql, const Meeting& meeting, std::vector<ChangeRef>& changes);

}  // namespace zusammen::service::registration_rules
