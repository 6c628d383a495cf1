// Network meetings and their programme (agenda items).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/listing.h"
#include "service/status.h"

namespace zusammen::service {

// Where a meeting takes place. A venue whose fields are all absent is no venue.
struct Venue {
  std::optional<std::string> name;
  std::optional<std::string> street;
  std::optional<std::string> postal_code;
  std::optional<std::string> city;
  bool empty() const { return !name && !street && !postal_code && !city; }
  bool operator==(const Venue&) const = default;
};

// What a caller may write. Times are RFC 3339 (any offset) on the way in and
// "YYYY-MM-DDTHH:MM:SSZ" on the way out.
struct MeetingInput {
  std::string title;
  std::string kind;
  std::string starts_at;
  std::string ends_at;
  std::string timezone = "Europe/Berlin";
  std::optional<Venue> venue;
  std::optional<long long> host_company_id;
  std::optional<std::string> description;
  std::optional<int> capacity;  // none: unlimited
  bool registration_open = false;
  std::string status = "planned";
  bool published = false;
  bool operator==(const MeetingInput&) const = default;
};

struct Meeting : MeetingInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

struct Speaker {
  std::string name;
  std::optional<std::string> role;
  std::optional<std::string> organization;
  bool operator==(const Speaker&) const = default;
};

struct AgendaItemInput {
  std::string kind;
  std::string title;
  std::optional<std::string> description;
  std::string starts_at;
  std::string ends_at;
  std::optional<std::string> room;
  std::optional<int> capacity;  // workshops only; none: unlimited
  std::vector<Speaker> speakers;
  bool operator==(const AgendaItemInput&) const = default;
};

struct AgendaItem : AgendaItemInput {
  long long id = 0;
  long long meeting_id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

struct MeetingWithAgenda {
  Meeting meeting;
  std::vector<AgendaItem> agenda;
};

extern const std::vector<std::string_view> kMeetingKinds;
extern const std::vector<std::string_view> kMeetingStatuses;
extern const std::vector<std::string_view> kAgendaItemKinds;
extern const std::vector<SortKey> kMeetingSortKeys;

constexpr int kMaxMeetingCapacity = 1000000;
constexpr std::size_t kMaxSpeakers = 20;
constexpr int kMaxMeetingsAtOnce = 10000;

// The rules of one meeting or item on its own; relations (host company, the meeting's
// times around an item's) are checked by the service against the database.
std::vector<FieldError> validate(const MeetingInput& input);
std::vector<FieldError> validate(const AgendaItemInput& input);

// An IANA zone name such as Europe/Berlin (or UTC). Checked against the system's zone
// database when it is installed, by shape otherwise.
bool is_valid_timezone(std::string_view name);
// A valid RFC 3339 time as the database stores it: UTC "YYYY-MM-DD HH:MM:SS", fractions dropped.
std::string to_sql_seconds(std::string_view rfc3339);

struct MeetingFilter {
  std::optional<std::string> from;  // SQL UTC: meetings that end after it
  std::optional<std::string> to;    // SQL UTC: meetings that start before it
  std::optional<std::string> kind;
  std::optional<std::string> city;
  std::optional<long long> host_company_id;
  std::optional<std::string> status;
  std::optional<bool> upcoming;  // true: not yet over (ends_at >= now); false: over
  std::optional<std::string> q;
  std::optional<std::string> updated_since;  // SQL UTC
};

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
