#include "service/companies.h"

#include <soci/soci.h>

#include <algorithm>
#include <map>

#include "service/catalogue.h"
#include "service/changes.h"
#include "service/repositories/company_repository.h"
#include "service/validation.h"

namespace zusammen::service {

const std::vector<std::string_view> kCompanyStatuses = {"active", "former"};
const std::vector<SortKey> kCompanySortKeys = {
    {"name", "c.name"}, {"created_at", "c.created_at"}, {"updated_at", "c.updated_at"}};

std::vector<FieldError> validate(const CompanyInput& c) {
  Validator v;
  v.slug("/slug", c.slug);
  v.text("/name", c.name, 200);
  v.text("/sector", c.sector, 100);
  v.url("/website", c.website);
  v.url("/logo_url", c.logo_url);
  v.text("/city", c.city, 100);
  v.german_state("/state", c.state);
  v.text("/description", c.description, 10000);
  v.date("/member_since", c.member_since);
  v.one_of("/status", c.status, kCompanyStatuses);
  v.email("/contact_email", c.contact_email);
  return v.take();
}

namespace {

Error not_found(long long id) { return Error::not_found("No company with id " + std::to_string(id) + "."); }

Error duplicate_slug() {
  return {ErrorCode::already_exists, "A company with this slug exists already.", {{"/slug", "is taken"}}};
}

}  // namespace

Result<Page<Company>> CompanyService::list(const CompanyFilter& filter, const PageRequest& page, Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  if (catalogue_) {
    if (auto answer = catalogue_->companies(filter, page, audience)) return std::move(*answer);
  }
  return with_session<Page<Company>>(pool_, [&](soci::session& sql) -> Result<Page<Company>> {
    return make_page(company_repository::list(sql, filter, page, audience), page);
  });
}

Result<Company> CompanyService::get(long long id, Audience audience) {
  if (catalogue_) {
    if (auto answer = catalogue_->company(id, audience)) {
      if (!*answer) return not_found(id);
      return std::move(**answer);
    }
  }
  return with_session<Company>(pool_, [&](soci::session& sql) -> Result<Company> {
    auto company = company_repository::find(sql, id);
    if (!company || (audience == Audience::public_only && company->status != "active")) return not_found(id);
    return *company;
  });
}

Result<std::optional<Company>> CompanyService::find_by_slug(const std::string& slug) {
  return with_session<std::optional<Company>>(pool_, [&](soci::session& sql) -> Result<std::optional<Company>> {
    return company_repository::find_by_slug(sql, slug);
  });
}

Result<std::optional<long long>> CompanyService::id_of_slug(const std::string& slug, Audience audience) {
  if (catalogue_) {
    if (auto answer = catalogue_->company_slug(slug, audience)) return *answer;
  }
  auto company = find_by_slug(slug);
  if (!company.ok()) return company.error();
  return *company ? std::optional<long long>((*company)->id) : std::nullopt;
}

Result<std::vector<Company>> CompanyService::get_many(const std::vector<long long>& ids, Audience audience) {
  if (catalogue_) {
    if (auto answer = catalogue_->companies(ids, audience)) return std::move(*answer);
  }
  return with_session<std::vector<Company>>(pool_, [&](soci::session& sql) -> Result<std::vector<Company>> {
    return company_repository::find_many(sql, ids, audience);
  });
}

Result<CompaniesOfItems> CompanyService::companies_of(const std::vector<std::optional<long long>>& company_ids,
                                                      Audience audience) {
  std::vector<long long> ids;
  for (const auto& id : company_ids) {
    if (id) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto found = get_many(ids, audience);
  if (!found.ok()) return found.error();
  CompaniesOfItems out;
  out.companies = std::move(*found);
  std::map<long long, std::size_t> index;
  for (std::size_t k = 0; k < out.companies.size(); ++k) index[out.companies[k].id] = k;
  out.of_item.reserve(company_ids.size());
  for (const auto& id : company_ids) {
    auto at = id ? index.find(*id) : index.end();
    out.of_item.push_back(at == index.end() ? std::nullopt : std::optional<std::size_t>(at->second));
  }
  return out;
}

Result<Company> CompanyService::create(const CompanyInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto created = in_transaction<Company>(pool_, [&](soci::session& sql) -> Result<Company> {
    long long id = company_repository::insert(sql, input);
    auto company = *company_repository::find(sql, id);
    record_change(sql, "company", id, ChangeOp::upsert);
    return company;
  });
  if (!created.ok() && created.error().code == ErrorCode::already_exists) return duplicate_slug();
  if (created.ok()) catch_up(catalogue_);
  return created;
}

Result<Company> CompanyService::update(long long id, int expected_version, const CompanyInput& input) {
  if (auto errors = validate(input); !errors.empty()) return Error::validation(std::move(errors));
  auto updated = in_transaction<Company>(pool_, [&](soci::session& sql) -> Result<Company> {
    if (!company_repository::update(sql, id, expected_version, input)) {
      if (!company_repository::find(sql, id)) return not_found(id);
      return Error{ErrorCode::version_mismatch, "The company was changed by someone else.", {}};
    }
    auto company = *company_repository::find(sql, id);
    record_change(sql, "company", id, ChangeOp::upsert);
    return company;
  });
  if (!updated.ok() && updated.error().code == ErrorCode::already_exists) return duplicate_slug();
  if (updated.ok()) catch_up(catalogue_);
  return updated;
}

Status CompanyService::remove(long long id, std::optional<int> expected_version) {
  auto removed = in_transaction<Unit>(pool_, [&](soci::session& sql) -> Result<Unit> {
    auto company = company_repository::find(sql, id, true);
    if (!company) return not_found(id);
    if (expected_version && company->version != *expected_version) {
      return Error{ErrorCode::version_mismatch, "The company was changed by someone else.", {}};
    }
    if (company_repository::has_initiatives(sql, id)) {
      return Error{ErrorCode::failed_precondition, "The company still has initiatives; delete or move them first.", {}};
    }
    // Meetings it hosts and testimonials about it are guarded by their foreign keys (a 409 too).
    company_repository::erase(sql, id);
    record_change(sql, "company", id, ChangeOp::remove);
    return Unit{};
  });
  if (removed.ok()) catch_up(catalogue_);
  return removed;
}

}  // namespace zusammen::service
