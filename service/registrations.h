// People attending meetings: capacity, waiting list and promotion, in one transaction per write.
// Registrations are personal data: the api layer lets only registrations:* keys near them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/changes.h"
#include "service/database.h"
#include "service/model/listing.h"
#include "service/model/registration.h"
#include "service/status.h"

namespace zusammen::service {

// Inside the caller's transaction: deletes the registration (locking its meeting first, as every
// capacity decision does) and gives a place it held to the waiting list. The tombstone and the
// promotions are appended to changes, for the caller to record. RegistrationService::remove and the
// erasure of a person (service/people.h) both go through here.
Status remove_registration(soci::session& sql, long long id, std::optional<int> expected_version,
                           std::vector<ChangeRef>& changes);

class RegistrationService {
 public:
  explicit RegistrationService(Pool& pool) : pool_(pool) {}

  Result<Page<Registration>> list(const RegistrationFilter& filter, const PageRequest& page);
  // Every matching row in the page's sort order (at most kMaxExportRows; more is a validation error).
  Result<std::vector<Registration>> export_all(const RegistrationFilter& filter, const Sort& sort);
  Result<Registration> get(long long id);
  // A full meeting or chosen workshop makes the new registration waitlisted. A second email for the
  // meeting is already_exists with existing_id; a meeting closed for registration failed_precondition.
  Result<Registration> create(const RegistrationInput& input);
  // Applies a status transition and field changes; cancelling a place promotes from the waiting list.
  Result<Registration> update(long long id, int expected_version, const RegistrationInput& input);
  // Removing a registration that held a place promotes from the waiting list.
  Status remove(long long id, std::optional<int> expected_version);
  Result<MeetingStats> stats(long long meeting_id);
  // Upserts a batch keyed by (source, external_ref) in one transaction with a handful of multi-row
  // statements. items[i] is the read item or the error reading it; every rule is checked before the
  // first write, so a bad item never rolls back the good ones. The status field is the service's:
  // a new item is registered or waitlisted by capacity, an existing one keeps its status.
  Result<std::vector<BulkOutcome>> bulk_upsert(const std::vector<Result<RegistrationInput>>& items);

 private:
  Pool& pool_;
};

}  // namespace zusammen::service
