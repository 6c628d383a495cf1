#include "service/initiatives.h"

#include <soci/soci.h>

#include <algorithm>
#include <map>

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

const std::vector<std::string_view> kTargetGroups = {
    "young_refugees",       "adults",    "women",           "families",
    "unaccompanied_minors", "academics", "skilled_workers", "employees"};

bool is_language_tag(std::string_view text) {
  auto all = [](std::string_view part, auto test) {
    return std::all_of(part.begin(), part.end(), [&](char c) { return test(static_cast<unsigned char>(c)); });
  };
  auto lower = [](unsigned char c) { return c >= 'a' && c <= 'z'; };
  auto upper = [](unsigned char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto dash = text.find('-', start);
    parts.push_back(text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() > 3 || parts[0].size() < 2 || parts[0].size() > 3 || !all(parts[0], lower)) return false;
  std::size_t at = 1;
  if (at < parts.size() && parts[at].size() == 4 && upper(parts[at][0]) && all(parts[at].substr(1), lower)) ++at;
  if (at < parts.size() &&
      ((parts[at].size() == 2 && all(parts[at], upper)) || (parts[at].size() == 3 && all(parts[at], digit)))) {
    ++at;
  }
  return at == parts.size();
}

const std::vector<std::string_view> kFacetNames = {"category", "state", "target_group", "language", "company"};

InitiativeFilter without_own(const InitiativeFilter& filter, Facet facet) {
  InitiativeFilter out = filter;
  switch (facet) {
    case Facet::category:
      out.category.reset();
      break;
    case Facet::state:
      out.state.reset();
      break;
    case Facet::target_group:
      out.target_group.reset();
      break;
    case Facet::language:
      out.language_offered.reset();
      break;
    case Facet::company:
      out.company_id.reset();
      out.company_slug.reset();
      break;
  }
  return out;
}

void sort_counts(std::vector<FacetCount>& counts) {
  std::sort(counts.begin(), counts.end(), [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
}

namespace {

// A list of distinct values, each checked by `valid` (its message otherwise).
template <typename Valid>
void distinct_values(Validator& v, const std::string& field, const std::vector<std::string>& values, std::size_t max,
                     Valid valid, const std::string& message) {
  if (values.size() > max) v.fail(field, "must have at most " + std::to_string(max) + " entries");
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::string at = field + "/" + std::to_string(k);
    if (!valid(values[k])) {
      v.fail(at, message);
    } else if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values[k]) !=
               values.begin() + static_cast<std::ptrdiff_t>(k)) {
      v.fail(at, "is listed twice");
    }
  }
}

bool is_postcode(const std::string& text) {
  return text.size() == 5 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "+49 30 1234567", "030/123 45-67", "0331 (0) 123": a digit first (after an optional +), then digits
// and the usual separators.
bool is_phone(const std::string& text) {
  std::size_t start = !text.empty() && text[0] == '+' ? 1 : 0;
  if (text.size() <= start || text[start] < '0' || text[start] > '9') return false;
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '(' || c == ')' || c == '/' || c == '-';
  });
}

void validate_page(Validator& v, const PageDetails& p) {
  if (p.image) {
    v.url("/image/url", p.image->url);
    v.text("/image/alt", std::optional<std::string>(p.image->alt), 300);
  }
  if (p.contact) {
    const PublicContact& c = *p.contact;
    if (!c.name && !c.email && !c.phone) v.fail("/contact", "must have a name, an email or a phone number");
    v.text("/contact/name", c.name, 200);
    v.email("/contact/email", c.email);
    if (c.phone && (!is_phone(*c.phone) || c.phone->size() > 40)) {
      v.fail("/contact/phone", "must be a phone number of at most 40 characters (digits, +, spaces, ( ) / -)");
    }
  }
  const Place& l = p.location;
  v.text("/location/street", l.street, 200);
  if (l.postcode && !is_postcode(*l.postcode)) v.fail("/location/postcode", "must be a German postcode (5 digits)");
  if (l.lat && (*l.lat < -90 || *l.lat > 90)) v.fail("/location/lat", "must be between -90 and 90");
  if (l.lon && (*l.lon < -180 || *l.lon > 180)) v.fail("/location/lon", "must be between -180 and 180");
  if (l.lat.has_value() != l.lon.has_value())
    v.fail(l.lat ? "/location/lon" : "/location/lat", "must be given with the other coordinate");
  distinct_values(
      v, "/languages_offered", p.languages_offered, kMaxLanguagesOffered,
      [](const std::string& t) { return is_language_tag(t); },
      "must be a BCP 47 language tag such as de, ar, fa-AF or sr-Latn");
  std::string groups;
  for (auto g : kTargetGroups) groups += (groups.empty() ? "" : ", ") + std::string(g);
  distinct_values(
      v, "/target_groups", p.target_groups, kTargetGroups.size(),
      [](const std::string& g) {
        return std::find(kTargetGroups.begin(), kTargetGroups.end(), g) != kTargetGroups.end();
      },
      "must be one of: " + groups);
  v.url("/signup_url", p.signup_url);
}

}  // namespace

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
  if (i.slug) v.slug("/slug", *i.slug, kMaxInitiativeSlug);
  validate_page(v, i.page.get());
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

Error duplicate_slug() {
  return {ErrorCode::already_exists, "An initiative with this slug exists already.", {{"/slug", "is taken"}}};
}

Error changed_concurrently() {
  return {ErrorCode::version_mismatch, "The initiative was changed by someone else.", {}};
}

}  // namespace

Result<std::optional<InitiativeFilter>> InitiativeService::resolved(const InitiativeFilter& given, Audience audience) {
  InitiativeFilter filter = given;
  if (!filter.company_slug) return std::optional(filter);
  auto company = CompanyService(pool_, catalogue_).id_of_slug(*filter.company_slug, audience);
  if (!company.ok()) return company.error();
  if (!*company || (filter.company_id && *filter.company_id != **company)) return std::optional<InitiativeFilter>();
  filter.company_id = **company;
  filter.company_slug.reset();
  return std::optional(filter);
}

Result<Page<Initiative>> InitiativeService::list(const InitiativeFilter& given, const PageRequest& page,
                                                 Audience audience) {
  if (given.q && !sql::fulltext_terms(*given.q)) return search_without_words();
  auto resolved_filter = resolved(given, audience);
  if (!resolved_filter.ok()) return resolved_filter.error();
  if (!*resolved_filter) return Page<Initiative>{};  // a company slug no company has
  const InitiativeFilter& filter = **resolved_filter;
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

Result<FacetCounts> InitiativeService::facets(const InitiativeFilter& filter, const std::vector<Facet>& wanted,
                                              Audience audience) {
  if (filter.q && !sql::fulltext_terms(*filter.q)) return search_without_words();
  // The company slug is resolved once: every facet but the company's keeps that filter.
  auto with_company = resolved(filter, audience);
  if (!with_company.ok()) return with_company.error();
  FacetCounts out;
  for (Facet facet : wanted) {
    std::optional<InitiativeFilter> resolved_filter =
        facet == Facet::company ? std::optional(without_own(filter, facet))
        : *with_company         ? std::optional(without_own(**with_company, facet))
                                : std::nullopt;  // a company slug no company has: nothing selected
    std::vector<std::pair<std::string, long long>> counts;
    if (resolved_filter) {
      std::optional<std::vector<std::pair<std::string, long long>>> answer;
      if (catalogue_) answer = catalogue_->facet_counts(*resolved_filter, facet, audience);
      if (!answer) {
        auto read = with_session<std::vector<std::pair<std::string, long long>>>(
            pool_, [&](soci::session& sql) -> Result<std::vector<std::pair<std::string, long long>>> {
              return initiative_repository::facet_counts(sql, *resolved_filter, facet, audience);
            });
        if (!read.ok()) return read.error();
        answer = std::move(*read);
      }
      counts = std::move(*answer);
    }
    std::vector<FacetCount> values;
    for (auto& [value, count] : counts) {
      if (count > 0) values.push_back({std::move(value), count, std::nullopt});
    }
    if (facet == Facet::company) {
      // A company's slug (the company filter's value) and name, for the companies the audience sees.
      std::vector<long long> ids;
      ids.reserve(values.size());
      for (const auto& v : values) ids.push_back(std::stoll(v.value));
      auto companies = CompanyService(pool_, catalogue_).get_many(ids, audience);
      if (!companies.ok()) return companies.error();
      std::map<std::string, const Company*> by_id;
      for (const auto& c : *companies) by_id[std::to_string(c.id)] = &c;
      std::vector<FacetCount> named;
      for (auto& v : values) {
        auto it = by_id.find(v.value);
        if (it != by_id.end()) named.push_back({it->second->slug, v.count, it->second->name});
      }
      values = std::move(named);
    }
    sort_counts(values);
    out.emplace_back(facet, std::move(values));
  }
  return out;
}

Result<std::optional<long long>> InitiativeService::id_of_slug(const std::string& slug, Audience audience) {
  if (catalogue_) {
    if (auto answer = catalogue_->initiative_slug(slug, audience)) return *answer;
  }
  return with_session<std::optional<long long>>(pool_, [&](soci::session& sql) -> Result<std::optional<long long>> {
    return initiative_repository::id_of_slug(sql, slug);
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
  if (!created.ok() && created.error().code == ErrorCode::already_exists) return duplicate_slug();
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
  if (!updated.ok() && updated.error().code == ErrorCode::already_exists) return duplicate_slug();
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
