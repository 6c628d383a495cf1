// Quotes from people involved in the network, linked to what they speak about.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/model/listing.h"
#include "service/model/testimonial.h"
#include "service/status.h"

namespace zusammen::service {

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
