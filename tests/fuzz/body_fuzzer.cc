// A request body through what the create and bulk handlers run before the database: the JSON
// object check (media type, depth, UTF-8), the strict readers and the domain rules of every
// resource, and the problem a failure renders to.
#include <cstddef>
#include <cstdint>

#include "api/http.h"
#include "api/json/company_json.h"
#include "api/json/initiative_json.h"
#include "api/json/meeting_json.h"
#include "api/json/registration_json.h"
#include "api/json/testimonial_json.h"
#include "api/problem.h"
#include "api/request_parsing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zusammen::api;
  HttpRequest request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  request.headers["content-type"] = "application/json";
  auto body = parse_json_object(request, false);
  if (body.failure) return 0;
  const nlohmann::json& object = *body.value;
  auto render = [](const auto& result) {
    if (!result.ok()) (void)problem(result.error()).body;
  };
  for (bool partial : {false, true}) {
    render(company_from_json(object, partial));
    render(initiative_from_json(object, partial));
    render(meeting_from_json(object, partial));
    render(agenda_item_from_json(object, partial));
    render(registration_from_json(object, partial));
    render(testimonial_from_json(object, partial));
  }
  // POST /v1/registrations/bulk: each object item is read as a single registration.
  if (auto items = object.find("items"); items != object.end() && items->is_array()) {
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      render(registration_from_json(item, false));
    }
  }
  return 0;
}
