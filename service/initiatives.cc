#include "service/initiatives.h"

#include <soci/soci.h>

#include "service/catalogue.h"
#include "service/changes.h"
#include "service/repositories/initiative_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kInitiativeCategories = {"language",   "qualification",  "apprenticeship",
                                                             "internship", "employment",     "retraining",
                                                             "mentoring",  "return_support", "other"};
const std::vector<SortKey> kInitiativeSortKeys = {{"title", "i.title"},
                                                  {"created_at", "i.created_at"},
                                                  {"updated_at", "i.updated_at"},
                                                  {"participants", "i.participants"}};

std::vector<FieldError> validate(const InitiativeInput& i) {
  Validator v;
  v.at_least("/company_id", i.company_id, 1);
  v.text("/title", i.title, 200);
  v.text("/summary", i.summary, 500);
  v.text("/description", i.description, 20000);
  v.one_of("/category", i.category, kInitiativeCategories);
  v.text("/target_group", i.target_group, 200);
  v.text("/city", i.city, 100);
  v.german_state("/state", i.state);
  v.date("/start_date", i.start_date);
  v.date("/end_date", i.end_date);
  // YYYY-MM-DD compares correctly as text.
  if (i.start_date && i.end_date && is_valid_date(*i.start_date) && is_valid_date(*i.end_date) &&
      *i.end_date < *i.start_date) {
    v.fail("/end_date", "must not be before start_date");
  }
  v.at_least("/participants", i.participants, 0);
  if (i.participants > kMaxParticipants) {
    v.fail("/participants", "must be at most " + std::to_string(kMaxParticipants));
  }
  v.url("/url", i.url);
  return v.take();
}

namespace {

// An unpublished initiative, or one of a former member, does not exist for anonymous callers.
Error not_found(long long id) { return Error::not_found("No initiative with id " + std::to_string(id) + "."); }

Error unknown_company() {
  return {ErrorCode::validation_failed,
          "The initiative refers to a company that does not exist.",
          {{"/company_id", "does not refer to an existing company"}}};
}

Error changed_concurrently() {
  return {ErrorCode::version_mismatch, "The initiative was changed by someone else.", {}};
}

}  // namespace

Result<Page<Initiative>> InitiativeService::list(const InitiativeFilter& filter, const PageRequest& page,
                                                 Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  if (catalogue_) {
    if (auto answer = catalogue_->initiatives(filter, page, audience)) return std::move(*answer);
  }
  return with_session<Page<Initiative>>(pool_, [&](soci::session& sql) -> Result<Page<Initiative>> {
    return make_page(initiative_repository::list(sql, filter, page, audience), page);
  });
}

Result<Initiative> InitiativeService::get(long long id, Audience audience) {
  if (catalogue_) {
    if (auto answer = catalogue_->initiative(id, audience)) {
      if (!*answer) return not_found(id);
      return std::move(**answer);
    }
  }
  return with_session<Initiative>(pool_, [&](soci::session& sql) -> Result<Initiative> {
    auto initiative = initiative_repository::find_visible(sql, id, audience);
    if (!initiative) return not_found(id);
    return std::move(*initiative);
  });
}

Result<Initiative> InitiativeService::create(const InitiativeInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Initiative>(pool_, [&](soci::session& sql) -> Result<Initiative> {
    if (!initiative_repository::company_exists(sql, input.company_id)) return unknown_company();
    long long id = initiative_repository::insert(sql, input);
    auto initiative = *initiative_repository::find(sql, id);
    record_change(sql, "initiative", id, ChangeOp::upsert);
    return initiative;
  });
  // The company was deleted between the check and the insert: the foreign key stopped it.
  if (!created.ok() && created.error().code == ErrorCode::validation_failed) return unknown_company();
  if (created.ok()) catch_up(catalogue_);
  return created;
}

Result<Initiative> InitiativeService::update(long long id, int expected_version, const InitiativeInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto updated = in_transaction<Initiative>(pool_, [&](soci::session& sql) -> Result<Initiative> {
    if (!initiative_repository::company_exists(sql, input.company_id)) return unknown_company();
    if (!initiative_repository::update(sql, id, expected_version, input)) {
      if (!initiative_repository::find(sql, id)) return not_found(id);
      return changed_concurrently();
    }
    auto initiative = *initiative_repository::find(sql, id);
    record_change(sql, "initiative", id, ChangeOp::upsert);
    return initiative;
  });
  if (!updated.ok() && updated.error().code == ErrorCode::validation_failed) return unknown_company();
  if (updated.ok()) catch_up(catalogue_);
  return updated;
}

Status InitiativeService::remove(long long id, std::optional<int> expected_version) {
  auto removed = in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto initiative = initiative_repository::find(sql, id, true);
    if (!initiative) return not_found(id);
    if (expected_version && initiative->version != *expected_version) return changed_concurrently();
    initiative_repository::erase(sql, id);
    record_change(sql, "initiative", id, ChangeOp::remove);
    return Unit{};
  });
  if (removed.ok()) catch_up(catalogue_);
  return removed;
}

}  // namespace zusammen::service
