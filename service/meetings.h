// Network meetings and their programme (agenda items).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/model/listing.h"
#include "service/model/meeting.h"
#include "service/status.h"

namespace zusammen::service {

class MeetingService {
 public:
  explicit MeetingService(Pool& pool) : pool_(pool) {}

  // Anonymous callers see published meetings (and their agenda) only.
  Result<Page<Meeting>> list(const MeetingFilter& filter, const PageRequest& page, Audience audience);
  Result<Meeting> get(long long id, Audience audience);
  // The meeting and its agenda, read together (include=agenda).
  Result<MeetingWithAgenda> get_with_agenda(long long id, Audience audience);
  // Every meeting the filter selects (no pages: for feeds such as the iCalendar export), ordered by
  // starts_at then id, each with its agenda. Two queries in one transaction, however many meetings.
  // At most kMaxMeetingsAtOnce meetings (the earliest).
  Result<std::vector<MeetingWithAgenda>> list_with_agendas(const MeetingFilter& filter, Audience audience);
  Result<Meeting> create(const MeetingInput& input);
  // Replaces the writable fields when the stored version is still expected_version.
  Result<Meeting> update(long long id, int expected_version, const MeetingInput& input);
  // Deletes the meeting and its agenda.
  Status remove(long long id, std::optional<int> expected_version);

  // The agenda ordered by starts_at, then id.
  Result<std::vector<AgendaItem>> agenda(long long meeting_id, Audience audience);
  // An item of another meeting is not found.
  Result<AgendaItem> get_agenda_item(long long meeting_id, long long item_id, Audience audience);
  Result<AgendaItem> add_agenda_item(long long meeting_id, const AgendaItemInput& input);
  Result<AgendaItem> update_agenda_item(long long meeting_id, long long item_id, int expected_version,
                                        const AgendaItemInput& input);
  Status remove_agenda_item(long long meeting_id, long long item_id, std::optional<int> expected_version);

 private:
  Pool& pool_;
};

}  // namespace zusammen::service
