// Member companies of the network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/database.h"
#include "service/listing.h"
#include "service/status.h"

namespace zusammen::service {

class Catalogue;

// What a caller may write.
struct CompanyInput {
  std::string slug;
  std::string name;
  std::optional<std::string> sector;
  std::optional<std::string> website;
  std::optional<std::string> logo_url;
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> description;
  std::optional<std::string> member_since;
  std::string status = "active";
  std::optional<std::string> contact_email;
  bool operator==(const CompanyInput&) const = default;
};

struct Company : CompanyInput {
  long long id = 0;
  std::string created_at;
  std::string updated_at;
  int version = 0;
};

extern const std::vector<std::string_view> kCompanyStatuses;
extern const std::vector<SortKey> kCompanySortKeys;

std::vector<FieldError> validate(const CompanyInput& input);

struct CompanyFilter {
  std::optional<std::string> q;
  std::optional<std::string> state;
  std::optional<std::string> sector;
  std::optional<std::string> status;
  std::optional<std::string> updated_since;  // RFC 3339
};

// Who is asking decides what exists: anonymous callers see active companies only.
enum class Audience { public_only, internal };

class CompanyService {
 public:
  // With a catalogue (service/catalogue.h), reads come from it where it can answer,
  // and every write brings it up to date before it returns.
  explicit CompanyService(Pool& pool, Catalogue* catalogue = nullptr) : pool_(pool), catalogue_(catalogue) {}

  Result<Page<Company>> list(const CompanyFilter& filter, const PageRequest& page, Audience audience);
  Result<Company> get(long long id, Audience audience);
  Result<std::optional<Company>> find_by_slug(const std::string& slug);
  // Several at once (for include=company); absent ids are left out.
  Result<std::vector<Company>> get_many(const std::vector<long long>& ids, Audience audience);
  Result<Company> create(const CompanyInput& input);
  // Replaces the writable fields when the stored version is still expected_version.
  Result<Company> update(long long id, int expected_version, const CompanyInput& input);
  Status remove(long long id, std::optional<int> expected_version);

 private:
  Pool& pool_;
  Catalogue* catalogue_;
};

}  // namespace zusammen::service
