// People attending meetings: the domain types (no database here; service/registrations.h has the service).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

// What a caller may write. status on create may only ask for a place ("registered"); the
// service decides between registered and waitlisted by capacity.
struct RegistrationInput {
  long long meeting_id = 0;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::optional<std::string> organization;
  std::optional<long long> company_id;
  std::optional<std::string> job_title;
  std::vector<long long> workshop_ids;  // agenda items of kind workshop of the same meeting
  std::string status = "registered";
  std::optional<std::string> source;
  std::optional<std::string> external_ref;
  std::optional<std::string> notes;
  // YYYY-MM-DD after which `zusammen purge` anonymises the registration; nullopt: the default
  // retention (RetentionPolicy in service/people.h).
  std::optional<std::string> retain_until;
  bool operator==(const RegistrationInput&) const = default;
};

struct Registration : RegistrationInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kRegistrationStatuses;
extern const std::vector<SortKey> kRegistrationSortKeys;

// The CSV export holds every matching row up to this many; beyond it the caller must filter.
constexpr int kMaxExportRows = 100000;
constexpr std::size_t kMaxWorkshopChoices = 50;

// The rules of one registration on its own (lengths, formats, both-or-neither of source/external_ref).
std::vector<FieldError> validate(const RegistrationInput& input);

// Status changes a caller may ask for (PATCH):
//   registered -> cancelled | attended | no_show
//   waitlisted -> cancelled | registered (only when there is room)
//   cancelled  -> registered (only when there is room) | waitlisted
//   attended <-> no_show (a correction)
// attended and no_show only once the meeting has started. Anything else is refused.
bool is_allowed_transition(std::string_view from, std::string_view to);
// Places a registration with this status holds (the seat stays taken once used).
bool holds_place(std::string_view status);
// The email as uniqueness compares it: ASCII letters lower-cased.
std::string email_key(std::string_view email);

struct RegistrationFilter {
  std::optional<long long> meeting_id;
  std::optional<std::string> status;
  std::optional<long long> company_id;
  std::optional<std::string> q;              // substring of first/last name, email, organization
  std::optional<std::string> updated_since;  // SQL UTC
};

struct WorkshopFill {
  long long agenda_item_id = 0;
  std::string title;
  std::optional<int> capacity;
  int registered = 0;  // holding a place (registered, attended, no_show)
  int waitlisted = 0;
};

struct MeetingStats {
  long long meeting_id = 0;
  std::optional<int> capacity;
  int total = 0;
  std::map<std::string, int> by_status;                              // every status, zeros included
  std::vector<std::pair<std::optional<long long>, int>> by_company;  // company_id (none: no company), count
  std::vector<WorkshopFill> workshops;
};

// One item of a bulk sync (POST /v1/registrations/bulk): what it became, and for an error why.
struct BulkOutcome {
  std::string status;  // created | updated | unchanged | error
  long long id = 0;    // 0 for error
  std::optional<Error> error;
};
constexpr std::size_t kMaxBulkItems = 1000;

}  // namespace zusammen::service
