// iCalendar (RFC 5545) rendering of meetings and their agendas: pure text, no database.
// Times are written in UTC ("...Z" form), so no VTIMEZONE is needed and every client
// places them correctly whatever its own zone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "service/meetings.h"

namespace zusammen::api::ical {

inline constexpr std::string_view kContentType = "text/calendar; charset=utf-8";
inline constexpr std::string_view kProductId = "-//Wir zusammen//Zusammen API//DE";
inline constexpr std::size_t kMaxLineOctets = 75;

// TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and newlines (CRLF, CR
// or LF become "\n"). Other control characters (not allowed in TEXT) are dropped.
std::string escape_text(std::string_view text);

// One content line, folded (3.1): physical lines of at most 75 octets, each continuation
// starting with one space, never splitting a UTF-8 sequence; every line ends with CRLF.
std::string fold_line(std::string_view line);

// "2018-11-13T08:00:00Z" (RFC 3339 UTC, as the service returns times) to "20181113T080000Z".
// Fractions are dropped; an offset other than Z is not expected (and returned as is, stripped).
std::string utc_date_time(std::string_view rfc3339);

// STATUS of a meeting: cancelled -> CANCELLED, confirmed/held -> CONFIRMED, planned -> TENTATIVE.
std::string_view event_status(std::string_view meeting_status);

std::string meeting_uid(long long meeting_id);
std::string agenda_item_uid(long long item_id);

// A VCALENDAR (METHOD:PUBLISH) with one VEVENT per meeting and one per agenda item (the
// latter RELATED-TO its meeting). The output depends only on the input, so it can be hashed
// for an ETag.
std::string render_calendar(std::string_view calendar_name, const std::vector<service::MeetingWithAgenda>& meetings);

}  // namespace zusammen::api::ical
