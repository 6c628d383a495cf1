// /v1/testimonials: quotes from people involved, linked to companies, meetings and initiatives.
#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/handlers/embedding.h"
#include "api/json/testimonial_json.h"

namespace zusammen::api {
namespace {

using service::Audience;

service::Status write(JsonWriter& out, const std::vector<service::Testimonial>& testimonials, bool with_company,
                      Audience audience, Services& services) {
  return write_with_companies(
      out, testimonials, with_company, audience, services,
      [](JsonWriter& to, const service::Testimonial& t, std::optional<std::string_view> company) {
        write_testimonial(to, t, &t, company);
      },
      [](const service::Testimonial& t) { return t.company_id; });
}

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
  HttpResponse denied;
  auto reader = content_audience(context, denied);
  if (!reader) return denied;
  Audience audience = *reader;
  auto result = take(services.testimonials.list(filter, *page, audience));
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
  auto testimonial = take(services.testimonials.get(id, audience));
  return written_item_response(context, testimonial.version, [&](JsonWriter& out) {
    take(write(out, {testimonial}, include.contains("company"), audience, services));
  });
}

HttpResponse create(const RequestContext& context, Services& services) {
  return create_resource<service::TestimonialInput, service::Testimonial>(
      context, testimonial_from_json,
      [&](const service::TestimonialInput& input) { return services.testimonials.create(input); }, testimonial_to_json,
      "/v1/testimonials");
}

HttpResponse patch(const RequestContext& context, Services& services) {
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  MergePatchSteps<service::Testimonial, service::TestimonialInput> steps{
      [&] { return services.testimonials.get(id, Audience::internal); },
      [](const service::Testimonial& t) { return testimonial_writable_json(t); }, testimonial_from_json,
      [&](int version, const service::TestimonialInput& input) {
        return services.testimonials.update(id, version, input);
      },
      [](const service::Testimonial& t) { return testimonial_to_json(t); }};
  return merge_patch(context, steps);
}

HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return services.testimonials.remove(id, version); });
}

}  // namespace

void mount_testimonials(Router& router, Services& services) {
  router.add("GET", "/v1/testimonials", [&services](const RequestContext& c) { return list(c, services); });
  router.add("POST", "/v1/testimonials", [&services](const RequestContext& c) { return create(c, services); });
  router.add("GET", "/v1/testimonials/{id}", [&services](const RequestContext& c) { return get(c, services); });
  router.add("PATCH", "/v1/testimonials/{id}", [&services](const RequestContext& c) { return patch(c, services); });
  router.add("DELETE", "/v1/testimonials/{id}", [&services](const RequestContext& c) { return remove(c, services); });
}

}  // namespace zusammen::api
