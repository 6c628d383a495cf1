// /v1/companies: member companies.
#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/json/company_json.h"
#include "service/validation.h"

namespace zusammen::api {
namespace {

using service::Audience;

HttpResponse list(const RequestContext& context, Services& services) {
  QueryReader query(context.request, {"q", "state", "sector", "status", "updated_since", "sort", "limit", "cursor"});
  service::CompanyFilter filter;
  filter.q = query.text("q");
  filter.state = query.one_of("state", service::kGermanStates);
  filter.sector = query.text("sector");
  filter.status = query.one_of("status", service::kCompanyStatuses);
  filter.updated_since = query.timestamp("updated_since");
  auto page = query.page(service::kCompanySortKeys);
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto reader = content_audience(context, denied);
  if (!reader) return denied;
  Audience audience = *reader;
  auto result = take(services.companies.list(filter, *page, audience));
  ListBody body;
  for (const auto& company : result.items)
    write_company(body.items(), company, &company, audience == Audience::internal);
  return list_response(context, body, result.next_cursor);
}

HttpResponse get(const RequestContext& context, Services& services, long long id) {
  QueryReader query(context.request, {});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto reader = content_audience(context, denied);
  if (!reader) return denied;
  Audience audience = *reader;
  auto company = take(services.companies.get(id, audience));
  return written_item_response(context, company.version, [&](JsonWriter& out) {
    write_company(out, company, &company, audience == Audience::internal);
  });
}

// A company as its create answers it (and a lost answer's replay).
nlohmann::json created_json(const service::Company& c) { return company_to_json(c, true); }

HttpResponse create(const RequestContext& context, Services& services) {
  return create_resource<service::CompanyInput, service::Company>(
      context, company_from_json, [&](const service::CompanyInput& input) { return services.companies.create(input); },
      created_json, "/v1/companies");
}

HttpResponse patch(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  MergePatchSteps<service::Company, service::CompanyInput> steps{
      [&] { return services.companies.get(id, Audience::internal); },
      [](const service::Company& c) { return company_writable_json(c); }, company_from_json,
      [&](int version, const service::CompanyInput& input) { return services.companies.update(id, version, input); },
      [](const service::Company& c) { return company_to_json(c, true); }};
  return merge_patch(context, steps);
}

HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return services.companies.remove(id, version); });
}

}  // namespace

void mount_companies(Router& router, Services& services) {
  router.add("GET", "/v1/companies", [&services](const RequestContext& c) { return list(c, services); });
  router.add(
      "POST", "/v1/companies", [&services](const RequestContext& c) { return create(c, services); },
      created_again<service::Company>(
          "company", [&services](long long id) { return services.companies.get(id, Audience::internal); }, created_json,
          "/v1/companies"));
  router.add("GET", "/v1/companies/{id}",
             [&services](const RequestContext& c) { return get(c, services, take(path_id(c))); });
  router.add("GET", "/v1/companies/by-slug/{slug}", [&services](const RequestContext& c) {
    return by_slug(
        c, "/v1/companies", "company",
        [&](const std::string& slug) { return services.companies.id_of_slug(slug, slug_audience(c)); },
        [&](long long id) { return get(c, services, id); });
  });
  router.add("PATCH", "/v1/companies/{id}", [&services](const RequestContext& c) { return patch(c, services); });
  router.add("DELETE", "/v1/companies/{id}", [&services](const RequestContext& c) { return remove(c, services); });
}

}  // namespace zusammen::api
