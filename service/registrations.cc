#include "service/registrations.h"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "service/changes.h"
#include "service/meetings.h"
#include "service/repositories/id_list.h"
#include "service/repositories/meeting_repository.h"
#include "service/repositories/registration_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kRegistrationStatuses = {"registered", "waitlisted", "cancelled", "attended",
                                                             "no_show"};
const std::vector<SortKey> kRegistrationSortKeys = {
    {"created_at", "r.created_at"}, {"last_name", "r.last_name"}, {"updated_at", "r.updated_at"}};

namespace repo = registration_repository;

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

bool holds_place(std::string_view status) {
  return status == "registered" || status == "attended" || status == "no_show";
}

bool is_allowed_transition(std::string_view from, std::string_view to) {
  if (from == to) return true;
  if (from == "registered") return to == "cancelled" || to == "attended" || to == "no_show";
  if (from == "waitlisted") return to == "cancelled" || to == "registered";
  if (from == "cancelled") return to == "registered" || to == "waitlisted";
  if (from == "attended") return to == "no_show";
  if (from == "no_show") return to == "attended";
  return false;
}

std::string email_key(std::string_view email) {
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

namespace {

Error not_found(long long id) { return Error::not_found("No registration with id " + std::to_string(id) + "."); }

Error changed_concurrently() {
  return {ErrorCode::version_mismatch, "The registration was changed by someone else.", {}};
}

Error duplicate_email(long long meeting_id, long long existing) {
  Error e{ErrorCode::already_exists,
          "This email address is registered for meeting " + std::to_string(meeting_id) +
              " already (compared case-insensitively); see existing_id.",
          {}};
  e.existing_id = existing;
  return e;
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

// Fills freed places from the waiting list, oldest first; a waiting registration whose workshops are
// still full is passed over for a later one whose workshops have room.
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

// --- bulk sync -----------------------------------------------------------------------------------

namespace {

// Runs a statement whose '?' take values in order (all bound as text; NULLs are written as NULL).
void run_bound(soci::session& sql, const std::string& text, const std::vector<std::string>& values) {
  // SOCI names its placeholders: each '?' becomes :b0, :b1, ... (the text holds no other '?').
  std::string named;
  std::size_t next = 0;
  for (char c : text) {
    if (c == '?') {
      named += ":b" + std::to_string(next++);
    } else {
      named += c;
    }
  }
  soci::details::prepare_temp_type prepared = (sql.prepare << named);
  for (const auto& value : values) prepared, soci::use(value);
  soci::statement statement(prepared);
  statement.execute(true);
}

// "?" for a value (appended to values), NULL for none.
std::string placeholder(std::vector<std::string>& values, const std::optional<std::string>& value) {
  if (!value) return "NULL";
  values.push_back(*value);
  return "?";
}

struct BulkMeeting {
  std::optional<int> capacity;
  bool open = false;
};

using SourceKey = std::pair<std::string, std::string>;
using EmailSlot = std::pair<long long, std::string>;

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
    std::map<long long, BulkMeeting> meetings;
    sql::Query(std::string("SELECT id, capacity, registration_open FROM meetings WHERE id IN (") +
               sql::id_list(meeting_ids) + ") ORDER BY id FOR UPDATE")
        .for_each(db, [&](const soci::row& r) {
          meetings[r.get<long long>(0)] = {r.get<std::optional<int>>(1), r.get<int>(2) != 0};
        });

    // 2. The stored registrations of these keys, grouped by source so the unique index serves.
    std::map<std::string, std::vector<std::string>> refs_by_source;
    for (std::size_t i : live) refs_by_source[*items[i]->source].push_back(*items[i]->external_ref);
    std::map<SourceKey, Registration> existing;
    {
      auto query = repo::select_query();
      std::string condition;
      std::vector<std::string> values;
      for (const auto& [source, refs] : refs_by_source) {
        condition += std::string(condition.empty() ? "" : " OR ") + "(r.source = ? AND r.external_ref IN (";
        values.push_back(source);
        for (std::size_t k = 0; k < refs.size(); ++k) {
          condition += k == 0 ? "?" : ",?";
          values.push_back(refs[k]);
        }
        condition += "))";
      }
      query.where(condition, values);
      query.append(" FOR UPDATE");
      std::vector<Registration> rows;
      for (auto& row : repo::fetch(db, query)) rows.push_back(std::move(row.first));
      repo::attach_workshops(db, rows);
      for (auto& row : rows) {
        for (long long w : row.workshop_ids) workshop_ids.insert(w);
        existing.emplace(SourceKey{*row.source, *row.external_ref}, std::move(row));
      }
    }

    // 3. Relations, emails and fill, each in one statement.
    std::set<long long> companies;
    if (!company_ids.empty()) {
      sql::Query("SELECT id FROM companies WHERE id IN (" + sql::id_list(company_ids) + ")")
          .for_each(db, [&](const soci::row& r) { companies.insert(r.get<long long>(0)); });
    }
    std::map<long long, long long> workshop_meeting;
    std::map<long long, std::optional<int>> workshop_capacity;
    std::map<long long, int> workshop_taken;
    if (!workshop_ids.empty()) {
      sql::Query(
          "SELECT a.id, a.meeting_id, a.capacity, (SELECT COUNT(*) FROM registration_workshops w JOIN "
          "registrations r ON r.id = w.registration_id WHERE w.agenda_item_id = a.id AND r.status IN "
          "('registered', 'attended', 'no_show')) FROM agenda_items a WHERE a.kind = 'workshop' AND a.id IN (" +
          sql::id_list(workshop_ids) + ")")
          .for_each(db, [&](const soci::row& r) {
            long long id = r.get<long long>(0);
            workshop_meeting[id] = r.get<long long>(1);
            workshop_capacity[id] = r.get<std::optional<int>>(2);
            workshop_taken[id] = static_cast<int>(r.get<long long>(3));
          });
    }
    std::map<EmailSlot, long long> email_owner;
    {
      sql::Query query("SELECT meeting_id, email_key, id FROM registrations");
      query.where("meeting_id IN (" + sql::id_list(meeting_ids) + ")");
      std::string in;
      std::vector<std::string> keys(email_keys.begin(), email_keys.end());
      for (std::size_t k = 0; k < keys.size(); ++k) in += k == 0 ? "?" : ",?";
      query.where("email_key IN (" + in + ")", keys);
      query.for_each(db, [&](const soci::row& r) {
        email_owner[{r.get<long long>(0), r.get<std::string>(1)}] = r.get<long long>(2);
      });
    }
    std::map<long long, int> taken;
    sql::Query("SELECT meeting_id, COUNT(*) FROM registrations WHERE meeting_id IN (" + sql::id_list(meeting_ids) +
               ") AND status IN ('registered', 'attended', 'no_show') GROUP BY meeting_id")
        .for_each(db, [&](const soci::row& r) { taken[r.get<long long>(0)] = static_cast<int>(r.get<long long>(1)); });

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
        auto w = workshop_meeting.find(input.workshop_ids[k]);
        if (w == workshop_meeting.end() || w->second != input.meeting_id) {
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
      auto has_seat = [&](long long w) { return !workshop_capacity[w] || workshop_taken[w] < *workshop_capacity[w]; };
      if (current) {
        if (holds_place(current->status)) {
          auto full = std::find_if(added.begin(), added.end(), [&](long long w) { return !has_seat(w); });
          if (full != added.end()) {
            out[i] = {"error", 0, bulk_invalid("/workshop_ids", "workshop " + std::to_string(*full) + " is full")};
            continue;
          }
          for (long long w : added) ++workshop_taken[w];
          for (long long w : current->workshop_ids) {
            if (std::find(input.workshop_ids.begin(), input.workshop_ids.end(), w) == input.workshop_ids.end()) {
              --workshop_taken[w];
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
          for (long long w : input.workshop_ids) ++workshop_taken[w];
        }
        creates.emplace_back(i, room ? "registered" : "waitlisted");
        out[i] = {"created", 0, std::nullopt};
      }
      claimed.emplace(slot, i);
    }

    // 5. The writes: one multi-row INSERT for the new, one for the changed (upsert on the primary key),
    // the workshop choices replaced in two statements, the change feed in one call.
    auto row_values = [](std::vector<std::string>& values, const RegistrationInput& g, const std::string& status) {
      std::string text = "(?, ?, ?, ?, ?, ";
      values.push_back(std::to_string(g.meeting_id));
      values.push_back(g.first_name);
      values.push_back(g.last_name);
      values.push_back(g.email);
      values.push_back(email_key(g.email));
      text += placeholder(values, g.organization) + ", ";
      text +=
          placeholder(values, g.company_id ? std::optional<std::string>(std::to_string(*g.company_id)) : std::nullopt) +
          ", ";
      text += placeholder(values, g.job_title) + ", ?, ?, ?, ";
      values.push_back(status);
      values.push_back(*g.source);
      values.push_back(*g.external_ref);
      text += placeholder(values, g.notes) + ", " + placeholder(values, g.retain_until) + ")";
      return text;
    };
    constexpr const char* kColumnsList =
        "meeting_id, first_name, last_name, email, email_key, organization, company_id, job_title, status, source, "
        "external_ref, notes, retain_until";
    std::vector<ChangeRef> changes;
    std::vector<std::pair<long long, long long>> workshop_rows;
    std::set<long long> replaced_workshops;
    if (!creates.empty()) {
      std::string text = std::string("INSERT INTO registrations (") + kColumnsList + ") VALUES ";
      std::vector<std::string> values;
      for (std::size_t k = 0; k < creates.size(); ++k) {
        if (k != 0) text += ", ";
        text += row_values(values, *items[creates[k].first], creates[k].second);
      }
      run_bound(db, text, values);
      // The new ids by key (one statement; no reliance on consecutive auto-increment values).
      std::map<SourceKey, long long> ids;
      std::string condition;
      std::vector<std::string> keys;
      for (auto [i, status] : creates) {
        condition += std::string(condition.empty() ? "" : " OR ") + "(source = ? AND external_ref = ?)";
        keys.push_back(*items[i]->source);
        keys.push_back(*items[i]->external_ref);
      }
      sql::Query query("SELECT source, external_ref, id FROM registrations");
      query.where(condition, keys);
      query.for_each(db, [&](const soci::row& r) {
        ids[{r.get<std::string>(0), r.get<std::string>(1)}] = r.get<long long>(2);
      });
      for (auto [i, status] : creates) {
        out[i].id = ids.at({*items[i]->source, *items[i]->external_ref});
        changes.push_back({"registration", out[i].id, ChangeOp::upsert});
        for (long long w : items[i]->workshop_ids) workshop_rows.emplace_back(out[i].id, w);
      }
    }
    if (!updates.empty()) {
      std::string text = std::string("INSERT INTO registrations (id, ") + kColumnsList + ") VALUES ";
      std::vector<std::string> values;
      for (std::size_t k = 0; k < updates.size(); ++k) {
        std::size_t i = updates[k];
        const Registration& current = existing.at({*items[i]->source, *items[i]->external_ref});
        values.push_back(std::to_string(current.id));
        std::string row = row_values(values, *items[i], current.status);
        if (k != 0) text += ", ";
        text += "(?, ";
        text += row.substr(1);
        replaced_workshops.insert(current.id);
        changes.push_back({"registration", current.id, ChangeOp::upsert});
        for (long long w : items[i]->workshop_ids) workshop_rows.emplace_back(current.id, w);
      }
      text +=
          " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name), last_name = VALUES(last_name), "
          "email = VALUES(email), email_key = VALUES(email_key), organization = VALUES(organization), "
          "company_id = VALUES(company_id), job_title = VALUES(job_title), notes = VALUES(notes), "
          "retain_until = VALUES(retain_until), "
          "version = version + 1, updated_at = CURRENT_TIMESTAMP(6)";
      run_bound(db, text, values);
      db << "DELETE FROM registration_workshops WHERE registration_id IN (" + sql::id_list(replaced_workshops) + ")";
    }
    if (!workshop_rows.empty()) {
      std::string text = "INSERT INTO registration_workshops (registration_id, agenda_item_id) VALUES ";
      for (std::size_t k = 0; k < workshop_rows.size(); ++k) {
        text += (k == 0 ? "(" : ", (") + std::to_string(workshop_rows[k].first) + ", " +
                std::to_string(workshop_rows[k].second) + ")";
      }
      db << text;
    }
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
