#include "service/seed.h"

#include "service/companies.h"
#include "service/initiatives.h"

namespace zusammen::service {
namespace {

CompanyInput deutsche_bahn() {
  CompanyInput c;
  c.slug = "deutsche-bahn";
  c.name = "Deutsche Bahn AG";
  c.sector = "Mobilität und Logistik";
  c.website = "https://www.deutschebahn.com";
  c.city = "Berlin";
  c.state = "DE-BE";
  c.description =
      "Seit über drei Jahren setzt sich die Deutsche Bahn verstärkt für die Integration von Geflüchteten ein. "
      "Gastgeberin des dritten Netzwerktreffens 2018 in der DB Akademie in Potsdam. "
      "„Gelungene Integration geht nur zusammen!“ (Martin Seiler, Vorstand Personal & Recht)";
  c.member_since = "2016-02-19";
  c.status = "active";
  c.contact_email = "wir-zusammen@deutschebahn.com";
  return c;
}

std::vector<InitiativeInput> deutsche_bahn_initiatives(long long company_id) {
  InitiativeInput qualification;
  qualification.company_id = company_id;
  qualification.title = "Qualifizierungsprogramm für junge Geflüchtete";
  qualification.summary = "Eigens entwickelte Qualifizierung, die junge Geflüchtete fit für eine Ausbildung macht.";
  qualification.description =
      "„Durch eigens entwickelte Qualifizierungsprogramme machen wir junge Geflüchtete fit für eine Ausbildung“ "
      "– Martin Seiler, Vorstand Personal & Recht, Deutsche Bahn AG.";
  qualification.category = "qualification";
  qualification.target_group = "Junge Geflüchtete vor der Ausbildung";
  qualification.city = "Berlin";
  qualification.state = "DE-BE";
  qualification.start_date = "2016-01-01";
  qualification.participants = 0;
  qualification.published = true;

  InitiativeInput retraining;
  retraining.company_id = company_id;
  retraining.title = "Umschulung zum Elektroniker für Betriebstechnik";
  retraining.summary = "Umschulung für berufserfahrene Geflüchtete zum Elektroniker für Betriebstechnik.";
  retraining.description =
      "Die Deutsche Bahn ermöglicht berufserfahrenen Geflüchteten u.a. eine Umschulung zum Elektroniker für "
      "Betriebstechnik.";
  retraining.category = "retraining";
  retraining.target_group = "Berufserfahrene Geflüchtete";
  retraining.city = "Berlin";
  retraining.state = "DE-BE";
  retraining.start_date = "2016-01-01";
  retraining.participants = 0;
  retraining.published = true;
  return {qualification, retraining};
}

}  // namespace

Result<SeedReport> seed_demo_data(Pool& pool) {
  SeedReport report;
  CompanyService companies(pool);
  InitiativeService initiatives(pool);

  CompanyInput db = deutsche_bahn();
  long long company_id = 0;
  auto existing = companies.find_by_slug(db.slug);
  if (!existing.ok()) return existing.error();
  if (*existing) {
    company_id = (*existing)->id;
    ++report.existing;
  } else {
    auto created = companies.create(db);
    if (!created.ok()) return created.error();
    company_id = created->id;
    ++report.created;
  }

  InitiativeFilter filter;
  filter.company_id = company_id;
  PageRequest page{parse_sort("", kInitiativeSortKeys).value(), kMaxLimit, std::nullopt};
  auto present = initiatives.list(filter, page, Audience::internal);
  if (!present.ok()) return present.error();
  for (const auto& wanted : deutsche_bahn_initiatives(company_id)) {
    bool found = false;
    for (const auto& have : present->items) found = found || have.title == wanted.title;
    if (found) {
      ++report.existing;
      continue;
    }
    auto created = initiatives.create(wanted);
    if (!created.ok()) return created.error();
    ++report.created;
  }
  return report;
}

}  // namespace zusammen::service
