// /v1/testimonials: quotes from people involved, linked to companies, meetings and initiatives.
#include "api/handlers/linked_content.h"
#include "api/json/testimonial_json.h"

namespace zusammen::api {
namespace {

struct Testimonials {
  using Entity = service::Testimonial;
  using Input = service::TestimonialInput;
  static constexpr const char* kPath = "/v1/testimonials";
  static constexpr const char* kChangeType = "testimonial";
  static service::TestimonialService& service(Services& services) { return services.testimonials; }
  static std::optional<long long> company_of(const Entity& t) { return t.company_id; }
  static void write(JsonWriter& out, const Entity& t, std::optional<std::string_view> company) {
    write_testimonial(out, t, &t, company);
  }
  static constexpr auto from_json = &testimonial_from_json;
  static constexpr auto to_json = &testimonial_to_json;
  static constexpr auto writable_json = &testimonial_writable_json;
};

HttpResponse list(const RequestContext& context, Services& services) {
  // Newest first unless asked otherwise; the Link header keeps the caller's own query.
  HttpRequest request = context.request;
  request.query.try_emplace("sort", service::kDefaultTestimonialSort);
  QueryReader query(request, {"company_id", "meeting_id", "initiative_id", "language", "published", "q",
                              "updated_since", "include", "sort", "limit", "cursor"});
  service::TestimonialFilter filter;
  filter.company_id = query.id("company_id");
  filter.meeting_id = query.id("meeting_id");
  filter.initiative_id = query.id("initiative_id");
  filter.language = query.one_of("language", service::kTestimonialLanguages);
  filter.published = query.boolean("published");
  filter.q = query.text("q");
  filter.updated_since = query.timestamp("updated_since");
  auto include = query.include({"company"});
  auto page = query.page(service::kTestimonialSortKeys);
  if (auto error = query.error()) return problem(*error);
  return linked_content::list<Testimonials>(context, services, filter, *page, include.contains("company"));
}

}  // namespace

void mount_testimonials(Router& router, Services& services) {
  linked_content::mount<Testimonials>(router, services, list);
}

}  // namespace zusammen::api
