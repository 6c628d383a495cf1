// api/ical: RFC 5545 text escaping, line folding by octets (UTF-8 safe), CRLF, and the
// calendar a set of meetings renders to.
#include "api/ical.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace zusammen::api::ical {
namespace {

// Unfolding (RFC 5545 3.1): a CRLF followed by one space or tab is removed.
std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0 || text.compare(i, 3, "\r\n\t") == 0) {
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

// The physical lines of CRLF-terminated text; fails the test on a bare CR or LF.
std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "text does not end with CRLF";
    if (end == std::string::npos) break;
    std::string line = text.substr(start, end - start);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "bare LF in: " << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << "bare CR in: " << line;
    out.push_back(line);
    start = end + 2;
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// The content lines (unfolded) as name (with parameters) -> values, per component.
struct Component {
  std::string name;
  std::multimap<std::string, std::string> properties;
  std::string get(const std::string& key) const {
    auto it = properties.find(key);
    return it == properties.end() ? std::string("<absent>") : it->second;
  }
};

std::vector<Component> events(const std::string& calendar) {
  std::vector<Component> out;
  std::string unfolded = unfold(calendar);
  bool in_event = false;
  for (const auto& line : physical_lines(unfolded)) {
    if (line == "BEGIN:VEVENT") {
      out.push_back({"VEVENT", {}});
      in_event = true;
      continue;
    }
    if (line == "END:VEVENT") {
      in_event = false;
      continue;
    }
    if (!in_event) continue;
    auto colon = line.find(':');
    out.back().properties.emplace(line.substr(0, colon), line.substr(colon + 1));
  }
  return out;
}

const std::string kLongGerman =
    "„Die Integration von Geflüchteten in den Arbeitsmarkt gelingt nur gemeinsam“, sagte die "
    "Staatssekretärin beim Netzwerktreffen „Wir zusammen“ in Potsdam. Über 200 Unternehmen – "
    "große Konzerne, mittelständische Betriebe und Start-ups – tauschen sich über Ausbildung, "
    "Sprachförderung und Qualifizierung aus; Schüler, Mütter und Väter berichteten über Erfolge "
    "und Hürden. Größe ist nicht entscheidend: Häufig zählt die Begleitung… äöüÄÖÜß € 😀 Ende.";

service::Meeting potsdam() {
  service::Meeting m;
  m.id = 7;
  m.title = "Netzwerktreffen „Wir zusammen“ 2018, Potsdam";
  m.kind = "network_meeting";
  m.starts_at = "2018-11-13T08:00:00Z";
  m.ends_at = "2018-11-13T16:00:00Z";
  m.venue = service::Venue{"Hasso-Plattner-Institut", "Prof.-Dr.-Helmert-Straße 2-3", "14482", "Potsdam"};
  m.description = kLongGerman;
  m.status = "confirmed";
  m.published = true;
  m.created_at = "2018-10-01T10:00:00Z";
  m.updated_at = "2018-11-02T12:30:15Z";
  m.version = 3;
  return m;
}

service::AgendaItem workshop() {
  service::AgendaItem a;
  a.id = 42;
  a.meeting_id = 7;
  a.kind = "workshop";
  a.title = "Workshop 3: Ausbildung; Sprache, Beruf";
  a.description = "Erste Zeile\nZweite Zeile";
  a.starts_at = "2018-11-13T12:30:00Z";
  a.ends_at = "2018-11-13T14:00:00Z";
  a.room = "Hörsaal 1";
  a.speakers = {{"Jana Müller", "Ausbilderin", "Deutsche Bahn AG"}, {"Ali Hassan", std::nullopt, std::nullopt}};
  a.created_at = "2018-10-05T09:00:00Z";
  a.updated_at = "2018-10-06T09:00:00Z";
  a.version = 1;
  return a;
}

TEST(IcalEscape, EscapesBackslashSemicolonCommaAndNewlines) {
  EXPECT_EQ(escape_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
  EXPECT_EQ(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
  EXPECT_EQ(escape_text("Straße: „Zitat“"), "Straße: „Zitat“");  // colon and quotes stay
  EXPECT_EQ(escape_text(std::string("bell\x07") + "!"), "bell!");
}

TEST(IcalFold, ShortLinesStayWholeAndEndWithCrlf) {
  EXPECT_EQ(fold_line("SUMMARY:kurz"), "SUMMARY:kurz\r\n");
  std::string exactly75(75, 'x');
  EXPECT_EQ(fold_line(exactly75), exactly75 + "\r\n");
  std::string seventy_six(76, 'x');
  EXPECT_EQ(fold_line(seventy_six), std::string(75, 'x') + "\r\n x\r\n");
}

TEST(IcalFold, LongGermanTextFoldsAt75OctetsWithoutSplittingCharacters) {
  std::string line = "DESCRIPTION:" + escape_text(kLongGerman + "\n" + kLongGerman);
  std::string folded = fold_line(line);
  auto lines = physical_lines(folded);
  ASSERT_GT(lines.size(), 5u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 75u) << "line " << i << ": " << lines[i];
    if (i > 0) {
      ASSERT_FALSE(lines[i].empty());
      EXPECT_EQ(lines[i][0], ' ');
    }
    // Each physical line on its own is valid UTF-8: no sequence is split.
    EXPECT_TRUE(valid_utf8(lines[i])) << "line " << i << " splits a UTF-8 sequence";
  }
  EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(IcalFold, EveryCutPositionOfMultiByteCharactersIsSafe) {
  // Shift a run of 2-, 3- and 4-octet characters across the fold boundary.
  for (int pad = 0; pad < 8; ++pad) {
    std::string line = "X:" + std::string(static_cast<std::size_t>(pad), 'a');
    for (int i = 0; i < 30; ++i) line += "ä„€😀";
    std::string folded = fold_line(line);
    for (const auto& l : physical_lines(folded)) {
      EXPECT_LE(l.size(), 75u);
      EXPECT_TRUE(valid_utf8(l)) << "pad " << pad;
    }
    EXPECT_EQ(unfold(folded), line + "\r\n");
  }
}

TEST(IcalTimes, UtcForm) {
  EXPECT_EQ(utc_date_time("2018-11-13T08:00:00Z"), "20181113T080000Z");
  EXPECT_EQ(utc_date_time("2018-11-13T08:00:00.123456Z"), "20181113T080000Z");
}

TEST(IcalStatus, MapsMeetingStatuses) {
  EXPECT_EQ(event_status("planned"), "TENTATIVE");
  EXPECT_EQ(event_status("confirmed"), "CONFIRMED");
  EXPECT_EQ(event_status("held"), "CONFIRMED");
  EXPECT_EQ(event_status("cancelled"), "CANCELLED");
}

TEST(IcalCalendar, CalendarIsCrlfOnlyFoldedAndHasTheHeader) {
  std::string cal = render_calendar("Wir zusammen – Treffen", {{potsdam(), {workshop()}}});
  // CRLF everywhere: every LF is preceded by CR, and no CR stands alone.
  for (std::size_t i = 0; i < cal.size(); ++i) {
    if (cal[i] == '\n') {
      EXPECT_TRUE(i > 0 && cal[i - 1] == '\r') << "bare LF at " << i;
    }
    if (cal[i] == '\r') {
      EXPECT_TRUE(i + 1 < cal.size() && cal[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  for (const auto& line : physical_lines(cal)) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(valid_utf8(line));
  }
  auto lines = physical_lines(unfold(cal));
  ASSERT_GE(lines.size(), 7u);
  EXPECT_EQ(lines[0], "BEGIN:VCALENDAR");
  EXPECT_EQ(lines[1], "VERSION:2.0");
  EXPECT_EQ(lines[2], "PRODID:-//Wir zusammen//Zusammen API//DE");
  EXPECT_EQ(lines[3], "CALSCALE:GREGORIAN");
  EXPECT_EQ(lines[4], "METHOD:PUBLISH");
  EXPECT_EQ(lines[5], "X-WR-CALNAME:Wir zusammen – Treffen");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
}

TEST(IcalCalendar, MeetingAndAgendaEvents) {
  std::string cal = render_calendar("Feed", {{potsdam(), {workshop()}}});
  auto ev = events(cal);
  ASSERT_EQ(ev.size(), 2u);
  const auto& m = ev[0];
  EXPECT_EQ(m.get("UID"), "meeting-7@zusammen");
  EXPECT_EQ(m.get("DTSTAMP"), "20181102T123015Z");
  EXPECT_EQ(m.get("DTSTART"), "20181113T080000Z");
  EXPECT_EQ(m.get("DTEND"), "20181113T160000Z");
  EXPECT_EQ(m.get("SUMMARY"), "Netzwerktreffen „Wir zusammen“ 2018\\, Potsdam");
  EXPECT_EQ(m.get("DESCRIPTION"), escape_text(kLongGerman));
  EXPECT_EQ(m.get("LOCATION"), "Hasso-Plattner-Institut\\, Prof.-Dr.-Helmert-Straße 2-3\\, 14482 Potsdam");
  EXPECT_EQ(m.get("STATUS"), "CONFIRMED");
  EXPECT_EQ(m.get("SEQUENCE"), "2");
  EXPECT_EQ(m.get("LAST-MODIFIED"), "20181102T123015Z");
  EXPECT_EQ(m.get("RELATED-TO;RELTYPE=PARENT"), "<absent>");

  const auto& a = ev[1];
  EXPECT_EQ(a.get("UID"), "agenda-item-42@zusammen");
  EXPECT_EQ(a.get("RELATED-TO;RELTYPE=PARENT"), "meeting-7@zusammen");
  EXPECT_EQ(a.get("DTSTART"), "20181113T123000Z");
  EXPECT_EQ(a.get("DTEND"), "20181113T140000Z");
  EXPECT_EQ(a.get("SUMMARY"), "Workshop 3: Ausbildung\\; Sprache\\, Beruf");
  EXPECT_EQ(
      a.get("DESCRIPTION"),
      "Erste Zeile\\nZweite Zeile\\n\\nMitwirkende:\\nJana Müller (Ausbilderin\\, Deutsche Bahn AG)\\nAli Hassan");
  EXPECT_EQ(a.get("LOCATION"), "Hörsaal 1\\, Hasso-Plattner-Institut\\, Prof.-Dr.-Helmert-Straße 2-3\\, 14482 Potsdam");
  EXPECT_EQ(a.get("STATUS"), "CONFIRMED");
  EXPECT_EQ(a.get("SEQUENCE"), "0");
}

TEST(IcalCalendar, CancelledMeetingAndItsProgrammeAreCancelled) {
  auto m = potsdam();
  m.status = "cancelled";
  auto ev = events(render_calendar("Feed", {{m, {workshop()}}}));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].get("STATUS"), "CANCELLED");
  EXPECT_EQ(ev[1].get("STATUS"), "CANCELLED");
}

TEST(IcalCalendar, PlannedMeetingWithoutVenueOrDescription) {
  auto m = potsdam();
  m.status = "planned";
  m.venue.reset();
  m.description.reset();
  m.version = 1;
  auto ev = events(render_calendar("Feed", {{m, {}}}));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].get("STATUS"), "TENTATIVE");
  EXPECT_EQ(ev[0].get("SEQUENCE"), "0");
  EXPECT_EQ(ev[0].get("LOCATION"), "<absent>");
  EXPECT_EQ(ev[0].get("DESCRIPTION"), "<absent>");
}

TEST(IcalCalendar, RenderingIsDeterministic) {
  std::vector<service::MeetingWithAgenda> meetings = {{potsdam(), {workshop()}}};
  EXPECT_EQ(render_calendar("Feed", meetings), render_calendar("Feed", meetings));
}

}  // namespace
}  // namespace zusammen::api::ical
