// /v1/initiatives: what member companies do for integration.
#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/handlers/embedding.h"
#include "api/json/initiative_json.h"
#include "service/validation.h"

namespace zusammen::api {
namespace {

using service::Audience;

service::Status write(JsonWriter& out, const std::vector<service::Initiative>& initiatives, bool with_company,
                      Audience audience, Services& services) {
  return write_with_companies(
      out, initiatives, with_company, audience, services,
      [](JsonWriter& to, const service::Initiative& i, std::optional<std::string_view> company) {
        write_initiative(to, i, &i, company);
      },
      [](const service::Initiative& i) { return std::optional<long long>(i.company_id); });
}

HttpResponse list(const RequestContext& context, Services& services) {
  QueryReader query(context.request, {"company_id", "category", "state", "q", "active_on", "published", "updated_since",
                                      "include", "sort", "limit", "cursor"});
  service::InitiativeFilter filter;
  filter.company_id = query.id("company_id");
  filter.category = query.one_of("category", service::kInitiativeCategories);
  filter.state = query.one_of("state", service::kGermanStates);
  filter.q = query.text("q");
  filter.active_on = query.date("active_on");
  filter.published = query.boolean("published");
  filter.updated_since = query.timestamp("updated_since");
  auto include = query.include({"company"});
  auto page = query.page(service::kInitiativeSortKeys);
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto reader = content_audience(context, denied);
  if (!reader) return denied;
  Audience audience = *reader;
  auto result = take(services.initiatives.list(filter, *page, audience));
  ListBody body;
  take(write(body.items(), result.items, include.contains("company"), audience, services));
  return list_response(context, body, result.next_cursor);
}

HttpResponse get(const RequestContext& context, Services& services) {
  auto id = take(path_id(context));
  QueryReader query(context.request, {"include"});
  auto include = query.include({"company"});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto reader = content_audience(context, denied);
  if (!reader) return denied;
  Audience audience = *reader;
  auto initiative = take(services.initiatives.get(id, audience));
  return written_item_response(context, initiative.version, [&](JsonWriter& out) {
    take(write(out, {initiative}, include.contains("company"), audience, services));
  });
}

HttpResponse create(const RequestContext& context, Services& services) {
  return create_resource<service::InitiativeInput, service::Initiative>(
      context, initiative_from_json,
      [&](const service::InitiativeInput& input) { return services.initiatives.create(input); }, initiative_to_json,
      "/v1/initiatives");
}

HttpResponse patch(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  MergePatchSteps<service::Initiative, service::InitiativeInput> steps{
      [&] { return services.initiatives.get(id, Audience::internal); },
      [](const service::Initiative& i) { return initiative_writable_json(i); }, initiative_from_json,
      [&](int version, const service::InitiativeInput& input) {
        return services.initiatives.update(id, version, input);
      },
      [](const service::Initiative& i) { return initiative_to_json(i); }};
  return merge_patch(context, steps);
}

HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return services.initiatives.remove(id, version); });
}

}  // namespace

void mount_initiatives(Router& router, Services& services) {
  router.add("GET", "/v1/initiatives", [&services](const RequestContext& c) { return list(c, services); });
  router.add("POST", "/v1/initiatives", [&services](const RequestContext& c) { return create(c, services); });
  router.add("GET", "/v1/initiatives/{id}", [&services](const RequestContext& c) { return get(c, services); });
  router.add("PATCH", "/v1/initiatives/{id}", [&services](const RequestContext& c) { return patch(c, services); });
  router.add("DELETE", "/v1/initiatives/{id}", [&services](const RequestContext& c) { return remove(c, services); });
}

}  // namespace zusammen::api
