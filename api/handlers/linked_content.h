// The handlers of a content resource whose items name a company and may embed it
// (include=company): initiatives and testimonials. A resource describes itself in a Traits type
//
//   struct Traits {
//     using Entity = ...; using Input = ...;
//     static constexpr const char* kPath;                       // the collection: "/v1/initiatives"
//     static constexpr const char* kChangeType;                 // its type in the change feed: "initiative"
//     static auto& service(Services&);                          // get, list, create, update, remove
//     static std::optional<long long> company_of(const Entity&);
//     static void write(JsonWriter&, const Entity&, std::optional<std::string_view> company);
//     from_json, to_json, writable_json: the resource's mapping in api/json/
//   };
//
// and keeps only its list's filters; the rest is here, once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.h"
#include "api/handlers/crud.h"
#include "api/handlers/embedding.h"
#include "api/json/json_writer.h"

namespace zusammen::api::linked_content {

template <typename Traits>
service::Status write(JsonWriter& out, const std::vector<typename Traits::Entity>& items, bool with_company,
                      service::Audience audience, Services& services) {
  return write_with_companies(out, items, with_company, audience, services, Traits::write, Traits::company_of);
}

// A page of the list, once its filters are read: the audience, the page, the items.
// more(body, audience): members after the items (the initiatives' facets).
template <typename Traits, typename Filter>
HttpResponse list(const RequestContext& context, Services& services, const Filter& filter,
                  const service::PageRequest& page, bool with_company,
                  const std::function<void(ListBody&, service::Audience)>& more = {}) {
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  auto result = take(Traits::service(services).list(filter, page, *audience));
  ListBody body;
  take(write<Traits>(body.items(), result.items, with_company, *audience, services));
  if (more) more(body, *audience);
  return list_response(context, body, result.next_cursor);
}

// GET of the item with this id (by {id}, or by a slug resolved to it).
template <typename Traits>
HttpResponse get(const RequestContext& context, Services& services, long long id) {
  QueryReader query(context.request, {"include"});
  auto include = query.include({"company"});
  if (auto error = query.error()) return problem(*error);
  HttpResponse denied;
  auto audience = content_audience(context, denied);
  if (!audience) return denied;
  auto item = take(Traits::service(services).get(id, *audience));
  return written_item_response(context, item.version, [&](JsonWriter& out) {
    take(write<Traits>(out, {item}, include.contains("company"), *audience, services));
  });
}

template <typename Traits>
HttpResponse create(const RequestContext& context, Services& services) {
  using Entity = typename Traits::Entity;
  using Input = typename Traits::Input;
  return create_resource<Input, Entity>(
      context, Traits::from_json, [&](const Input& input) { return Traits::service(services).create(input); },
      Traits::to_json, Traits::kPath);
}

template <typename Traits>
HttpResponse patch(const RequestContext& context, Services& services) {
  using Entity = typename Traits::Entity;
  using Input = typename Traits::Input;
  if (auto denied = require_scope(context, "content:write")) return *denied;
  auto id = take(path_id(context));
  auto& service = Traits::service(services);
  MergePatchSteps<Entity, Input> steps{
      [&] { return service.get(id, service::Audience::internal); },
      [](const Entity& e) { return Traits::writable_json(e); }, Traits::from_json,
      [&](int version, const Input& input) { return service.update(id, version, input); },
      [](const Entity& e) { return Traits::to_json(e); }};
  return merge_patch(context, steps);
}

template <typename Traits>
HttpResponse remove(const RequestContext& context, Services& services) {
  return remove_resource(
      context, [&](long long id, std::optional<int> version) { return Traits::service(services).remove(id, version); });
}

// The collection's routes: list (the resource's own), create, and by {id} get, patch, delete.
template <typename Traits, typename List>
void mount(Router& router, Services& services, List list_handler) {
  const std::string collection = Traits::kPath;
  const std::string item = collection + "/{id}";
  router.add("GET", collection,
             [&services, list_handler](const RequestContext& c) { return list_handler(c, services); });
  router.add(
      "POST", collection, [&services](const RequestContext& c) { return create<Traits>(c, services); },
      created_again<typename Traits::Entity>(
          Traits::kChangeType,
          [&services](long long id) { return Traits::service(services).get(id, service::Audience::internal); },
          Traits::to_json, collection));
  router.add("GET", item, [&services](const RequestContext& c) { return get<Traits>(c, services, take(path_id(c))); });
  router.add("PATCH", item, [&services](const RequestContext& c) { return patch<Traits>(c, services); });
  router.add("DELETE", item, [&services](const RequestContext& c) { return remove<Traits>(c, services); });
}

}  // namespace zusammen::api::linked_content
