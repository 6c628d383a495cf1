// What the service holds about a person: the domain types (no database here; service/people.h has the service).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/model/registration.h"
#include "service/status.h"

namespace zusammen::service {

struct PersonMeeting {
  long long id = 0;
  std::string title;
  std::string starts_at;
};

struct PersonIdempotencyRecord {
  std::string method;
  std::string path;
  std::optional<int> status;  // nullopt: the write committed, its answer was never stored
  std::string created_at;
};

// Everything held about one address. An unknown address has empty collections: the answer does not
// tell "never registered" from "erased".
struct PersonData {
  std::string email;
  std::vector<Registration> registrations;
  std::vector<PersonMeeting> meetings;  // those of the registrations
  std::vector<PersonIdempotencyRecord> idempotency_records;
  std::vector<Change> changes;  // the change feed's entries about the registrations
};

struct Erasure {
  int registrations = 0;              // deleted (a tombstone each in the change feed)
  int promoted = 0;                   // waiting registrations that got a freed place
  long long idempotency_records = 0;  // stored answers deleted
};

// How long personal fields are kept. A registration's own retain_until wins; without one, the
// default is this many days after its meeting ends (0: no default, only retain_until expires).
struct RetentionPolicy {
  int days_after_meeting = 365;
};

// The rules for the address that names a person (the same as a registration's email).
std::vector<FieldError> validate_person_email(const std::string& email);

}  // namespace zusammen::service
