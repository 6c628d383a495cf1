#include "service/initiatives.h"

#include "service/repositories/company_repository.h"
#include "service/repositories/initiative_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kInitiativeCategories = {
    "language",   "qualification", "apprenticeship", "internship", "employment",
    "retraining", "mentoring",     "return_support", "other"};
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
void restrict_to(sql::Query& query, Audience audience) {
  if (audience == Audience::public_only) {
    query.where("i.published = 1 AND EXISTS (SELECT 1 FROM companies c WHERE c.id = i.company_id AND "
                "c.status = 'active')");
  }
}

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
  return with_session<Page<Initiative>>(pool_, [&](soci::session& sql) -> Result<Page<Initiative>> {
    auto query = initiative_repository::select_query(sort_value_column(page.sort));
    restrict_to(query, audience);
    if (filter.company_id) query.where("i.company_id = ?", {std::to_string(*filter.company_id)});
    if (filter.category) query.where("i.category = ?", {*filter.category});
    if (filter.state) query.where("i.state = ?", {*filter.state});
    if (filter.q) {
      if (auto terms = company_repository::fulltext_terms(*filter.q)) {
        query.where("MATCH (i.title, i.summary, i.description) AGAINST (? IN BOOLEAN MODE)", {*terms});
      }
    }
    if (filter.active_on) {
      query.where("(i.start_date IS NULL OR i.start_date <= ?) AND (i.end_date IS NULL OR i.end_date >= ?)",
                  {*filter.active_on, *filter.active_on});
    }
    if (filter.published) query.where("i.published = ?", {*filter.published ? "1" : "0"});
    if (filter.updated_since) query.where("i.updated_at >= ?", {*filter.updated_since});
    apply_page(query, page);
    return make_page(initiative_repository::fetch(sql, query), page);
  });
}

Result<Initiative> InitiativeService::get(long long id, Audience audience) {
  return with_session<Initiative>(pool_, [&](soci::session& sql) -> Result<Initiative> {
    // Visibility depends on the company too, so it is part of the query rather than checked afterwards.
    auto query = initiative_repository::select_query();
    query.where("i.id = ?", {std::to_string(id)});
    restrict_to(query, audience);
    auto rows = initiative_repository::fetch(sql, query);
    if (rows.empty()) return not_found(id);
    return std::move(rows.front().first);
  });
}

Result<Initiative> InitiativeService::create(const InitiativeInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Initiative>(pool_, [&](soci::session& sql) -> Result<Initiative> {
    if (!initiative_repository::company_exists(sql, input.company_id)) return unknown_company();
    long long id = initiative_repository::insert(sql, input);
    return *initiative_repository::find(sql, id);
  });
  // The company was deleted between the check and the insert: the foreign key stopped it.
  if (!created.ok() && created.error().code == ErrorCode::validation_failed) return unknown_company();
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
    return *initiative_repository::find(sql, id);
  });
  if (!updated.ok() && updated.error().code == ErrorCode::validation_failed) return unknown_company();
  return updated;
}

Status InitiativeService::remove(long long id, std::optional<int> expected_version) {
  return in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto initiative = initiative_repository::find(sql, id, true);
    if (!initiative) return not_found(id);
    if (expected_version && initiative->version != *expected_version) return changed_concurrently();
    initiative_repository::erase(sql, id);
    return Unit{};
  });
}

}  // namespace zusammen::service
