// Registrations on the wire: exactly the fields openapi.yaml documents, as JSON and as CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "service/registrations.h"
#include "service/status.h"

namespace zusammen::api {

nlohmann::json registration_to_json(const service::Registration& registration);
// The writable fields: the base a merge patch applies to.
nlohmann::json registration_writable_json(const service::RegistrationInput& registration);
// Strict reading (see BodyReader); in full mode the domain rules run too, so every bad field is named at once.
service::Result<service::RegistrationInput> registration_from_json(const nlohmann::json& object, bool partial);

// An array of integers (ids) at /name; wrong types are named per element ("/workshop_ids/2").
// Appends to type_errors and leaves out untouched on any error.
void read_integer_array(const nlohmann::json& value, const std::string& name, std::vector<long long>& out,
                        std::vector<service::FieldError>& type_errors);

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
std::string csv_field(const std::string& text);
// UTF-8 BOM, a header row, one line per registration, CRLF line ends.
std::string registrations_to_csv(const std::vector<service::Registration>& registrations);

nlohmann::json meeting_stats_to_json(const service::MeetingStats& stats);

}  // namespace zusammen::api
