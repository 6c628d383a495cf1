#pragma once

#include <soci/soci.h>

#include <optional>
#include <vector>

#include "service/model/audience.h"
#include "service/model/testimonial.h"
#include "service/repositories/paging.h"
#include "service/repositories/sql.h"

namespace zusammen::service::testimonial_repository {

// SELECT ... FROM testimonials t — extend with where()/apply_page(); the last column is the sort value.
sql::Query select_query(const std::string& sort_value_column = "CAST(t.id AS CHAR)");
SortedRows<Testimonial> fetch(soci::session& session, const sql::Query& query);
std::optional<Testimonial> find(soci::session& session, long long id, bool lock = false);
long long insert(soci::session& session, const TestimonialInput& input);
// False when no row has this id and version.
bool update(soci::session& session, long long id, int expected_version, const TestimonialInput& input);
bool erase(soci::session& session, long long id);
// The links of input that refer to nothing, as field errors ("/company_id", ...).
std::vector<FieldError> unknown_links(soci::session& session, const TestimonialInput& input);
// One page of the filtered list, as the audience may see it: anonymous callers see published ones only.
SortedRows<Testimonial> list(soci::session& session, const TestimonialFilter& filter, const PageRequest& page,
                             Audience audience);
std::optional<Testimonial> find_visible(soci::session& session, long long id, Audience audience);
std::optional<Testimonial> find_by_author(soci::session& session, const std::string& author_name,
                                          const std::string& language);

}  // namespace zusammen::service::testimonial_repository
