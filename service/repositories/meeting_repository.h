#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/model/audience.h"
#include "service/model/meeting.h"
#include "service/repositories/paging.h"
#include "service/repositories/sql.h"

namespace zusammen::service::meeting_repository {

// SELECT ... FROM meetings m — extend with where()/apply_page(); the last column is the sort value.
sql::Query select_query(const std::string& sort_value_column = "CAST(m.id AS CHAR)");
SortedRows<Meeting> fetch(soci::session& session, const sql::Query& query);
// lock: FOR UPDATE, for writes that depend on the meeting (its version, its times).
std::optional<Meeting> find(soci::session& session, long long id, bool lock = false);
// Nullopt also when the audience may not see it (anonymous callers: published meetings only).
std::optional<Meeting> find_visible(soci::session& session, long long id, Audience audience);
long long insert(soci::session& session, const MeetingInput& input);
// False when no row has this id and version.
bool update(soci::session& session, long long id, int expected_version, const MeetingInput& input);
// The agenda items go with it (ON DELETE CASCADE).
bool erase(soci::session& session, long long id);
bool company_exists(soci::session& session, long long company_id);

// One page of the filtered list, as the audience may see it.
SortedRows<Meeting> list(soci::session& session, const MeetingFilter& filter, const PageRequest& page,
                         Audience audience);

}  // namespace zusammen::service::meeting_repository
