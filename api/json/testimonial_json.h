// Testimonials on the wire: exactly the fields openapi.yaml documents.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/json/json_writer.h"
#include "service/status.h"
#include "service/testimonials.h"

namespace zusammen::api {

// The testimonial's object. stored: with the fields only the service sets (id, created_at,
// updated_at, version); nullptr: the writable fields only. company: include=company's embedded
// company (its JSON, or "null").
void write_testimonial(JsonWriter& out, const service::TestimonialInput& testimonial,
                       const service::Testimonial* stored, std::optional<std::string_view> company = std::nullopt);
nlohmann::json testimonial_to_json(const service::Testimonial& testimonial);
// The writable fields: the base a merge patch applies to.
nlohmann::json testimonial_writable_json(const service::TestimonialInput& testimonial);
// Strict reading (see BodyReader); in full mode the domain rules run too, so every bad field is named at once.
service::Result<service::TestimonialInput> testimonial_from_json(const nlohmann::json& object, bool partial);

}  // namespace zusammen::api
