// Network meetings and their programme (agenda items): the domain types (no database here; service/meetings.h has the
// service).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/model/audience.h"
#include "service/model/listing.h"
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

}  // namespace zusammen::service
