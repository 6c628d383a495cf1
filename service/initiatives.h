// What member companies do for integration: their initiatives.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/model/initiative.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

class Catalogue;

class InitiativeService {
 public:
  // With a catalogue (service/catalogue.h), reads come from it where it can answer,
  // and every write brings it up to date before it returns.
  explicit InitiativeService(Pool& pool, Catalogue* catalogue = nullptr) : pool_(pool), catalogue_(catalogue) {}

  // Anonymous callers see published initiatives of active companies only.
  Result<Page<Initiative>> list(const InitiativeFilter& filter, const PageRequest& page, Audience audience);
  // ?facets=: per facet, the counts of its values among what every other filter selects.
  Result<FacetCounts> facets(const InitiativeFilter& filter, const std::vector<Facet>& wanted, Audience audience);
  Result<Initiative> get(long long id, Audience audience);
  // The id of the initiative with this slug, if any (whoever may see it: get then decides).
  Result<std::optional<long long>> id_of_slug(const std::string& slug, Audience audience);
  Result<Initiative> create(const InitiativeInput& input);
  // Replaces the writable fields when the stored version is still expected_version.
  Result<Initiative> update(long long id, int expected_version, const InitiativeInput& input);
  Status remove(long long id, std::optional<int> expected_version);

 private:
  // The filter with its company slug turned into the company's id; nullopt when no company has
  // that slug (or it names another company than company_id): nothing is selected.
  Result<std::optional<InitiativeFilter>> resolved(const InitiativeFilter& filter, Audience audience);

  Pool& pool_;
  Catalogue* catalogue_;
};

}  // namespace zusammen::service
