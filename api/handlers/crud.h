// What the resource handlers share: reading an {id}, and the JSON Merge Patch
// loop (read, merge, validate, write if the version is unchanged).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/problem.h"
#include "api/request_parsing.h"
#include "api/responses.h"
#include "api/router.h"
#include "service/companies.h"
#include "service/validation.h"

namespace zusammen::api {

// Who reads content: anonymous callers see what is public; a key needs content:read (403 without it)
// and then sees everything, internal fields included.
inline std::optional<service::Audience> content_audience(const RequestContext& context, HttpResponse& denied) {
  if (!context.principal.key) return service::Audience::public_only;
  if (auto failure = require_scope(context, "content:read")) {
    denied = *failure;
    return std::nullopt;
  }
  return service::Audience::internal;
}

// The {id} path parameter, strictly; a 400 problem otherwise.
inline service::Result<long long> path_id(const RequestContext& context) {
  auto id = parse_id(context.params.at("id"));
  if (!id) return service::Error::invalid("The id in the path is not valid.", {{"id", "must be a positive integer"}});
  return *id;
}

// Whom a slug is resolved for: the catalogue answers anonymous callers from memory and keys as
// current as the database (the GET that follows checks the scope).
inline service::Audience slug_audience(const RequestContext& context) {
  return context.principal.key ? service::Audience::internal : service::Audience::public_only;
}

// GET of an item by its slug (/by-slug/{slug}): the {slug} path parameter, strictly (400
// otherwise), resolved by id_of_slug to the id of the item that has it, then answered by answer(id)
// as GET by id answers, with where the item lives (Content-Location: collection_path/id). Every
// 404 names the slug, not the id it resolved to: an anonymous caller learns nothing of an item it
// may not see.
inline HttpResponse by_slug(
    const RequestContext& context, const std::string& collection_path, std::string_view what,
    const std::function<service::Result<std::optional<long long>>(const std::string&)>& id_of_slug,
    const std::function<HttpResponse(long long)>& answer) {
  const std::string& slug = context.params.at("slug");
  if (!service::is_valid_slug(slug)) {
    return problem(service::Error::invalid(
        "The slug in the path is not valid.",
        {{"slug",
          "must be lowercase letters and digits in words joined by single hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)"}}));
  }
  auto not_found = [&] {
    return problem(service::Error::not_found("No " + std::string(what) + " with slug '" + slug + "'."));
  };
  auto id = take(id_of_slug(slug));
  if (!id) return not_found();
  try {
    return answer(*id).with_header("Content-Location", collection_path + "/" + std::to_string(*id));
  } catch (const Refusal& refusal) {
    if (refusal.error.code == service::ErrorCode::not_found) return not_found();
    throw;
  }
}

inline HttpResponse created(const nlohmann::json& item, int version, const std::string& location) {
  HttpResponse response = json_response(201, item);
  std::string etag = item_etag(version, response.body);
  return response.with_header("Location", location).with_header("ETag", etag);
}

// The answer of a create for the row it made: 201, Location (collection_path/id), ETag.
template <typename Entity>
HttpResponse created_item(const Entity& entity, const std::function<nlohmann::json(const Entity&)>& render,
                          const std::string& collection_path) {
  return created(render(entity), entity.version, collection_path + "/" + std::to_string(entity.id));
}

// POST of a resource: the scope (content:write unless named), a strict body, create, 201 with
// Location (collection_path/id) and ETag.
template <typename Input, typename Entity>
HttpResponse create_resource(const RequestContext& context,
                             const std::function<service::Result<Input>(const nlohmann::json&, bool)>& read,
                             const std::function<service::Result<Entity>(const Input&)>& create,
                             const std::function<nlohmann::json(const Entity&)>& render,
                             const std::string& collection_path, const std::string& scope = "content:write") {
  if (auto denied = require_scope(context, scope)) return *denied;
  auto body = parse_json_object(context.request, false);
  if (body.failure) return *body.failure;
  auto input = take(read(*body.value, false));
  return created_item(take(create(input)), render, collection_path);
}

// The Replay of a create_resource route (its type in the change feed): the row it created, read
// again as keys see it, answered as the create did (201, Location, ETag, the current body).
template <typename Entity>
Replay created_again(std::string type, std::function<service::Result<Entity>(long long)> get,
                     std::function<nlohmann::json(const Entity&)> render, std::string collection_path) {
  return {std::move(type),
          [get = std::move(get), render = std::move(render), collection_path = std::move(collection_path)](
              const RequestContext&, long long id) { return created_item(take(get(id)), render, collection_path); }};
}

// DELETE of a resource: the scope (content:write unless named), the {id}, If-Match honoured, 204.
inline HttpResponse remove_resource(const RequestContext& context,
                                    const std::function<service::Status(long long, std::optional<int>)>& remove,
                                    const std::string& scope = "content:write") {
  if (auto denied = require_scope(context, scope)) return *denied;
  auto id = take(path_id(context));
  take(remove(id, if_match_version(context.request)));
  return no_content();
}

template <typename Entity, typename Input>
struct MergePatchSteps {
  std::function<service::Result<Entity>()> load;
  std::function<nlohmann::json(const Entity&)> writable;
  std::function<service::Result<Input>(const nlohmann::json&, bool partial)> read;
  std::function<service::Result<Entity>(int version, const Input&)> update;
  std::function<nlohmann::json(const Entity&)> render;
};

// RFC 7396 on the writable representation. With If-Match a stale version is 412; without it,
// a concurrent change is merged again on the fresh state (a few times), never overwritten.
template <typename Entity, typename Input>
HttpResponse merge_patch(const RequestContext& context, const MergePatchSteps<Entity, Input>& steps) {
  auto body = parse_json_object(context.request, true);
  if (body.failure) return *body.failure;
  // Unreadable members (400) are answered at once; rule breaks in the patch itself (null for a field
  // that is not nullable) are answered with those of the merged resource, naming every bad field.
  std::vector<service::FieldError> patch_errors;
  if (auto check = steps.read(*body.value, true); !check.ok()) {
    if (check.error().code != service::ErrorCode::validation_failed) return problem(check.error());
    patch_errors = check.error().errors;
  }
  std::optional<int> wanted = if_match_version(context.request);
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = take(steps.load());
    if (wanted && *wanted != current.version) {
      return problem(412, "The resource has changed since you read it (it is at version " +
                              std::to_string(current.version) + ").");
    }
    nlohmann::json original = steps.writable(current);
    nlohmann::json merged = original;
    merged.merge_patch(*body.value);
    // A patch that changes nothing (an empty object, values already held, null for what is null)
    // writes nothing: the version and updated_at stay, so change feeds and caches see no change.
    // (merge_patch removes members patched to null, so absent and null compare as the same.)
    auto without_nulls = [](nlohmann::json object) {
      for (auto it = object.begin(); it != object.end();) it = it->is_null() ? object.erase(it) : std::next(it);
      return object;
    };
    if (without_nulls(merged) == without_nulls(original)) {
      HttpResponse response = json_response(200, steps.render(current));
      std::string etag = item_etag(current.version, response.body);
      return response.with_header("ETag", etag);
    }
    auto input = steps.read(merged, false);
    if (!patch_errors.empty()) {
      std::vector<service::FieldError> errors = patch_errors;
      if (!input.ok()) {
        for (const auto& e : input.error().errors) {
          bool named = false;
          for (const auto& p : errors) named = named || p.field == e.field;
          if (!named) errors.push_back(e);
        }
      }
      return problem(service::Error::validation(std::move(errors)));
    }
    if (!input.ok()) return problem(input.error());
    auto updated = steps.update(current.version, *input);
    if (updated.ok()) {
      HttpResponse response = json_response(200, steps.render(*updated));
      std::string etag = item_etag(updated->version, response.body);
      return response.with_header("ETag", etag);
    }
    if (updated.error().code != service::ErrorCode::version_mismatch || wanted) return problem(updated.error());
  }
  return problem(503, "The resource is being changed by others right now; try again.");
}

}  // namespace zusammen::api
