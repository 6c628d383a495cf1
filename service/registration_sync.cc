// The bulk sync of registrations (POST /v1/registrations/bulk): a batch keyed by (source,
// external_ref), every rule checked in memory against what a handful of statements read, then a
// handful of multi-row writes. The rules are those of service/registrations.cc.
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <set>

#include "service/changes.h"
#include "service/registration_rules.h"
#include "service/registrations.h"
#include "service/repositories/meeting_repository.h"
#include "service/repositories/registration_repository.h"

namespace zusammen::service {

namespace repo = registration_repository;
using registration_rules::duplicate_email;
using registration_rules::promote_waiting;
using repo::EmailSlot;
using repo::SourceKey;

namespace {

Error bulk_invalid(std::string field, std::string message) {
  return Error::validation({{std::move(field), std::move(message)}});
}

// The registration's writable fields with the stored status (bulk never sets status) and the
// workshops in stored order, to compare with what is stored.
RegistrationInput comparable(RegistrationInput input, const std::string& status) {
  input.status = status;
  std::sort(input.workshop_ids.begin(), input.workshop_ids.end());
  return input;
}

}  // namespace

Result<std::vector<BulkOutcome>> RegistrationService::bulk_upsert(const std::vector<Result<RegistrationInput>>& items) {
  const std::size_t n = items.size();
  std::vector<BulkOutcome> initial(n);
  std::map<SourceKey, std::size_t> first_of_key;
  for (std::size_t i = 0; i < n; ++i) {
    if (!items[i].ok()) {
      initial[i] = {"error", 0, items[i].error()};
      continue;
    }
    const auto& input = *items[i];
    std::vector<FieldError> errors;
    if (!input.source) errors.push_back({"/source", "is required in a bulk item"});
    if (!input.external_ref) errors.push_back({"/external_ref", "is required in a bulk item"});
    if (!errors.empty()) {
      initial[i] = {"error", 0, Error::validation(std::move(errors))};
      continue;
    }
    auto [at, inserted] = first_of_key.emplace(SourceKey{*input.source, *input.external_ref}, i);
    if (!inserted) {
      initial[i] = {"error", 0,
                    bulk_invalid("/external_ref", "repeats the source and external_ref of item " +
                                                      std::to_string(at->second) + " of this batch")};
    }
  }

  return in_transaction<std::vector<BulkOutcome>>(pool_, [&](soci::session& db) -> Result<std::vector<BulkOutcome>> {
    std::vector<BulkOutcome> out = initial;
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < n; ++i) {
      if (out[i].status != "error") live.push_back(i);
    }
    if (live.empty()) return out;

    // 1. The meetings, locked in id order: the lock every capacity decision of theirs takes.
    std::set<long long> meeting_ids;
    std::set<long long> company_ids;
    std::set<long long> workshop_ids;
    std::set<std::string> email_keys;
    for (std::size_t i : live) {
      meeting_ids.insert(items[i]->meeting_id);
      if (items[i]->company_id) company_ids.insert(*items[i]->company_id);
      workshop_ids.insert(items[i]->workshop_ids.begin(), items[i]->workshop_ids.end());
      email_keys.insert(email_key(items[i]->email));
    }
    auto meetings = repo::lock_meetings(db, meeting_ids);

    // 2. The stored registrations of these keys, grouped by source so the unique index serves.
    std::map<std::string, std::vector<std::string>> refs_by_source;
    for (std::size_t i : live) refs_by_source[*items[i]->source].push_back(*items[i]->external_ref);
    std::map<SourceKey, Registration> existing;
    for (auto& row : repo::lock_by_source(db, refs_by_source)) {
      workshop_ids.insert(row.workshop_ids.begin(), row.workshop_ids.end());
      existing.emplace(SourceKey{*row.source, *row.external_ref}, std::move(row));
    }

    // 3. Relations, emails and fill, each in one statement.
    auto companies = repo::existing_companies(db, company_ids);
    auto workshops = repo::workshop_seats(db, workshop_ids);
    auto email_owner = repo::email_owners(db, meeting_ids, email_keys);
    auto taken = repo::places_taken(db, meeting_ids);

    // 4. Every rule, item by item in order, before any write.
    std::vector<std::pair<std::size_t, std::string>> creates;  // index, status
    std::vector<std::size_t> updates;
    std::map<EmailSlot, std::size_t> claimed;  // emails new or changed in this batch, by the item claiming them
    std::set<long long> promote_in;
    for (std::size_t i : live) {
      const RegistrationInput& input = *items[i];
      auto found = existing.find({*input.source, *input.external_ref});
      const Registration* current = found == existing.end() ? nullptr : &found->second;
      auto meeting = meetings.find(input.meeting_id);
      std::vector<FieldError> errors;
      if (meeting == meetings.end()) errors.push_back({"/meeting_id", "does not refer to an existing meeting"});
      if (current && current->meeting_id != input.meeting_id) {
        errors.push_back(
            {"/meeting_id", "cannot be changed; cancel this registration and register for the other meeting"});
      }
      if (input.company_id && !companies.contains(*input.company_id)) {
        errors.push_back({"/company_id", "does not refer to an existing company"});
      }
      for (std::size_t k = 0; k < input.workshop_ids.size(); ++k) {
        auto w = workshops.find(input.workshop_ids[k]);
        if (w == workshops.end() || w->second.meeting_id != input.meeting_id) {
          errors.push_back({"/workshop_ids/" + std::to_string(k),
                            "is not a workshop on the agenda of meeting " + std::to_string(input.meeting_id)});
        }
      }
      if (!errors.empty()) {
        out[i] = {"error", 0,
                  Error{ErrorCode::validation_failed, "The registration refers to something that does not exist.",
                        std::move(errors)}};
        continue;
      }
      if (current && comparable(input, current->status) == static_cast<const RegistrationInput&>(*current)) {
        out[i] = {"unchanged", current->id, std::nullopt};
        continue;
      }
      long long self = current ? current->id : 0;
      EmailSlot slot{input.meeting_id, email_key(input.email)};
      if (auto owner = email_owner.find(slot); owner != email_owner.end() && owner->second != self) {
        out[i] = {"error", 0, duplicate_email(input.meeting_id, owner->second)};
        continue;
      }
      if (auto other = claimed.find(slot); other != claimed.end()) {
        // Filled in with the other item's id once it is written.
        out[i] = {"error", 0, duplicate_email(input.meeting_id, static_cast<long long>(other->second))};
        out[i].id = -1;
        continue;
      }
      std::vector<long long> added;
      for (long long w : input.workshop_ids) {
        if (!current ||
            std::find(current->workshop_ids.begin(), current->workshop_ids.end(), w) == current->workshop_ids.end()) {
          added.push_back(w);
        }
      }
      // Every chosen workshop is in workshops: an unknown one failed the relation check above.
      auto has_seat = [&](long long w) {
        const auto& seats = workshops.at(w);
        return !seats.capacity || seats.taken < *seats.capacity;
      };
      if (current) {
        if (holds_place(current->status)) {
          auto full = std::find_if(added.begin(), added.end(), [&](long long w) { return !has_seat(w); });
          if (full != added.end()) {
            out[i] = {"error", 0, bulk_invalid("/workshop_ids", "workshop " + std::to_string(*full) + " is full")};
            continue;
          }
          for (long long w : added) ++workshops.at(w).taken;
          for (long long w : current->workshop_ids) {
            if (std::find(input.workshop_ids.begin(), input.workshop_ids.end(), w) == input.workshop_ids.end()) {
              if (auto seats = workshops.find(w); seats != workshops.end()) --seats->second.taken;
              if (current->status == "registered") promote_in.insert(input.meeting_id);
            }
          }
        }
        updates.push_back(i);
        out[i] = {"updated", current->id, std::nullopt};
      } else {
        if (!meeting->second.open) {
          out[i] = {"error", 0,
                    Error{ErrorCode::failed_precondition,
                          "Registration for meeting " + std::to_string(input.meeting_id) + " is closed.",
                          {}}};
          continue;
        }
        bool room = (!meeting->second.capacity || taken[input.meeting_id] < *meeting->second.capacity) &&
                    std::all_of(input.workshop_ids.begin(), input.workshop_ids.end(), has_seat);
        if (room) {
          ++taken[input.meeting_id];
          for (long long w : input.workshop_ids) ++workshops.at(w).taken;
        }
        creates.emplace_back(i, room ? "registered" : "waitlisted");
        out[i] = {"created", 0, std::nullopt};
      }
      claimed.emplace(slot, i);
    }

    // 5. The writes: one multi-row INSERT for the new, one for the changed (upsert on the primary key),
    // the workshop choices replaced in two statements, the change feed in one call.
    std::vector<ChangeRef> changes;
    std::vector<std::pair<long long, long long>> workshop_rows;
    std::set<long long> replaced_workshops;
    std::vector<repo::BulkRow> rows;
    rows.reserve(std::max(creates.size(), updates.size()));
    for (const auto& [i, status] : creates) rows.push_back({0, &*items[i], status});
    auto ids = repo::insert_many(db, rows);
    for (const auto& [i, status] : creates) {
      out[i].id = ids.at({*items[i]->source, *items[i]->external_ref});
      changes.push_back({"registration", out[i].id, ChangeOp::upsert});
      for (long long w : items[i]->workshop_ids) workshop_rows.emplace_back(out[i].id, w);
    }
    rows.clear();
    for (std::size_t i : updates) {
      const Registration& current = existing.at({*items[i]->source, *items[i]->external_ref});
      rows.push_back({current.id, &*items[i], current.status});
      replaced_workshops.insert(current.id);
      changes.push_back({"registration", current.id, ChangeOp::upsert});
      for (long long w : items[i]->workshop_ids) workshop_rows.emplace_back(current.id, w);
    }
    repo::update_many(db, rows);
    repo::replace_workshops(db, replaced_workshops, workshop_rows);
    for (long long meeting_id : promote_in) {
      if (auto meeting = meeting_repository::find(db, meeting_id)) promote_waiting(db, *meeting, changes);
    }
    // Duplicates within the batch name the id the first item got.
    for (std::size_t i = 0; i < n; ++i) {
      if (out[i].status == "error" && out[i].id == -1) {
        out[i].error->existing_id = out[static_cast<std::size_t>(*out[i].error->existing_id)].id;
        out[i].id = 0;
      }
    }
    if (!changes.empty()) record_changes(db, changes);
    return out;
  });
}

}  // namespace zusammen::service
