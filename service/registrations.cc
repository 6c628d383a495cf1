#include "service/registrations.h"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "service/changes.h"
#include "service/meetings.h"
#include "service/registration_rules.h"
#include "service/repositories/meeting_repository.h"
#include "service/repositories/registration_repository.h"
#include "service/validation.h"

namespace zusammen::service {

namespace repo = registration_repository;
using registration_rules::duplicate_email;
using registration_rules::promote_waiting;

std::vector<FieldError> validate(const RegistrationInput& g) {
  Validator v;
  v.at_least("/meeting_id", g.meeting_id, 1);
  v.text("/first_name", g.first_name, 100);
  v.text("/last_name", g.last_name, 100);
  v.email("/email", g.email);
  v.text("/organization", g.organization, 200);
  if (g.company_id) v.at_least("/company_id", *g.company_id, 1);
  v.text("/job_title", g.job_title, 200);
  if (g.workshop_ids.size() > kMaxWorkshopChoices) {
    v.fail("/workshop_ids", "must hold at most " + std::to_string(kMaxWorkshopChoices) + " workshops");
  }
  std::set<long long> seen;
  for (std::size_t i = 0; i < g.workshop_ids.size(); ++i) {
    std::string at = "/workshop_ids/" + std::to_string(i);
    if (g.workshop_ids[i] < 1) {
      v.fail(at, "must be at least 1");
    } else if (!seen.insert(g.workshop_ids[i]).second) {
      v.fail(at, "names a workshop twice");
    }
  }
  v.one_of("/status", g.status, kRegistrationStatuses);
  v.text("/source", g.source, 100);
  v.text("/external_ref", g.external_ref, 100);
  if (g.source && !g.external_ref) v.fail("/external_ref", "is required together with source");
  if (g.external_ref && !g.source) v.fail("/source", "is required together with external_ref");
  v.text("/notes", g.notes, 2000);
  v.date("/retain_until", g.retain_until);
  return v.take();
}

namespace {

Error not_found(long long id) { return Error::not_found("No registration with id " + std::to_string(id) + "."); }

Error changed_concurrently() {
  return {ErrorCode::version_mismatch, "The registration was changed by someone else.", {}};
}

Error duplicate_source(long long existing) {
  Error e{ErrorCode::already_exists,
          "A registration with this source and external_ref exists already; see existing_id.",
          {}};
  e.existing_id = existing;
  return e;
}

// Relations and uniqueness, checked with the meeting locked (so no concurrent write slips between).
std::optional<Error> check_relations(soci::session& sql, const RegistrationInput& input, long long self) {
  std::vector<FieldError> errors;
  if (input.company_id && !repo::company_exists(sql, *input.company_id)) {
    errors.push_back({"/company_id", "does not refer to an existing company"});
  }
  auto foreign = repo::foreign_workshops(sql, input.meeting_id, input.workshop_ids);
  for (std::size_t i = 0; i < input.workshop_ids.size(); ++i) {
    if (std::find(foreign.begin(), foreign.end(), input.workshop_ids[i]) != foreign.end()) {
      errors.push_back({"/workshop_ids/" + std::to_string(i),
                        "is not a workshop on the agenda of meeting " + std::to_string(input.meeting_id)});
    }
  }
  if (!errors.empty()) {
    return Error{ErrorCode::validation_failed, "The registration refers to something that does not exist.",
                 std::move(errors)};
  }
  if (auto existing = repo::find_by_email(sql, input.meeting_id, email_key(input.email), self)) {
    return duplicate_email(input.meeting_id, *existing);
  }
  if (input.source && input.external_ref) {
    if (auto existing = repo::find_by_source(sql, *input.source, *input.external_ref, self)) {
      return duplicate_source(*existing);
    }
  }
  return std::nullopt;
}

// Room for one more place at the meeting and in each of these workshops (self not counted).
bool has_room(soci::session& sql, const Meeting& meeting, const std::vector<long long>& workshops, long long self) {
  if (meeting.capacity && repo::places_taken(sql, meeting.id) >= *meeting.capacity) return false;
  return repo::full_workshops(sql, workshops, self).empty();
}

// A foreign key stopped the write (a company or workshop deleted between check and write).
Result<Registration> name_lost_relation(Result<Registration> result, const RegistrationInput& input) {
  if (result.ok() || result.error().code != ErrorCode::validation_failed || !result.error().errors.empty()) {
    return result;
  }
  std::vector<FieldError> errors;
  if (input.company_id) errors.push_back({"/company_id", "does not refer to an existing company"});
  if (!input.workshop_ids.empty()) errors.push_back({"/workshop_ids", "refers to an agenda item that was deleted"});
  return Error{ErrorCode::validation_failed, "The registration refers to something that does not exist.",
               std::move(errors)};
}

}  // namespace

namespace registration_rules {

Error duplicate_email(long long meeting_id, long long existing) {
  Error e{ErrorCode::already_exists,
          "This email address is registered for meeting " + std::to_string(meeting_id) +
              " already (compared case-insensitively); see existing_id.",
          {}};
  e.existing_id = existing;
  return e;
}

void promote_waiting(soci::session& sql, const Meeting& meeting, std::vector<ChangeRef>& changes) {
  int taken = repo::places_taken(sql, meeting.id);
  for (const auto& waiting : repo::waiting_list(sql, meeting.id)) {
    if (meeting.capacity && taken >= *meeting.capacity) break;
    if (!repo::full_workshops(sql, waiting.workshop_ids).empty()) continue;
    repo::promote(sql, waiting.id);
    ++taken;
    changes.push_back({"registration", waiting.id, ChangeOp::upsert});
  }
}

}  // namespace registration_rules

Result<Page<Registration>> RegistrationService::list(const RegistrationFilter& filter, const PageRequest& page) {
  return with_session<Page<Registration>>(pool_, [&](soci::session& sql) -> Result<Page<Registration>> {
    return make_page(repo::list(sql, filter, page), page);
  });
}

Result<std::vector<Registration>> RegistrationService::export_all(const RegistrationFilter& filter, const Sort& sort) {
  PageRequest page{sort, kMaxExportRows, std::nullopt};
  auto rows = list(filter, page);
  if (!rows.ok()) return rows.error();
  if (rows->next_cursor) {
    return Error{ErrorCode::validation_failed,
                 "More than " + std::to_string(kMaxExportRows) +
                     " registrations match; narrow the export with filters (meeting_id, status, updated_since).",
                 {}};
  }
  return std::move(rows->items);
}

Result<Registration> RegistrationService::get(long long id) {
  return with_session<Registration>(pool_, [&](soci::session& sql) -> Result<Registration> {
    auto found = repo::find(sql, id);
    if (!found) return not_found(id);
    return std::move(*found);
  });
}

Result<Registration> RegistrationService::create(const RegistrationInput& input) {
  auto errors = validate(input);
  if (input.status != "registered") {
    errors.push_back({"/status",
                      "must be registered (or left out) on a new registration; the service decides "
                      "whether it is waitlisted"});
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Registration>(pool_, [&](soci::session& sql) -> Result<Registration> {
    // The meeting row is the lock that serialises every capacity decision of its registrations.
    auto meeting = meeting_repository::find(sql, input.meeting_id, true);
    if (!meeting) {
      return Error{ErrorCode::validation_failed,
                   "The registration refers to something that does not exist.",
                   {{"/meeting_id", "does not refer to an existing meeting"}}};
    }
    if (auto error = check_relations(sql, input, 0)) return *error;
    if (!meeting->registration_open) {
      return Error{ErrorCode::failed_precondition,
                   "Registration for meeting " + std::to_string(meeting->id) + " is closed.",
                   {}};
    }
    std::string status = has_room(sql, *meeting, input.workshop_ids, 0) ? "registered" : "waitlisted";
    long long id = repo::insert(sql, input, status);
    auto registration = *repo::find(sql, id);
    record_change(sql, "registration", id, ChangeOp::upsert);
    return registration;
  });
  return name_lost_relation(std::move(created), input);
}

Result<Registration> RegistrationService::update(long long id, int expected_version, const RegistrationInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto updated = in_transaction<Registration>(pool_, [&](soci::session& sql) -> Result<Registration> {
    auto meeting_id = repo::meeting_of(sql, id);
    if (!meeting_id) return not_found(id);
    auto meeting = meeting_repository::find(sql, *meeting_id, true);
    auto current = repo::find(sql, id, true);
    if (!meeting || !current) return not_found(id);
    if (current->version != expected_version) return changed_concurrently();
    if (input.meeting_id != current->meeting_id) {
      return Error::validation(
          {{"/meeting_id", "cannot be changed; cancel this registration and register for the other meeting"}});
    }
    if (auto error = check_relations(sql, input, id)) return *error;
    const std::string& from = current->status;
    const std::string& to = input.status;
    if (!is_allowed_transition(from, to)) {
      return Error::validation({{"/status", "cannot change from " + from + " to " + to}});
    }
    if (from != to && (to == "attended" || to == "no_show") && !repo::meeting_started(sql, meeting->id)) {
      return Error::validation({{"/status", "can be " + to + " only once the meeting has started"}});
    }
    if (from != to && to == "registered" && !has_room(sql, *meeting, input.workshop_ids, id)) {
      return Error::validation({{"/status", "cannot be registered: the meeting or a chosen workshop is full"}});
    }
    if (from == to && holds_place(to)) {
      std::vector<long long> added;
      for (long long w : input.workshop_ids) {
        if (std::find(current->workshop_ids.begin(), current->workshop_ids.end(), w) == current->workshop_ids.end()) {
          added.push_back(w);
        }
      }
      if (auto full = repo::full_workshops(sql, added, id); !full.empty()) {
        return Error::validation({{"/workshop_ids", "workshop " + std::to_string(full.front()) + " is full"}});
      }
    }
    if (!repo::update(sql, id, expected_version, input, to)) return changed_concurrently();
    std::vector<ChangeRef> changes = {{"registration", id, ChangeOp::upsert}};
    // A freed place (or workshop seat) goes to the waiting list.
    bool dropped_workshop = std::any_of(current->workshop_ids.begin(), current->workshop_ids.end(), [&](long long w) {
      return std::find(input.workshop_ids.begin(), input.workshop_ids.end(), w) == input.workshop_ids.end();
    });
    if (from == "registered" && (to == "cancelled" || dropped_workshop)) promote_waiting(sql, *meeting, changes);
    auto registration = *repo::find(sql, id);
    record_changes(sql, changes);
    return registration;
  });
  return name_lost_relation(std::move(updated), input);
}

Status remove_registration(soci::session& sql, long long id, std::optional<int> expected_version,
                           std::vector<ChangeRef>& changes) {
  auto meeting_id = repo::meeting_of(sql, id);
  if (!meeting_id) return not_found(id);
  auto meeting = meeting_repository::find(sql, *meeting_id, true);
  auto current = repo::find(sql, id, true);
  if (!meeting || !current) return not_found(id);
  if (expected_version && current->version != *expected_version) return changed_concurrently();
  repo::erase(sql, id);
  changes.push_back({"registration", id, ChangeOp::remove});
  if (current->status == "registered") promote_waiting(sql, *meeting, changes);
  return ok_status();
}

Status RegistrationService::remove(long long id, std::optional<int> expected_version) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    std::vector<ChangeRef> changes;
    if (Status removed = remove_registration(sql, id, expected_version, changes); !removed.ok()) {
      return removed.error();
    }
    record_changes(sql, changes);
    return Unit{};
  });
}

Result<MeetingStats> RegistrationService::stats(long long meeting_id) {
  // One transaction: every figure comes from the same snapshot, so they add up.
  return in_transaction<MeetingStats>(pool_, [&](soci::session& sql) -> Result<MeetingStats> {
    auto meeting = meeting_repository::find(sql, meeting_id);
    if (!meeting) return Error::not_found("No meeting with id " + std::to_string(meeting_id) + ".");
    MeetingStats stats;
    stats.meeting_id = meeting_id;
    stats.capacity = meeting->capacity;
    for (auto status : kRegistrationStatuses) stats.by_status[std::string(status)] = 0;
    for (const auto& [status, count] : repo::count_by_status(sql, meeting_id)) {
      stats.by_status[status] = count;
      stats.total += count;
    }
    stats.by_company = repo::count_by_company(sql, meeting_id);
    stats.workshops = repo::workshop_fill(sql, meeting_id);
    return stats;
  });
}

}  // namespace zusammen::service
