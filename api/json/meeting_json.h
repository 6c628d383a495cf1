// Meetings and agenda items on the wire: exactly the fields openapi.yaml documents.
#pragma once

#include <nlohmann/json.hpp>

#include "service/meetings.h"
#include "service/status.h"

namespace zusammen::api {

nlohmann::json meeting_to_json(const service::Meeting& meeting);
// The writable fields: the base a merge patch applies to (venue merges member by member).
nlohmann::json meeting_writable_json(const service::MeetingInput& meeting);
// Strict reading (see BodyReader), venue included (its errors named /venue/<field>); in full
// mode the domain rules run too, so every bad field is named at once.
service::Result<service::MeetingInput> meeting_from_json(const nlohmann::json& object, bool partial);

nlohmann::json agenda_item_to_json(const service::AgendaItem& item);
nlohmann::json agenda_item_writable_json(const service::AgendaItemInput& item);
// Speakers are read whole (a merge patch replaces the array); errors name /speakers/<i>/<field>.
service::Result<service::AgendaItemInput> agenda_item_from_json(const nlohmann::json& object, bool partial);

}  // namespace zusammen::api
