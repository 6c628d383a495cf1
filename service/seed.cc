#include "service/seed.h"

#include <algorithm>

#include "service/companies.h"
#include "service/initiatives.h"
#include "service/meetings.h"
#include "service/testimonials.h"

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
  // Page fields the press release supports (no image, contact or address: it names none).
  qualification.slug = "db-qualifizierung-junge-gefluechtete";
  qualification.page.edit().target_groups = {"young_refugees"};

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
  retraining.slug = "db-umschulung-elektroniker-betriebstechnik";
  retraining.page.edit().target_groups = {"adults", "skilled_workers"};
  return {qualification, retraining};
}

// The 2018 network meeting of the press release, when the meetings step has seeded it: the
// testimonials link to it by its title (or, renamed, as the network meeting of that day).
constexpr const char* kNetworkMeeting2018Title = "Drittes Netzwerktreffen 2018";

Result<std::optional<long long>> network_meeting_2018(Pool& pool) {
  MeetingService meetings(pool);
  MeetingFilter filter;
  filter.from = "2018-11-13 00:00:00";
  filter.to = "2018-11-14 00:00:00";
  filter.kind = "network_meeting";
  PageRequest page{parse_sort("", kMeetingSortKeys).value(), kMaxLimit, std::nullopt};
  auto found = meetings.list(filter, page, Audience::internal);
  if (!found.ok()) return found.error();
  for (const auto& m : found->items) {
    if (m.title == kNetworkMeeting2018Title) return std::optional<long long>(m.id);
  }
  if (found->items.size() == 1) return std::optional<long long>(found->items.front().id);
  return std::optional<long long>();
}

// The two voices of the press release, word for word, without the quotation marks around them
// (the release encloses one in „…“ and the other in "…"); the inner „Wir zusammen“ stays.
std::vector<TestimonialInput> press_release_testimonials(long long deutsche_bahn_id,
                                                         std::optional<long long> meeting_id) {
  TestimonialInput gebers;
  gebers.quote =
      "Gute Sprachkenntnisse, Ausbildung und Arbeit sind wesentliche Treiber für eine erfolgreiche "
      "Integration in die Gesellschaft. Integration gelingt aber nur dann, wenn dazu eine doppelte "
      "Bereitschaft besteht: auf Seiten der Menschen, die zu uns kommen, ebenso wie in unserer "
      "Gesellschaft. Deshalb ist es wichtig, dass Unternehmen, die Integration aktiv fördern und mit "
      "guten Beispielen vorangehen. Daher ist das Engagement des Netzwerks „Wir zusammen“ so wertvoll "
      "und wichtig.";
  gebers.author_name = "Leonie Gebers";
  gebers.author_role = "Staatssekretärin";
  gebers.author_organization = "Bundesministerium für Arbeit und Soziales";
  gebers.meeting_id = meeting_id;
  gebers.language = "de";
  gebers.published = true;

  TestimonialInput seiler;
  seiler.quote =
      "Seit über drei Jahren setzt sich die Deutsche Bahn verstärkt für die Integration von "
      "Geflüchteten ein. Durch eigens entwickelte Qualifizierungsprogramme machen wir junge "
      "Geflüchtete fit für eine Ausbildung und ermöglichen berufserfahrenen Geflüchteten u.a. eine "
      "Umschulung zum Elektroniker für Betriebstechnik. Unsere Überzeugung: Gelungene Integration geht "
      "nur zusammen! Deshalb engagiert sich die Deutsche Bahn gemeinsam mit vielen anderen Unternehmen "
      "im Netzwerk „Wir zusammen“.";
  seiler.author_name = "Martin Seiler";
  seiler.author_role = "Vorstand Personal & Recht";
  seiler.author_organization = "Deutsche Bahn AG";
  seiler.company_id = deutsche_bahn_id;
  seiler.meeting_id = meeting_id;
  seiler.language = "de";
  seiler.published = true;
  return {gebers, seiler};
}

// The meeting of the press release, on 13 November at the DB Akademie in Potsdam. Times are
// Berlin local (UTC+1 in November); the service stores them in UTC.
MeetingInput network_meeting_2018_input(long long host_company_id) {
  MeetingInput m;
  m.title = kNetworkMeeting2018Title;
  m.kind = "network_meeting";
  m.starts_at = "2018-11-13T09:00:00+01:00";
  m.ends_at = "2018-11-13T16:30:00+01:00";
  m.timezone = "Europe/Berlin";
  m.venue = Venue{"DB Akademie", std::nullopt, std::nullopt, "Potsdam"};
  m.host_company_id = host_company_id;
  m.description =
      "Aus erfolgreichen Beispielen lernen, Wissen weitergeben, neue Kontakte knüpfen: Die „Wir zusammen“ "
      "Unternehmen tauschen ihre Erfahrungen bei der Integration von Geflüchteten aus – mit Kurzvorträgen, "
      "Best Cases und acht Workshops zu aktuellen Themen aus dem Integrationsalltag. Gastgeber ist das "
      "Netzwerkmitglied Deutsche Bahn.";
  m.status = "held";
  m.published = true;
  return m;
}

// The evening before, in another city and at another venue: a meeting of its own, so that each
// has its true place and time (in calendars too).
MeetingInput get_together_2018_input(long long host_company_id) {
  MeetingInput m;
  m.title = "Get-together am Vorabend des dritten Netzwerktreffens 2018";
  m.kind = "other";
  m.starts_at = "2018-11-12T18:00:00+01:00";
  m.ends_at = "2018-11-12T21:00:00+01:00";
  m.timezone = "Europe/Berlin";
  m.venue = Venue{"DB Tower", "Potsdamer Platz", std::nullopt, "Berlin"};
  m.host_company_id = host_company_id;
  m.description =
      "Zum zwanglosen Auftakt des dritten Netzwerktreffens 2018 treffen sich die Gäste bereits am Vorabend im DB "
      "Tower am Potsdamer Platz in Berlin.";
  m.status = "held";
  m.published = true;
  return m;
}

AgendaItemInput agenda_item(std::string kind, std::string title, std::string starts_at, std::string ends_at,
                            std::optional<std::string> description, std::vector<Speaker> speakers = {}) {
  AgendaItemInput a;
  a.kind = std::move(kind);
  a.title = std::move(title);
  a.starts_at = std::move(starts_at);
  a.ends_at = std::move(ends_at);
  a.description = std::move(description);
  a.speakers = std::move(speakers);
  return a;
}

std::vector<AgendaItemInput> get_together_2018_agenda() {
  AgendaItemInput social =
      agenda_item("social", "Zwangloser Auftakt", "2018-11-12T18:00:00+01:00", "2018-11-12T21:00:00+01:00",
                  "Die Gäste des Netzwerktreffens lernen sich am Vorabend im DB Tower kennen.");
  social.room = "DB Tower, Potsdamer Platz, Berlin";
  return {social};
}

std::vector<AgendaItemInput> network_meeting_2018_agenda() {
  const Speaker gebers{"Leonie Gebers", "Staatssekretärin", "Bundesministerium für Arbeit und Soziales (BMAS)"};
  const Speaker peine{"Marlies Peine", "Projektleiterin „Wir zusammen“", std::nullopt};
  const Speaker seiler{"Martin Seiler", "Vorstand Personal & Recht", "Deutsche Bahn AG"};
  const std::string workshops_start = "2018-11-13T14:00:00+01:00";
  const std::string workshops_end = "2018-11-13T15:30:00+01:00";
  return {
      agenda_item("keynote", "Impulsvortrag zum Fachkräfteeinwanderungsgesetz", "2018-11-13T09:30:00+01:00",
                  "2018-11-13T10:00:00+01:00",
                  "Leonie Gebers eröffnet den offiziellen Teil des Netzwerktreffens und informiert unter anderem über "
                  "das neue Fachkräfteeinwanderungsgesetz.",
                  {gebers}),
      agenda_item("talk", "Projekt-Update „Wir zusammen“", "2018-11-13T10:00:00+01:00", "2018-11-13T10:20:00+01:00",
                  "Marlies Peine bringt die Teilnehmer zur Projekt-Arbeit von „Wir zusammen“ auf den neusten Stand.",
                  {peine}),
      agenda_item("discussion", "Diskussion in großer Runde", "2018-11-13T10:20:00+01:00", "2018-11-13T11:00:00+01:00",
                  "Die Teilnehmer erörtern grundsätzliche Fragen in größerer Runde."),
      agenda_item("best_case", "Best Cases aus den Mitgliedsunternehmen", "2018-11-13T11:15:00+01:00",
                  "2018-11-13T12:00:00+01:00",
                  "Kurzvorträge: Unternehmen stellen erfolgreiche Beispiele aus ihrem Integrationsalltag vor."),
      agenda_item("panel", "Podiumsdiskussion", "2018-11-13T12:00:00+01:00", "2018-11-13T12:45:00+01:00",
                  "Die Beteiligten waren sich einig: Die Unternehmen haben bereits viele Erfolge bei der Integration "
                  "Geflüchteter erlebt. Doch es gibt noch viel zu tun.",
                  {gebers, seiler, {"Marlies Peine", "Projektleitung „Wir zusammen“", std::nullopt}}),
      agenda_item("workshop", "Ausbilder auf die Betreuung von Geflüchteten vorbereiten", workshops_start,
                  workshops_end,
                  "Wie Ausbilder bestmöglich auf die Betreuung von Geflüchteten vorbereitet werden können, damit die "
                  "interkulturelle Zusammenarbeit in den Betrieben gut funktioniert."),
      agenda_item("workshop", "„Perspektive Heimat“", workshops_start, workshops_end,
                  "Wie deutsche Unternehmen Rückkehrer dabei unterstützen können, die wirtschaftliche und soziale Lage "
                  "in ihren Heimatländern zu verbessern."),
      agenda_item("workshop", "Pressearbeit zum Thema Migration & Flucht", workshops_start, workshops_end,
                  "Jan Boris Wintzenburg vom stern spricht mit den Teilnehmern über die Pressearbeit von Journalisten "
                  "zum Thema Migration & Flucht.",
                  {{"Jan Boris Wintzenburg", "Journalist", "stern"}}),
      agenda_item("workshop", "„Konjunktur des Rechtspopulismus“", workshops_start, workshops_end,
                  "Eine wissenschaftlichere Perspektive auf den Rechtspopulismus."),
  };
}

// A meeting found by its title (or created), then each agenda item missing by title. A meeting
// that exists already may have been moved by an editor: items its times no longer hold are left
// out rather than failing the seed (the seed never moves a meeting).
Status seed_meeting(Pool& pool, const MeetingInput& wanted, const std::vector<AgendaItemInput>& agenda,
                    SeedReport& report) {
  MeetingService meetings(pool);
  MeetingFilter filter;
  filter.q = wanted.title;
  PageRequest page{parse_sort("", kMeetingSortKeys).value(), kMaxLimit, std::nullopt};
  auto found = meetings.list(filter, page, Audience::internal);
  if (!found.ok()) return found.error();
  std::optional<Meeting> meeting;
  for (const auto& m : found->items) {
    if (m.title == wanted.title) meeting = m;
  }
  if (meeting) {
    ++report.existing;
  } else {
    auto created = meetings.create(wanted);
    if (!created.ok()) return created.error();
    meeting = *created;
    ++report.created;
  }
  auto present = meetings.agenda(meeting->id, Audience::internal);
  if (!present.ok()) return present.error();
  for (const auto& item : agenda) {
    bool have =
        std::any_of(present->begin(), present->end(), [&](const AgendaItem& a) { return a.title == item.title; });
    if (have) {
      ++report.existing;
      continue;
    }
    bool fits = to_sql_seconds(item.starts_at) >= to_sql_seconds(meeting->starts_at) &&
                to_sql_seconds(item.ends_at) <= to_sql_seconds(meeting->ends_at);
    if (!fits) continue;
    auto created = meetings.add_agenda_item(meeting->id, item);
    if (!created.ok()) return created.error();
    ++report.created;
  }
  return ok_status();
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

  // The meeting of the press release and its programme (before the testimonials, which link to it).
  for (const auto& [meeting, agenda] :
       {std::pair{get_together_2018_input(company_id), get_together_2018_agenda()},
        std::pair{network_meeting_2018_input(company_id), network_meeting_2018_agenda()}}) {
    if (auto seeded = seed_meeting(pool, meeting, agenda, report); !seeded.ok()) return seeded.error();
  }

  // Last, so that the meeting the quotes were given at is there when an earlier step seeds it.
  TestimonialService testimonials(pool);
  auto meeting = network_meeting_2018(pool);
  if (!meeting.ok()) return meeting.error();
  for (const auto& wanted : press_release_testimonials(company_id, *meeting)) {
    auto have = testimonials.find_by_author(wanted.author_name, wanted.language);
    if (!have.ok()) return have.error();
    if (*have) {
      ++report.existing;
      continue;
    }
    auto created = testimonials.create(wanted);
    if (!created.ok()) return created.error();
    ++report.created;
  }
  return report;
}

}  // namespace zusammen::service
