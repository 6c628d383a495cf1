// Member companies of the network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/database.h"
#include "service/model/audience.h"
#include "service/model/company.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

class Catalogue;

class CompanyService {
 public:
  // With a catalogue (service/catalogue.h), reads come from it where it can answer,
  // and every write brings it up to date before it returns.
  explicit CompanyService(Pool& pool, Catalogue* catalogue = nullptr) : pool_(pool), catalogue_(catalogue) {}

  Result<Page<Company>> list(const CompanyFilter& filter, const PageRequest& page, Audience audience);
  Result<Company> get(long long id, Audience audience);
  Result<std::optional<Company>> find_by_slug(const std::string& slug);
  // The id of the company with this slug, if any (whoever may see it: get then decides).
  Result<std::optional<long long>> id_of_slug(const std::string& slug, Audience audience);
  // Several at once; absent ids (and those the audience may not see) are left out.
  Result<std::vector<Company>> get_many(const std::vector<long long>& ids, Audience audience);
  // include=company: the companies that a page of items names (company_ids[i] is item i's, if
  // any), read together (from the catalogue, or in one query), as the audience may see them.
  Result<CompaniesOfItems> companies_of(const std::vector<std::optional<long long>>& company_ids, Audience audience);
  Result<Company> create(const CompanyInput& input);
  // Replaces the writable fields when the stored version is still expected_version.
  Result<Company> update(long long id, int expected_version, const CompanyInput& input);
  Status remove(long long id, std::optional<int> expected_version);

 private:
  Pool& pool_;
  Catalogue* catalogue_;
};

}  // namespace zusammen::service
