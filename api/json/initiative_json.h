// Initiatives on the wire: exactly the fields openapi.yaml documents.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/json/json_writer.h"
#include "service/initiatives.h"
#include "service/status.h"

namespace zusammen::api {

// The initiative's object. stored: with the fields only the service sets (id, created_at,
// updated_at, version); nullptr: the writable fields only. company: include=company's embedded
// company (its JSON, or "null").
void write_initiative(JsonWriter& out, const service::InitiativeInput& initiative, const service::Initiative* stored,
                      std::optional<std::string_view> company = std::nullopt);
nlohmann::json initiative_to_json(const service::Initiative& initiative);
nlohmann::json initiative_writable_json(const service::InitiativeInput& initiative);
service::Result<service::InitiativeInput> initiative_from_json(const nlohmann::json& object, bool partial);

}  // namespace zusammen::api
