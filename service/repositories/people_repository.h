// What the service holds about one person, found by email across every meeting, and the
// anonymisation of registrations whose retention has passed (service/people.h).
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "service/model/change.h"
#include "service/model/person.h"

namespace zusammen::service::people_repository {

// The person's registrations (every meeting, every status), by meeting then id.
std::vector<Registration> registrations_of(soci::session& session, const std::string& email_key);
// Title and start of these meetings, by id.
std::vector<PersonMeeting> meetings(soci::session& session, const std::vector<long long>& ids);
// Stored Idempotency-Key answers that hold one of these addresses (case-insensitively) or name one of
// these registrations in their Location.
std::vector<PersonIdempotencyRecord> idempotency_records(soci::session& session, const std::vector<std::string>& emails,
                                                         const std::vector<long long>& registration_ids);
// Deletes them; the number deleted.
long long erase_idempotency_records(soci::session& session, const std::vector<std::string>& emails,
                                    const std::vector<long long>& registration_ids);
// The change feed's entries about these registrations, in feed order.
std::vector<Change> changes_of(soci::session& session, const std::vector<long long>& registration_ids);

struct Expired {
  long long id = 0;
  std::string email;
};
// Up to limit registrations, not yet anonymised, whose retention has passed (locked).
std::vector<Expired> expired(soci::session& session, const RetentionPolicy& policy, int limit);
// Replaces the personal fields by placeholders and stamps anonymized_at (version + 1).
void anonymise(soci::session& session, const std::vector<long long>& ids);

}  // namespace zusammen::service::people_repository
