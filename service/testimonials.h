// Quotes from people involved in the network, linked to what they speak about.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/listing.h"
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

class TestimonialService {
 public:
  explicit TestimonialService(Pool& pool) : pool_(pool) {}

  // Anonymous callers see published testimonials only.
  Result<Page<Testimonial>> list(const TestimonialFilter& filter, const PageRequest& page, Audience audience);
  Result<Testimonial> get(long long id, Audience audience);
  // An unknown company_id, meeting_id or initiative_id is a validation error naming each such field.
  Result<Testimonial> create(const TestimonialInput& input);
  // Replaces the writable fields when the stored version is still expected_version.
  Result<Testimonial> update(long long id, int expected_version, const TestimonialInput& input);
  Status remove(long long id, std::optional<int> expected_version);
  // The published-or-not testimonial of this author in this language, if any (for the idempotent seed).
  Result<std::optional<Testimonial>> find_by_author(const std::string& author_name, const std::string& language);

 private:
  Pool& pool_;
};

}  // namespace zusammen::service
