#include "service/testimonials.h"

#include <soci/soci.h>

#include "service/changes.h"
#include "service/repositories/testimonial_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kTestimonialLanguages = {"de", "en"};
const std::vector<SortKey> kTestimonialSortKeys = {
    {"created_at", "t.created_at"}, {"author_name", "t.author_name"}, {"updated_at", "t.updated_at"}};

std::vector<FieldError> validate(const TestimonialInput& t) {
  Validator v;
  v.text("/quote", t.quote, kMaxQuoteLength);
  v.text("/author_name", t.author_name, 200);
  v.text("/author_role", t.author_role, 200);
  v.text("/author_organization", t.author_organization, 200);
  if (t.company_id) v.at_least("/company_id", *t.company_id, 1);
  if (t.meeting_id) v.at_least("/meeting_id", *t.meeting_id, 1);
  if (t.initiative_id) v.at_least("/initiative_id", *t.initiative_id, 1);
  v.one_of("/language", t.language, kTestimonialLanguages);
  return v.take();
}

namespace {

// An unpublished testimonial does not exist for anonymous callers.
Error not_found(long long id) { return Error::not_found("No testimonial with id " + std::to_string(id) + "."); }

Error unknown_links(std::vector<FieldError> errors) {
  return {ErrorCode::validation_failed, "The testimonial refers to something that does not exist.", std::move(errors)};
}

Error changed_concurrently() {
  return {ErrorCode::version_mismatch, "The testimonial was changed by someone else.", {}};
}

// A validation failure without field errors comes from a foreign key: a linked row was deleted between
// the check and the write. Look again to name the field; name every link when it is back already.
Result<Testimonial> name_missing_links(Pool& pool, Result<Testimonial> result, const TestimonialInput& input) {
  if (result.ok() || result.error().code != ErrorCode::validation_failed || !result.error().errors.empty()) {
    return result;
  }
  auto missing =
      with_session<std::vector<FieldError>>(pool, [&](soci::session& sql) -> Result<std::vector<FieldError>> {
        return testimonial_repository::unknown_links(sql, input);
      });
  if (!missing.ok()) return missing.error();
  std::vector<FieldError> errors = std::move(*missing);
  if (errors.empty()) {
    if (input.company_id) errors.push_back({"/company_id", "does not refer to an existing company"});
    if (input.meeting_id) errors.push_back({"/meeting_id", "does not refer to an existing meeting"});
    if (input.initiative_id) errors.push_back({"/initiative_id", "does not refer to an existing initiative"});
  }
  return unknown_links(std::move(errors));
}

}  // namespace

Result<Page<Testimonial>> TestimonialService::list(const TestimonialFilter& filter, const PageRequest& page,
                                                   Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  return with_session<Page<Testimonial>>(pool_, [&](soci::session& sql) -> Result<Page<Testimonial>> {
    return make_page(testimonial_repository::list(sql, filter, page, audience), page);
  });
}

Result<Testimonial> TestimonialService::get(long long id, Audience audience) {
  return with_session<Testimonial>(pool_, [&](soci::session& sql) -> Result<Testimonial> {
    auto testimonial = testimonial_repository::find_visible(sql, id, audience);
    if (!testimonial) return not_found(id);
    return std::move(*testimonial);
  });
}

Result<Testimonial> TestimonialService::create(const TestimonialInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Testimonial>(pool_, [&](soci::session& sql) -> Result<Testimonial> {
    if (auto missing = testimonial_repository::unknown_links(sql, input); !missing.empty()) {
      return unknown_links(std::move(missing));
    }
    long long id = testimonial_repository::insert(sql, input);
    auto testimonial = *testimonial_repository::find(sql, id);
    record_change(sql, "testimonial", id, ChangeOp::upsert);
    return testimonial;
  });
  return name_missing_links(pool_, std::move(created), input);
}

Result<Testimonial> TestimonialService::update(long long id, int expected_version, const TestimonialInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto updated = in_transaction<Testimonial>(pool_, [&](soci::session& sql) -> Result<Testimonial> {
    if (auto missing = testimonial_repository::unknown_links(sql, input); !missing.empty()) {
      return unknown_links(std::move(missing));
    }
    if (!testimonial_repository::update(sql, id, expected_version, input)) {
      if (!testimonial_repository::find(sql, id)) return not_found(id);
      return changed_concurrently();
    }
    auto testimonial = *testimonial_repository::find(sql, id);
    record_change(sql, "testimonial", id, ChangeOp::upsert);
    return testimonial;
  });
  return name_missing_links(pool_, std::move(updated), input);
}

Status TestimonialService::remove(long long id, std::optional<int> expected_version) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto testimonial = testimonial_repository::find(sql, id, true);
    if (!testimonial) return not_found(id);
    if (expected_version && testimonial->version != *expected_version) return changed_concurrently();
    testimonial_repository::erase(sql, id);
    record_change(sql, "testimonial", id, ChangeOp::remove);
    return Unit{};
  });
}

Result<std::optional<Testimonial>> TestimonialService::find_by_author(const std::string& author_name,
                                                                      const std::string& language) {
  return with_session<std::optional<Testimonial>>(pool_, [&](soci::session& sql) -> Result<std::optional<Testimonial>> {
    return testimonial_repository::find_by_author(sql, author_name, language);
  });
}

}  // namespace zusammen::service
