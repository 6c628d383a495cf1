// What member companies do for integration: their initiatives: the domain types (no database here;
// service/initiatives.h has the service).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/model/audience.h"
#include "service/model/boxed.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

struct Image {
  std::string url;
  std::string alt;  // "" marks a decorative image
  bool operator==(const Image&) const = default;
};

// Whom the public may ask about an initiative: published on partner pages, unlike the company's
// internal contact.
struct PublicContact {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  bool operator==(const PublicContact&) const = default;
};

// Where an initiative takes place, beside its city and state (InitiativeInput::city, state).
struct Place {
  std::optional<std::string> street;
  std::optional<std::string> postcode;
  std::optional<double> lat;  // both or neither
  std::optional<double> lon;
  bool operator==(const Place&) const = default;
};

// What a partner website shows of an initiative besides its texts. Most rows have none of it, so
// it is held apart (Boxed): 8 bytes for such a row in memory.
struct PageDetails {
  std::optional<Image> image;
  std::optional<PublicContact> contact;
  Place location;
  std::vector<std::string> languages_offered;  // BCP 47 tags
  std::vector<std::string> target_groups;      // codes of kTargetGroups
  std::optional<std::string> signup_url;
  bool operator==(const PageDetails&) const = default;
};

// What a caller may write.
struct InitiativeInput {
  long long company_id = 0;
  std::string title;
  std::optional<std::string> summary;
  std::optional<std::string> description;
  std::string category;
  std::optional<std::string> target_group;
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  int participants = 0;
  std::optional<std::string> url;
  bool published = false;
  std::optional<std::string> slug;
  Boxed<PageDetails> page;
  bool operator==(const InitiativeInput&) const = default;
};

struct Initiative : InitiativeInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kInitiativeCategories;
extern const std::vector<SortKey> kInitiativeSortKeys;
// The target groups an initiative may name (PageDetails::target_groups), documented in openapi.yaml.
extern const std::vector<std::string_view> kTargetGroups;
constexpr std::size_t kMaxInitiativeSlug = 120;
constexpr std::size_t kMaxLanguagesOffered = 20;

// A language tag as the service accepts it (BCP 47, the forms in use: "de", "ar", "fa-AF",
// "sr-Latn", "es-419"): language, optional script, optional region, each in its canonical case.
bool is_language_tag(std::string_view text);

constexpr int kMaxParticipants = 10000000;

std::vector<FieldError> validate(const InitiativeInput& input);

struct InitiativeFilter {
  std::optional<long long> company_id;
  std::optional<std::string> category;
  std::optional<std::string> state;
  std::optional<std::string> q;
  std::optional<std::string> active_on;  // YYYY-MM-DD
  std::optional<bool> published;
  std::optional<std::string> updated_since;     // SQL "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC (see timestamp_to_sql)
  std::optional<std::string> target_group;      // one of kTargetGroups
  std::optional<std::string> language_offered;  // a language tag
  std::optional<std::string> city;              // compared as the collation compares
  std::optional<std::string> company_slug;      // resolved to company_id by the service
};

// The facets of the initiatives list (?facets=): per facet, how many initiatives each value has
// among those that every other filter selects (not its own: a menu shows what choosing another
// value would give), as the audience may see them.
enum class Facet { category, state, target_group, language, company };
extern const std::vector<std::string_view> kFacetNames;  // as spelled in ?facets=, in Facet's order
struct FacetCount {
  std::string value;  // a category, state, target group, language tag, or company slug
  long long count = 0;
  std::optional<std::string> label;  // a company's name
  bool operator==(const FacetCount&) const = default;
};
// Values with a count above 0, the largest counts first (ties by value).
using FacetCounts = std::vector<std::pair<Facet, std::vector<FacetCount>>>;
// The filter without the facet's own condition.
InitiativeFilter without_own(const InitiativeFilter& filter, Facet facet);
// Orders each facet's values: the largest counts first, ties by value.
void sort_counts(std::vector<FacetCount>& counts);

}  // namespace zusammen::service
