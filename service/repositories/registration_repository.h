#pragma once

#include <soci/soci.h>

#include <map>
#include <optional>
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

}  // namespace zusammen::service::registration_repository
