// Companies on the wire: exactly the fields openapi.yaml documents.
#pragma once

#include <nlohmann/json.hpp>

#include "api/json/json_writer.h"
#include "service/companies.h"
#include "service/status.h"

namespace zusammen::api {

// The company's object; contact_email only for internal callers (content:read). stored: with the
// fields only the service sets (id, created_at, updated_at, version); nullptr: the writable ones only.
void write_company(JsonWriter& out, const service::CompanyInput& company, const service::Company* stored,
                   bool internal);
nlohmann::json company_to_json(const service::Company& company, bool internal);
// The writable fields: the base a merge patch applies to.
nlohmann::json company_writable_json(const service::CompanyInput& company);
// Strict reading (see BodyReader); in full mode the domain rules run too, so every bad field is named at once.
service::Result<service::CompanyInput> company_from_json(const nlohmann::json& object, bool partial);

}  // namespace zusammen::api
