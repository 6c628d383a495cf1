// /v1/initiatives: what member companies do for integration.
#include "api/handlers/linked_content.h"
#include "api/json/initiative_json.h"
#include "service/validation.h"

namespace zusammen::api {
namespace {

struct Initiatives {
  using Entity = service::Initiative;
  using Input = service::InitiativeInput;
  static constexpr const char* kPath = "/v1/initiatives";
  static constexpr const char* kChangeType = "initiative";
  static service::InitiativeService& service(Services& services) { return services.initiatives; }
  static std::optional<long long> company_of(const Entity& i) { return i.company_id; }
  static void write(JsonWriter& out, const Entity& i, std::optional<std::string_view> company) {
    write_initiative(out, i, &i, company);
  }
  static constexpr auto from_json = &initiative_from_json;
  static constexpr auto to_json = &initiative_to_json;
  static constexpr auto writable_json = &initiative_writable_json;
};

HttpResponse list(const RequestContext& context, Services& services) {
  QueryReader query(context.request,
                    {"company_id", "company", "category", "state", "city", "target_group", "language_offered", "q",
                     "active_on", "published", "updated_since", "include", "facets", "sort", "limit", "cursor"});
  service::InitiativeFilter filter;
  filter.company_id = query.id("company_id");
  filter.category = query.one_of("category", service::kInitiativeCategories);
  filter.state = query.one_of("state", service::kGermanStates);
  filter.company_slug = query.slug("company");
  filter.city = query.text("city", 100);
  filter.target_group = query.one_of("target_group", service::kTargetGroups);
  filter.language_offered = query.language_tag("language_offered");
  filter.q = query.text("q");
  filter.active_on = query.date("active_on");
  filter.published = query.boolean("published");
  filter.updated_since = query.timestamp("updated_since");
  auto include = query.include({"company"});
  auto facet_names = query.names("facets", service::kFacetNames);
  auto page = query.page(service::kInitiativeSortKeys);
  if (auto error = query.error()) return problem(*error);
  std::vector<service::Facet> facets;
  for (std::size_t k = 0; k < service::kFacetNames.size(); ++k) {
    if (facet_names.contains(std::string(service::kFacetNames[k]))) facets.push_back(static_cast<service::Facet>(k));
  }
  auto with_facets = [&](ListBody& body, service::Audience audience) {
    if (facets.empty()) return;
    auto counts = take(services.initiatives.facets(filter, facets, audience));
    std::string json;
    JsonWriter out(json);
    out.begin_object();
    for (const auto& [facet, values] : counts) {
      out.key(service::kFacetNames[static_cast<std::size_t>(facet)]).begin_array();
      for (const auto& v : values) {
        out.begin_object().field("count", v.count);
        if (v.label) out.field("label", *v.label);
        out.field("value", v.value).end_object();
      }
      out.end_array();
    }
    out.end_object();
    body.add("facets", std::move(json));
  };
  return linked_content::list<Initiatives>(context, services, filter, *page, include.contains("company"), with_facets);
}

}  // namespace

void mount_initiatives(Router& router, Services& services) {
  linked_content::mount<Initiatives>(router, services, list);
  router.add("GET", "/v1/initiatives/by-slug/{slug}", [&services](const RequestContext& c) {
    return by_slug(
        c, Initiatives::kPath, "initiative",
        [&](const std::string& slug) { return services.initiatives.id_of_slug(slug, slug_audience(c)); },
        [&](long long id) { return linked_content::get<Initiatives>(c, services, id); });
  });
}

}  // namespace zusammen::api
