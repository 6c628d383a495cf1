// Initiatives on the wire: exactly the fields openapi.yaml documents.
#pragma once

#include <nlohmann/json.hpp>

#include "service/initiatives.h"
#include "service/status.h"

namespace zusammen::api {

nlohmann::json initiative_to_json(const service::Initiative& initiative);
nlohmann::json initiative_writable_json(const service::InitiativeInput& initiative);
service::Result<service::InitiativeInput> initiative_from_json(const nlohmann::json& object, bool partial);

}  // namespace zusammen::api
