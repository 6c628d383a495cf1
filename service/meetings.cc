#include "service/meetings.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "service/changes.h"
#include "service/repositories/agenda_repository.h"
#include "service/repositories/meeting_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kMeetingKinds = {"network_meeting", "workshop", "webinar", "other"};
const std::vector<std::string_view> kMeetingStatuses = {"planned", "confirmed", "cancelled", "held"};
const std::vector<std::string_view> kAgendaItemKinds = {"keynote",    "talk",     "best_case", "panel",
                                                        "discussion", "workshop", "social"};
const std::vector<SortKey> kMeetingSortKeys = {
    {"starts_at", "m.starts_at"}, {"title", "m.title"}, {"created_at", "m.created_at"}, {"updated_at", "m.updated_at"}};

namespace {

constexpr std::string_view kZoneInfo = "/usr/share/zoneinfo";
constexpr std::size_t kMaxTimezoneLength = 64;
// The areas of the IANA database's canonical names (Area/Location), and Etc for Etc/UTC.
const std::vector<std::string_view> kTimezoneAreas = {
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc"};
constexpr int kMaxAgendaCapacity = 100000;
constexpr const char* kTimestampMessage = "must be an RFC 3339 date-time such as 2018-11-13T09:00:00Z";

bool is_zone_segment(std::string_view segment) {
  if (segment.empty() || !std::isalpha(static_cast<unsigned char>(segment.front()))) return false;
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+';
  });
}

bool is_postal_code(const std::string& code) {
  return code.size() == 5 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Both times valid and end after start; the errors name the field at fault.
void check_times(Validator& v, const std::string& starts_at, const std::string& ends_at) {
  bool start_ok = is_valid_timestamp(starts_at);
  bool end_ok = is_valid_timestamp(ends_at);
  if (!start_ok) v.fail("/starts_at", kTimestampMessage);
  if (!end_ok) v.fail("/ends_at", kTimestampMessage);
  if (start_ok && end_ok && to_sql_seconds(ends_at) <= to_sql_seconds(starts_at)) {
    v.fail("/ends_at", "must be after starts_at");
  }
}

void check_capacity(Validator& v, const std::optional<int>& capacity, int maximum) {
  if (!capacity) return;
  v.at_least("/capacity", *capacity, 0);
  if (*capacity > maximum) v.fail("/capacity", "must be at most " + std::to_string(maximum));
}

// "YYYY-MM-DD HH:MM:SS" (as the database compares) back to RFC 3339 for messages.
std::string rfc3339(const std::string& sql_time) {
  std::string out = sql_time;
  if (out.size() > 10) out[10] = 'T';
  return out + "Z";
}

Error meeting_not_found(long long id) { return Error::not_found("No meeting with id " + std::to_string(id) + "."); }

Error agenda_item_not_found(long long meeting_id, long long item_id) {
  return Error::not_found("Meeting " + std::to_string(meeting_id) + " has no agenda item with id " +
                          std::to_string(item_id) + ".");
}

FieldError unknown_host_field() { return {"/host_company_id", "does not refer to an existing company"}; }

Error unknown_host() {
  return {ErrorCode::validation_failed,
          "The meeting refers to a host company that does not exist.",
          {unknown_host_field()}};
}

Error meeting_changed_concurrently() {
  return {ErrorCode::version_mismatch, "The meeting was changed by someone else.", {}};
}

Error item_changed_concurrently() {
  return {ErrorCode::version_mismatch, "The agenda item was changed by someone else.", {}};
}

// The foreign key stopped a write: a host company deleted between check and write.
bool is_lost_relation(const Error& error) { return error.code == ErrorCode::validation_failed && error.errors.empty(); }

// An agenda item lies within its meeting.
std::vector<FieldError> outside_meeting(const AgendaItemInput& item, const Meeting& meeting) {
  std::vector<FieldError> errors;
  if (to_sql_seconds(item.starts_at) < to_sql_seconds(meeting.starts_at)) {
    errors.push_back({"/starts_at", "must not be before the meeting starts (" + meeting.starts_at + ")"});
  }
  if (to_sql_seconds(item.ends_at) > to_sql_seconds(meeting.ends_at)) {
    errors.push_back({"/ends_at", "must not be after the meeting ends (" + meeting.ends_at + ")"});
  }
  return errors;
}

// New meeting times still hold every agenda item.
std::vector<FieldError> agenda_outside(soci::session& sql, long long meeting_id, const MeetingInput& input) {
  std::vector<FieldError> errors;
  auto span = agenda_repository::time_span(sql, meeting_id);
  if (!span) return errors;
  if (span->first < to_sql_seconds(input.starts_at)) {
    errors.push_back({"/starts_at", "must not be after the start of an agenda item (the first starts at " +
                                        rfc3339(span->first) + "); move or delete the item first"});
  }
  if (span->second > to_sql_seconds(input.ends_at)) {
    errors.push_back({"/ends_at", "must not be before the end of an agenda item (the last ends at " +
                                      rfc3339(span->second) + "); move or delete the item first"});
  }
  return errors;
}

}  // namespace

bool is_valid_timezone(std::string_view name) {
  if (name == "UTC") return true;
  if (name.empty() || name.size() > kMaxTimezoneLength) return false;
  std::vector<std::string_view> segments;
  std::string_view rest = name;
  while (true) {
    auto slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (segments.size() < 2 || segments.size() > 3) return false;
  if (std::find(kTimezoneAreas.begin(), kTimezoneAreas.end(), segments.front()) == kTimezoneAreas.end()) {
    return false;
  }
  if (!std::all_of(segments.begin(), segments.end(), is_zone_segment)) return false;
  // With the zone database installed the name must be one of its zones; without it (a slim
  // container image) the shape is all that can be checked.
  std::error_code ec;
  std::filesystem::path root(kZoneInfo);
  if (!std::filesystem::is_directory(root, ec)) return true;
  return std::filesystem::is_regular_file(root / std::string(name), ec);
}

std::string to_sql_seconds(std::string_view rfc3339_time) {
  auto sql = timestamp_to_sql(rfc3339_time);
  if (!sql) return {};
  return sql->substr(0, 19);
}

std::vector<FieldError> validate(const MeetingInput& m) {
  Validator v;
  v.text("/title", m.title, 200);
  v.one_of("/kind", m.kind, kMeetingKinds);
  check_times(v, m.starts_at, m.ends_at);
  if (!is_valid_timezone(m.timezone)) v.fail("/timezone", "must be an IANA time zone name such as Europe/Berlin");
  if (m.venue) {
    v.text("/venue/name", m.venue->name, 200);
    v.text("/venue/street", m.venue->street, 200);
    if (m.venue->postal_code && !is_postal_code(*m.venue->postal_code)) {
      v.fail("/venue/postal_code", "must be a German postal code of 5 digits");
    }
    v.text("/venue/city", m.venue->city, 100);
  }
  if (m.host_company_id) v.at_least("/host_company_id", *m.host_company_id, 1);
  v.text("/description", m.description, 20000);
  check_capacity(v, m.capacity, kMaxMeetingCapacity);
  v.one_of("/status", m.status, kMeetingStatuses);
  return v.take();
}

std::vector<FieldError> validate(const AgendaItemInput& a) {
  Validator v;
  v.one_of("/kind", a.kind, kAgendaItemKinds);
  v.text("/title", a.title, 200);
  v.text("/description", a.description, 20000);
  check_times(v, a.starts_at, a.ends_at);
  v.text("/room", a.room, 100);
  check_capacity(v, a.capacity, kMaxAgendaCapacity);
  if (a.capacity && a.kind != "workshop") v.fail("/capacity", "is only for agenda items of kind workshop");
  if (a.speakers.size() > kMaxSpeakers) {
    v.fail("/speakers", "must have at most " + std::to_string(kMaxSpeakers) + " speakers");
  }
  for (std::size_t i = 0; i < a.speakers.size(); ++i) {
    std::string at = "/speakers/" + std::to_string(i);
    v.text(at + "/name", a.speakers[i].name, 200);
    v.text(at + "/role", a.speakers[i].role, 200);
    v.text(at + "/organization", a.speakers[i].organization, 200);
  }
  return v.take();
}

// --- meetings ---------------------------------------------------------------------------------

Result<Page<Meeting>> MeetingService::list(const MeetingFilter& filter, const PageRequest& page, Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  return with_session<Page<Meeting>>(pool_, [&](soci::session& sql) -> Result<Page<Meeting>> {
    return make_page(meeting_repository::list(sql, filter, page, audience), page);
  });
}

Result<Meeting> MeetingService::get(long long id, Audience audience) {
  return with_session<Meeting>(pool_, [&](soci::session& sql) -> Result<Meeting> {
    auto meeting = meeting_repository::find_visible(sql, id, audience);
    if (!meeting) return meeting_not_found(id);
    return std::move(*meeting);
  });
}

Result<MeetingWithAgenda> MeetingService::get_with_agenda(long long id, Audience audience) {
  // One transaction: the agenda belongs to the meeting as read, not to a later state.
  return in_transaction<MeetingWithAgenda>(pool_, [&](soci::session& sql) -> Result<MeetingWithAgenda> {
    auto meeting = meeting_repository::find_visible(sql, id, audience);
    if (!meeting) return meeting_not_found(id);
    return MeetingWithAgenda{std::move(*meeting), agenda_repository::list(sql, id)};
  });
}

Result<std::vector<MeetingWithAgenda>> MeetingService::list_with_agendas(const MeetingFilter& filter,
                                                                         Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  using Out = std::vector<MeetingWithAgenda>;
  // One transaction: the agendas belong to the meetings as read.
  return in_transaction<Out>(pool_, [&](soci::session& sql) -> Result<Out> {
    PageRequest all{Sort{kMeetingSortKeys.front(), false}, kMaxMeetingsAtOnce, std::nullopt};
    auto rows = meeting_repository::list(sql, filter, all, audience);
    if (rows.size() > static_cast<std::size_t>(kMaxMeetingsAtOnce)) rows.resize(kMaxMeetingsAtOnce);
    Out out;
    out.reserve(rows.size());
    std::vector<long long> ids;
    ids.reserve(rows.size());
    for (auto& row : rows) {
      ids.push_back(row.first.id);
      out.push_back(MeetingWithAgenda{std::move(row.first), {}});
    }
    auto items = agenda_repository::list_of_meetings(sql, ids);
    std::size_t next = 0;  // both ordered: walk the items once, by meeting id
    std::vector<std::size_t> order(out.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
    for (std::size_t index : order) {
      while (next < items.size() && items[next].meeting_id < ids[index]) ++next;
      while (next < items.size() && items[next].meeting_id == ids[index]) {
        out[index].agenda.push_back(std::move(items[next++]));
      }
    }
    return out;
  });
}

Result<Meeting> MeetingService::create(const MeetingInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Meeting>(pool_, [&](soci::session& sql) -> Result<Meeting> {
    if (input.host_company_id && !meeting_repository::company_exists(sql, *input.host_company_id)) {
      return unknown_host();
    }
    long long id = meeting_repository::insert(sql, input);
    auto meeting = meeting_repository::find(sql, id);
    record_change(sql, "meeting", id, ChangeOp::upsert);
    return std::move(*meeting);
  });
  if (!created.ok() && is_lost_relation(created.error())) return unknown_host();
  return created;
}

Result<Meeting> MeetingService::update(long long id, int expected_version, const MeetingInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto updated = in_transaction<Meeting>(pool_, [&](soci::session& sql) -> Result<Meeting> {
    // Locked first, so that no agenda item is added or moved while the new times are checked.
    auto current = meeting_repository::find(sql, id, true);
    if (!current) return meeting_not_found(id);
    if (current->version != expected_version) return meeting_changed_concurrently();
    std::vector<FieldError> errors;
    if (input.host_company_id && !meeting_repository::company_exists(sql, *input.host_company_id)) {
      errors.push_back(unknown_host_field());
    }
    for (auto& e : agenda_outside(sql, id, input)) errors.push_back(std::move(e));
    if (!errors.empty()) return Error::validation(std::move(errors));
    if (!meeting_repository::update(sql, id, expected_version, input)) return meeting_changed_concurrently();
    auto meeting = meeting_repository::find(sql, id);
    record_change(sql, "meeting", id, ChangeOp::upsert);
    return std::move(*meeting);
  });
  if (!updated.ok() && is_lost_relation(updated.error())) return unknown_host();
  return updated;
}

Status MeetingService::remove(long long id, std::optional<int> expected_version) {
  auto removed = in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto meeting = meeting_repository::find(sql, id, true);
    if (!meeting) return meeting_not_found(id);
    if (expected_version && meeting->version != *expected_version) return meeting_changed_concurrently();
    // The agenda goes with the meeting (the foreign key cascades); the change feed hears of each item.
    std::vector<ChangeRef> changes = {{"meeting", id, ChangeOp::remove}};
    for (long long item_id : agenda_repository::ids_of_meeting(sql, id)) {
      changes.push_back({"agenda_item", item_id, ChangeOp::remove});
    }
    meeting_repository::erase(sql, id);
    record_changes(sql, changes);
    return Unit{};
  });
  if (!removed.ok() && removed.error().code == ErrorCode::failed_precondition) {
    return Error{ErrorCode::failed_precondition,
                 "Other records (such as testimonials) still refer to the meeting; unlink them first.",
                 {}};
  }
  return removed;
}

// --- agenda -----------------------------------------------------------------------------------

Result<std::vector<AgendaItem>> MeetingService::agenda(long long meeting_id, Audience audience) {
  return in_transaction<std::vector<AgendaItem>>(pool_, [&](soci::session& sql) -> Result<std::vector<AgendaItem>> {
    if (!meeting_repository::find_visible(sql, meeting_id, audience)) return meeting_not_found(meeting_id);
    return agenda_repository::list(sql, meeting_id);
  });
}

Result<AgendaItem> MeetingService::get_agenda_item(long long meeting_id, long long item_id, Audience audience) {
  return with_session<AgendaItem>(pool_, [&](soci::session& sql) -> Result<AgendaItem> {
    if (!meeting_repository::find_visible(sql, meeting_id, audience)) return meeting_not_found(meeting_id);
    auto item = agenda_repository::find(sql, meeting_id, item_id);
    if (!item) return agenda_item_not_found(meeting_id, item_id);
    return std::move(*item);
  });
}

Result<AgendaItem> MeetingService::add_agenda_item(long long meeting_id, const AgendaItemInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  return in_transaction<AgendaItem>(pool_, [&](soci::session& sql) -> Result<AgendaItem> {
    // Locked: the meeting's times cannot change under the check.
    auto meeting = meeting_repository::find(sql, meeting_id, true);
    if (!meeting) return meeting_not_found(meeting_id);
    if (auto errors = outside_meeting(input, *meeting); !errors.empty()) return Error::validation(std::move(errors));
    long long id = agenda_repository::insert(sql, meeting_id, input);
    auto item = agenda_repository::find(sql, meeting_id, id);
    record_change(sql, "agenda_item", id, ChangeOp::upsert);
    return std::move(*item);
  });
}

Result<AgendaItem> MeetingService::update_agenda_item(long long meeting_id, long long item_id, int expected_version,
                                                      const AgendaItemInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  return in_transaction<AgendaItem>(pool_, [&](soci::session& sql) -> Result<AgendaItem> {
    auto meeting = meeting_repository::find(sql, meeting_id, true);
    if (!meeting) return meeting_not_found(meeting_id);
    auto current = agenda_repository::find(sql, meeting_id, item_id, true);
    if (!current) return agenda_item_not_found(meeting_id, item_id);
    if (current->version != expected_version) return item_changed_concurrently();
    if (auto errors = outside_meeting(input, *meeting); !errors.empty()) return Error::validation(std::move(errors));
    if (!agenda_repository::update(sql, meeting_id, item_id, expected_version, input)) {
      return item_changed_concurrently();
    }
    auto item = agenda_repository::find(sql, meeting_id, item_id);
    record_change(sql, "agenda_item", item_id, ChangeOp::upsert);
    return std::move(*item);
  });
}

Status MeetingService::remove_agenda_item(long long meeting_id, long long item_id,
                                          std::optional<int> expected_version) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto item = agenda_repository::find(sql, meeting_id, item_id, true);
    if (!item) {
      if (!meeting_repository::find(sql, meeting_id)) return meeting_not_found(meeting_id);
      return agenda_item_not_found(meeting_id, item_id);
    }
    if (expected_version && item->version != *expected_version) return item_changed_concurrently();
    // The registrations that chose this workshop lose it (the join rows cascade): they changed too.
    std::vector<ChangeRef> changes;
    for (long long registration : agenda_repository::touch_registrations_choosing(sql, item_id)) {
      changes.push_back({"registration", registration, ChangeOp::upsert});
    }
    agenda_repository::erase(sql, meeting_id, item_id);
    changes.push_back({"agenda_item", item_id, ChangeOp::remove});
    record_changes(sql, changes);
    return Unit{};
  });
}

}  // namespace zusammen::service
