#pragma once

#include <soci/soci.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/model/audience.h"
#include "service/model/registration.h"
#include "service/repositories/paging.h"
#include "service/repositories/sql.h"

namespace zusammen::service::registration_repository {

// SELECT ... FROM registrations r — extend with where()/apply_page(); the last column is the sort value.
// Rows come without workshop_ids: attach_workshops fills them.
sql::Query select_query(const std::string& sort_value_column = "CAST(r.id AS CHAR)");
SortedRows<Registration> fetch(soci::session& session, const sql::Query& query);
void attach_workshops(soci::session& session, std::vector<Registration>& registrations);
std::optional<Registration> find(soci::session& session, long long id, bool lock = false);
// The meeting a registration belongs to (no lock), to lock the meeting before the registration.
std::optional<long long> meeting_of(soci::session& session, long long id);
long long insert(soci::session& session, const RegistrationInput& input, const std::string& status);
// False when no row has this id and version. Replaces the workshop choices too.
bool update(soci::session& session, long long id, int expected_version, const RegistrationInput& input,
            const std::string& status);
// A promotion from the waiting list: status registered, version + 1.
void promote(soci::session& session, long long id);
bool erase(soci::session& session, long long id);

// The registration with this email (case-insensitively) at the meeting, other than except_id.
std::optional<long long> find_by_email(soci::session& session, long long meeting_id, const std::string& email_key,
                                       long long except_id = 0);
std::optional<long long> find_by_source(soci::session& session, const std::string& source,
                                        const std::string& external_ref, long long except_id = 0);
bool company_exists(soci::session& session, long long company_id);
// Of ids, those that are not workshop agenda items of the meeting.
std::vector<long long> foreign_workshops(soci::session& session, long long meeting_id,
                                         const std::vector<long long>& ids);
// Registrations of the meeting holding a place (registered, attended, no_show).
int places_taken(soci::session& session, long long meeting_id);
// Of the chosen workshops, those whose capacity is reached (not counting except_registration).
std::vector<long long> full_workshops(soci::session& session, const std::vector<long long>& ids,
                                      long long except_registration = 0);
// The meeting's waiting list, oldest first (created_at, id).
std::vector<Registration> waiting_list(soci::session& session, long long meeting_id);
bool meeting_started(soci::session& session, long long meeting_id);

SortedRows<Registration> list(soci::session& session, const RegistrationFilter& filter, const PageRequest& page);

// Stats: counts by status, by company, and per workshop of the meeting.
std::map<std::string, int> count_by_status(soci::session& session, long long meeting_id);
std::vector<std::pair<std::optional<long long>, int>> count_by_company(soci::session& session, long long meeting_id);
std::vector<WorkshopFill> workshop_fill(soci::session& session, long long meeting_id);

// --- Bulk sync: each reads or writes the rows of a whole batch in one statement -----------------

struct MeetingPlaces {
  std::optional<int> capacity;
  bool open = false;  // registration_open
};
// The meetings, locked in id order (FOR UPDATE): the lock every capacity decision of theirs takes.
std::map<long long, MeetingPlaces> lock_meetings(soci::session& session, const std::set<long long>& ids);
// The registrations of these (source, external_ref) keys, locked, with their workshops. The refs are
// grouped by source, so that the unique index serves.
std::vector<Registration> lock_by_source(soci::session& session,
                                         const std::map<std::string, std::vector<std::string>>& refs_by_source);
// Of ids, those of existing companies.
std::set<long long> existing_companies(soci::session& session, const std::set<long long>& ids);
struct WorkshopSeats {
  long long meeting_id = 0;
  std::optional<int> capacity;
  int taken = 0;  // registrations holding a place that chose it
};
// Of ids, the workshop agenda items, with their seats.
std::map<long long, WorkshopSeats> workshop_seats(soci::session& session, const std::set<long long>& ids);
using EmailSlot = std::pair<long long, std::string>;  // meeting, email_key
// Who holds each of these email keys at each of these meetings.
std::map<EmailSlot, long long> email_owners(soci::session& session, const std::set<long long>& meeting_ids,
                                            const std::set<std::string>& email_keys);
// Places taken (registered, attended, no_show) at each of the meetings that has any.
std::map<long long, int> places_taken(soci::session& session, const std::set<long long>& meeting_ids);

using SourceKey = std::pair<std::string, std::string>;  // source, external_ref
struct BulkRow {
  long long id = 0;                          // 0 for a new row
  const RegistrationInput* input = nullptr;  // source and external_ref set
  std::string status;
};
// One multi-row INSERT of new rows (without workshops); their ids by key.
std::map<SourceKey, long long> insert_many(soci::session& session, const std::vector<BulkRow>& rows);
// One multi-row upsert of the writable fields of stored rows (id set; status and meeting unchanged),
// version + 1.
void update_many(soci::session& session, const std::vector<BulkRow>& rows);
// Replaces the workshop choices of the registrations in cleared, then adds rows (registration,
// agenda item), each in one statement.
void replace_workshops(soci::session& session, const std::set<long long>& cleared,
                       const std::vector<std::pair<long long, long long>>& rows);

}  // namespace zusammen::service::registration_repository
