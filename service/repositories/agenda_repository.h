#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/model/audience.h"
#include "service/model/meeting.h"
#include "service/repositories/sql.h"

namespace zusammen::service::agenda_repository {

// The meeting's items ordered by starts_at, then id.
std::vector<AgendaItem> list(soci::session& session, long long meeting_id);
// The items of all these meetings in one query, ordered by meeting, then starts_at, then id.
std::vector<AgendaItem> list_of_meetings(soci::session& session, const std::vector<long long>& meeting_ids);
std::vector<long long> ids_of_meeting(soci::session& session, long long meeting_id);
// Registrations that chose this workshop: their version and updated_at move on (their
// workshop_ids are about to change); returns their ids for the change feed.
std::vector<long long> touch_registrations_choosing(soci::session& session, long long item_id);
// Only an item of this meeting.
std::optional<AgendaItem> find(soci::session& session, long long meeting_id, long long item_id, bool lock = false);
long long insert(soci::session& session, long long meeting_id, const AgendaItemInput& input);
// False when no item of this meeting has this id and version.
bool update(soci::session& session, long long meeting_id, long long item_id, int expected_version,
            const AgendaItemInput& input);
bool erase(soci::session& session, long long meeting_id, long long item_id);

// The earliest start and the latest end of the meeting's items (UTC "YYYY-MM-DD HH:MM:SS"), locked
// against concurrent changes; nullopt without items.
std::optional<std::pair<std::string, std::string>> time_span(soci::session& session, long long meeting_id);

// The speakers column: a JSON array of {"name", "role", "organization"} (strings or null).
std::string speakers_to_column(const std::vector<Speaker>& speakers);
// Throws std::runtime_error when the text is not such an array.
std::vector<Speaker> speakers_from_column(const std::string& text);

}  // namespace zusammen::service::agenda_repository
