// Quotes from people involved in the network: the domain types (no database here; service/testimonials.h has the
// service).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/model/audience.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

// What a caller may write.
struct TestimonialInput {
  std::string quote;
  std::string author_name;
  std::optional<std::string> author_role;
  std::optional<std::string> author_organization;
  std::optional<long long> company_id;
  std::optional<long long> meeting_id;
  std::optional<long long> initiative_id;
  std::string language = "de";
  bool published = false;
  bool operator==(const TestimonialInput&) const = default;
};

struct Testimonial : TestimonialInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kTestimonialLanguages;
extern const std::vector<SortKey> kTestimonialSortKeys;
// A list without ?sort= shows the newest first.
inline constexpr const char* kDefaultTestimonialSort = "-created_at";

constexpr std::size_t kMaxQuoteLength = 5000;

std::vector<FieldError> validate(const TestimonialInput& input);

struct TestimonialFilter {
  std::optional<long long> company_id;
  std::optional<long long> meeting_id;
  std::optional<long long> initiative_id;
  std::optional<std::string> language;
  std::optional<bool> published;
  std::optional<std::string> q;
  std::optional<std::string> updated_since;  // SQL "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC (see timestamp_to_sql)
};

}  // namespace zusammen::service
