// /v1/meetings.ics and /v1/meetings/{id}.ics end to end: data written over HTTP with a
// content:write key, the feeds read anonymously and parsed here (unfolded, split into
// properties) as a calendar client would.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

struct Event {
  std::multimap<std::string, std::string> properties;  // "NAME;PARAMS" -> raw value
  std::string get(const std::string& key) const {
    auto it = properties.find(key);
    return it == properties.end() ? std::string("<absent>") : it->second;
  }
};

struct Calendar {
  std::vector<std::string> header;      // the VCALENDAR's own properties, unfolded
  std::map<std::string, Event> events;  // by UID
  std::size_t event_count = 0;
};

// RFC 5545 parsing as a client does it: CRLF lines only, unfold, components, properties.
Calendar parse(const std::string& body) {
  Calendar out;
  // Every physical line ends with CRLF and holds at most 75 octets.
  std::vector<std::string> physical;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find("\r\n", start);
    if (end == std::string::npos) throw std::runtime_error("the body does not end with CRLF");
    std::string line = body.substr(start, end - start);
    if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) {
      throw std::runtime_error("bare CR or LF in: " + line);
    }
    if (line.size() > 75) throw std::runtime_error("a line of more than 75 octets: " + line);
    physical.push_back(line);
    start = end + 2;
  }
  std::vector<std::string> lines;
  for (const auto& line : physical) {
    if (!line.empty() && line[0] == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
  }
  if (lines.empty() || lines.front() != "BEGIN:VCALENDAR" || lines.back() != "END:VCALENDAR") {
    throw std::runtime_error("not a VCALENDAR");
  }
  Event* current = nullptr;
  Event pending;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line == "BEGIN:VEVENT") {
      pending = Event{};
      current = &pending;
      continue;
    }
    if (line == "END:VEVENT") {
      out.events[pending.get("UID")] = pending;
      ++out.event_count;
      current = nullptr;
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("a content line without ':' " + line);
    if (current) {
      current->properties.emplace(line.substr(0, colon), line.substr(colon + 1));
    } else {
      out.header.push_back(line);
    }
  }
  return out;
}

class CalendarTest : public ApiTest<CalendarTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "calendar", .writer = "content:write", .reader = "content:read"};

 protected:
  long long create_meeting(const json& body) { return created_id(client(), "/v1/meetings", body, writer()); }

  long long create_item(long long meeting_id, const json& body) {
    return created_id(client(), "/v1/meetings/" + str(meeting_id) + "/agenda", body, writer());
  }

  // The Potsdam meeting of the press release: 13 November 2018, 09:00-17:00 in Berlin.
  long long potsdam(const std::string& status = "confirmed", bool published = true) {
    return create_meeting({{"title", "Netzwerktreffen „Wir zusammen“, Potsdam"},
                           {"kind", "network_meeting"},
                           {"starts_at", "2018-11-13T09:00:00+01:00"},
                           {"ends_at", "2018-11-13T17:00:00+01:00"},
                           {"venue",
                            {{"name", "Hasso-Plattner-Institut"},
                             {"street", "Prof.-Dr.-Helmert-Straße 2-3"},
                             {"postal_code", "14482"},
                             {"city", "Potsdam"}}},
                           {"description",
                            "Über 200 Teilnehmerinnen und Teilnehmer; acht parallele Workshops zu Ausbildung, "
                            "Sprachförderung und Qualifizierung.\nMit „Best Cases“ aus den Unternehmen."},
                           {"status", status},
                           {"published", published}});
  }
};

void expect_calendar_headers(const HttpResult& result) {
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.header("content-type").value_or(""), "text/calendar; charset=utf-8");
  EXPECT_TRUE(result.header("etag").has_value());
  EXPECT_EQ(result.header("cache-control").value_or(""), "public, max-age=60");
}

TEST_F(CalendarTest, FeedHoldsPublishedMeetingsWithTheirAgendas) {
  long long meeting = potsdam();
  long long keynote =
      create_item(meeting, {{"kind", "keynote"},
                            {"title", "Begrüßung; Grußwort der Staatssekretärin"},
                            {"starts_at", "2018-11-13T08:00:00Z"},
                            {"ends_at", "2018-11-13T08:30:00Z"},
                            {"room", "Hörsaal 1"},
                            {"speakers", {{{"name", "Dr. Eva Beispiel"}, {"role", "Staatssekretärin"}}}}});
  long long workshop = create_item(meeting, {{"kind", "workshop"},
                                             {"title", "Workshop 1: Ausbildung"},
                                             {"starts_at", "2018-11-13T12:30:00Z"},
                                             {"ends_at", "2018-11-13T14:00:00Z"},
                                             {"room", "Raum A.1"},
                                             {"capacity", 30}});
  long long cancelled = create_meeting({{"title", "Webinar Sprachförderung"},
                                        {"kind", "webinar"},
                                        {"starts_at", "2019-02-05T14:00:00Z"},
                                        {"ends_at", "2019-02-05T15:00:00Z"},
                                        {"status", "cancelled"},
                                        {"published", true}});
  long long planned = create_meeting({{"title", "Netzwerktreffen 2019"},
                                      {"kind", "network_meeting"},
                                      {"starts_at", "2019-06-04T07:00:00Z"},
                                      {"ends_at", "2019-06-04T15:00:00Z"},
                                      {"published", true}});
  long long hidden = create_meeting({{"title", "Interne Vorbereitung"},
                                     {"kind", "other"},
                                     {"starts_at", "2018-11-01T09:00:00Z"},
                                     {"ends_at", "2018-11-01T10:00:00Z"},
                                     {"published", false}});
  long long hidden_item = create_item(hidden, {{"kind", "talk"},
                                               {"title", "Geheim"},
                                               {"starts_at", "2018-11-01T09:00:00Z"},
                                               {"ends_at", "2018-11-01T09:30:00Z"}});
  // A change bumps the version: SEQUENCE follows it.
  auto patched = client().patch("/v1/meetings/" + str(meeting), {{"capacity", 250}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;

  auto result = client().get("/v1/meetings.ics");
  expect_calendar_headers(result);
  Calendar cal = parse(result.body);
  EXPECT_EQ(cal.header,
            (std::vector<std::string>{"VERSION:2.0", "PRODID:-//Wir zusammen//Zusammen API//DE", "CALSCALE:GREGORIAN",
                                      "METHOD:PUBLISH", "X-WR-CALNAME:Wir zusammen – Treffen"}));
  EXPECT_EQ(cal.event_count, 5u);
  std::string m_uid = "meeting-" + str(meeting) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(m_uid));
  const Event& m = cal.events[m_uid];
  EXPECT_EQ(m.get("DTSTART"), "20181113T080000Z");
  EXPECT_EQ(m.get("DTEND"), "20181113T160000Z");
  EXPECT_EQ(m.get("SUMMARY"), "Netzwerktreffen „Wir zusammen“\\, Potsdam");
  EXPECT_EQ(m.get("DESCRIPTION"),
            "Über 200 Teilnehmerinnen und Teilnehmer\\; acht parallele Workshops zu Ausbildung\\, "
            "Sprachförderung und Qualifizierung.\\nMit „Best Cases“ aus den Unternehmen.");
  EXPECT_EQ(m.get("LOCATION"), "Hasso-Plattner-Institut\\, Prof.-Dr.-Helmert-Straße 2-3\\, 14482 Potsdam");
  EXPECT_EQ(m.get("STATUS"), "CONFIRMED");
  EXPECT_EQ(m.get("SEQUENCE"), "1");
  EXPECT_NE(m.get("DTSTAMP"), "<absent>");
  EXPECT_EQ(m.get("DTSTAMP"), m.get("LAST-MODIFIED"));
  EXPECT_EQ(m.get("DTSTAMP").size(), 16u);
  EXPECT_EQ(m.get("DTSTAMP").back(), 'Z');

  std::string k_uid = "agenda-item-" + str(keynote) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(k_uid));
  const Event& k = cal.events[k_uid];
  EXPECT_EQ(k.get("RELATED-TO;RELTYPE=PARENT"), m_uid);
  EXPECT_EQ(k.get("DTSTART"), "20181113T080000Z");
  EXPECT_EQ(k.get("DTEND"), "20181113T083000Z");
  EXPECT_EQ(k.get("SUMMARY"), "Begrüßung\\; Grußwort der Staatssekretärin");
  EXPECT_EQ(k.get("DESCRIPTION"), "Mitwirkende:\\nDr. Eva Beispiel (Staatssekretärin)");
  EXPECT_EQ(k.get("LOCATION"), "Hörsaal 1\\, Hasso-Plattner-Institut\\, Prof.-Dr.-Helmert-Straße 2-3\\, 14482 Potsdam");
  EXPECT_EQ(k.get("STATUS"), "CONFIRMED");
  std::string w_uid = "agenda-item-" + str(workshop) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(w_uid));
  EXPECT_EQ(cal.events[w_uid].get("RELATED-TO;RELTYPE=PARENT"), m_uid);
  EXPECT_EQ(cal.events[w_uid].get("DTSTART"), "20181113T123000Z");

  std::string c_uid = "meeting-" + str(cancelled) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(c_uid));
  EXPECT_EQ(cal.events[c_uid].get("STATUS"), "CANCELLED");
  EXPECT_EQ(cal.events[c_uid].get("LOCATION"), "<absent>");
  std::string p_uid = "meeting-" + str(planned) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(p_uid));
  EXPECT_EQ(cal.events[p_uid].get("STATUS"), "TENTATIVE");
  EXPECT_EQ(cal.events[p_uid].get("SEQUENCE"), "0");

  EXPECT_FALSE(cal.events.contains("meeting-" + str(hidden) + "@zusammen"));
  EXPECT_FALSE(cal.events.contains("agenda-item-" + str(hidden_item) + "@zusammen"));
  EXPECT_EQ(result.body.find("Interne Vorbereitung"), std::string::npos);

  // A content:read key gets the same public feed (privately cacheable).
  auto keyed = client().get("/v1/meetings.ics", reader());
  EXPECT_EQ(keyed.status, 200);
  EXPECT_EQ(keyed.body, result.body);
  EXPECT_EQ(keyed.header("cache-control").value_or(""), "private, no-cache");
}

TEST_F(CalendarTest, FeedFilters) {
  long long meeting = potsdam();
  long long webinar = create_meeting({{"title", "Webinar"},
                                      {"kind", "webinar"},
                                      {"starts_at", "2019-02-05T14:00:00Z"},
                                      {"ends_at", "2019-02-05T15:00:00Z"},
                                      {"published", true}});
  auto by_kind = parse(client().get("/v1/meetings.ics?kind=webinar").body);
  EXPECT_EQ(by_kind.event_count, 1u);
  EXPECT_TRUE(by_kind.events.contains("meeting-" + str(webinar) + "@zusammen"));
  auto from = parse(client().get("/v1/meetings.ics?from=2019-01-01").body);
  EXPECT_EQ(from.event_count, 1u);
  EXPECT_FALSE(from.events.contains("meeting-" + str(meeting) + "@zusammen"));
  auto from_instant = parse(client().get("/v1/meetings.ics?from=2018-11-13T15:00:00Z").body);
  EXPECT_EQ(from_instant.event_count, 2u);

  auto empty = client().get("/v1/meetings.ics?kind=workshop");
  expect_calendar_headers(empty);
  EXPECT_EQ(parse(empty.body).event_count, 0u);

  for (const char* bad : {"/v1/meetings.ics?kind=party", "/v1/meetings.ics?from=gestern", "/v1/meetings.ics?limit=5"}) {
    auto result = client().get(bad);
    EXPECT_EQ(result.status, 400) << bad << ": " << result.body;
    EXPECT_EQ(result.header("content-type").value_or("").rfind("application/problem+json", 0), 0u) << bad;
  }
}

TEST_F(CalendarTest, OneMeeting) {
  long long meeting = potsdam("cancelled");
  long long item = create_item(meeting, {{"kind", "talk"},
                                         {"title", "Best Case: Deutsche Bahn"},
                                         {"starts_at", "2018-11-13T09:00:00Z"},
                                         {"ends_at", "2018-11-13T09:30:00Z"}});
  long long other = create_meeting({{"title", "Anderes Treffen"},
                                    {"kind", "other"},
                                    {"starts_at", "2019-02-05T14:00:00Z"},
                                    {"ends_at", "2019-02-05T15:00:00Z"},
                                    {"published", true}});
  auto result = client().get("/v1/meetings/" + str(meeting) + ".ics");
  expect_calendar_headers(result);
  Calendar cal = parse(result.body);
  EXPECT_EQ(cal.event_count, 2u);
  EXPECT_EQ(cal.header.back(), "X-WR-CALNAME:Netzwerktreffen „Wir zusammen“\\, Potsdam");
  std::string m_uid = "meeting-" + str(meeting) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(m_uid));
  EXPECT_EQ(cal.events[m_uid].get("STATUS"), "CANCELLED");
  std::string i_uid = "agenda-item-" + str(item) + "@zusammen";
  ASSERT_TRUE(cal.events.contains(i_uid));
  EXPECT_EQ(cal.events[i_uid].get("STATUS"), "CANCELLED");
  EXPECT_EQ(cal.events[i_uid].get("RELATED-TO;RELTYPE=PARENT"), m_uid);
  EXPECT_FALSE(cal.events.contains("meeting-" + str(other) + "@zusammen"));
}

TEST_F(CalendarTest, UnpublishedUnknownAndBadIds) {
  long long hidden = potsdam("planned", false);
  for (const std::string& path : {"/v1/meetings/" + str(hidden) + ".ics", std::string("/v1/meetings/4711.ics")}) {
    for (const auto& who : {Headers{}, reader()}) {
      auto result = client().get(path, who);
      EXPECT_EQ(result.status, 404) << path << ": " << result.body;
      EXPECT_EQ(result.header("content-type").value_or("").rfind("application/problem+json", 0), 0u);
      EXPECT_EQ(json::parse(result.body).value("status", 0), 404);
    }
  }
  for (const char* path : {"/v1/meetings/abc.ics", "/v1/meetings/0.ics", "/v1/meetings/-1.ics"}) {
    auto result = client().get(path);
    EXPECT_EQ(result.status, 400) << path << ": " << result.body;
    EXPECT_EQ(result.header("content-type").value_or("").rfind("application/problem+json", 0), 0u);
  }
}

TEST_F(CalendarTest, ConditionalRequestsAnswer304UntilAChange) {
  long long meeting = potsdam();
  for (const std::string& path : {std::string("/v1/meetings.ics"), "/v1/meetings/" + str(meeting) + ".ics"}) {
    auto first = client().get(path);
    ASSERT_EQ(first.status, 200);
    auto etag = first.header("etag");
    ASSERT_TRUE(etag.has_value());
    auto again = client().get(path);
    EXPECT_EQ(again.header("etag"), etag);
    EXPECT_EQ(again.body, first.body);
    auto not_modified = client().get(path, {{"If-None-Match", *etag}});
    EXPECT_EQ(not_modified.status, 304);
    EXPECT_TRUE(not_modified.body.empty());
    EXPECT_EQ(not_modified.header("etag"), etag);
  }
  auto before = client().get("/v1/meetings/" + str(meeting) + ".ics");
  ASSERT_EQ(client().patch("/v1/meetings/" + str(meeting), {{"title", "Neuer Titel"}}, writer()).status, 200);
  auto after = client().get("/v1/meetings/" + str(meeting) + ".ics", {{"If-None-Match", *before.header("etag")}});
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.header("etag"), before.header("etag"));
  EXPECT_NE(after.body.find("SUMMARY:Neuer Titel\r\n"), std::string::npos);
  EXPECT_NE(after.body.find("SEQUENCE:1\r\n"), std::string::npos);
}

}  // namespace
}  // namespace zusammen::testing
