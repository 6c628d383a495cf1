#include "service/model/registration.h"

#include <algorithm>

namespace zusammen::service {

const std::vector<std::string_view> kRegistrationStatuses = {"registered", "waitlisted", "cancelled", "attended",
                                                             "no_show"};
const std::vector<SortKey> kRegistrationSortKeys = {
    {"created_at", "r.created_at"}, {"last_name", "r.last_name"}, {"updated_at", "r.updated_at"}};

bool holds_place(std::string_view status) {
  return status == "registered" || status == "attended" || status == "no_show";
}

bool is_allowed_transition(std::string_view from, std::string_view to) {
  if (from == to) return true;
  if (from == "registered") return to == "cancelled" || to == "attended" || to == "no_show";
  if (from == "waitlisted") return to == "cancelled" || to == "registered";
  if (from == "cancelled") return to == "registered" || to == "waitlisted";
  if (from == "attended") return to == "no_show";
  if (from == "no_show") return to == "attended";
  return false;
}

std::string email_key(std::string_view email) {
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

}  // namespace zusammen::service
