#include "api/ical.h"

namespace zusammen::api::ical {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

void add(std::string& out, std::string_view name, std::string_view value) {
  std::string line;
  line.reserve(name.size() + 1 + value.size());
  line.append(name).push_back(':');
  line.append(value);
  out += fold_line(line);
}

void add_text(std::string& out, std::string_view name, std::string_view value) { add(out, name, escape_text(value)); }

// "Name, Street, 14467 Potsdam": the parts present, in this order.
std::string venue_text(const std::optional<service::Venue>& venue) {
  if (!venue) return {};
  std::vector<std::string> parts;
  if (venue->name) parts.push_back(*venue->name);
  if (venue->street) parts.push_back(*venue->street);
  std::string place;
  if (venue->postal_code) place = *venue->postal_code;
  if (venue->city) place += (place.empty() ? "" : " ") + *venue->city;
  if (!place.empty()) parts.push_back(place);
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

std::string speaker_text(const service::Speaker& s) {
  std::string details;
  if (s.role) details = *s.role;
  if (s.organization) {
    if (!details.empty()) details += ", ";
    details += *s.organization;
  }
  return details.empty() ? s.name : s.name + " (" + details + ")";
}

void add_meeting(std::string& out, const service::Meeting& m) {
  out += "BEGIN:VEVENT\r\n";
  add(out, "UID", meeting_uid(m.id));
  add(out, "DTSTAMP", utc_date_time(m.updated_at));
  add(out, "DTSTART", utc_date_time(m.starts_at));
  add(out, "DTEND", utc_date_time(m.ends_at));
  add_text(out, "SUMMARY", m.title);
  if (m.description && !m.description->empty()) add_text(out, "DESCRIPTION", *m.description);
  if (auto location = venue_text(m.venue); !location.empty()) add_text(out, "LOCATION", location);
  add(out, "STATUS", event_status(m.status));
  add(out, "SEQUENCE", std::to_string(m.version > 0 ? m.version - 1 : 0));
  add(out, "CREATED", utc_date_time(m.created_at));
  add(out, "LAST-MODIFIED", utc_date_time(m.updated_at));
  out += "END:VEVENT\r\n";
}

void add_agenda_item(std::string& out, const service::Meeting& m, const service::AgendaItem& a) {
  out += "BEGIN:VEVENT\r\n";
  add(out, "UID", agenda_item_uid(a.id));
  add(out, "DTSTAMP", utc_date_time(a.updated_at));
  add(out, "DTSTART", utc_date_time(a.starts_at));
  add(out, "DTEND", utc_date_time(a.ends_at));
  add_text(out, "SUMMARY", a.title);
  std::string description = a.description.value_or("");
  if (!a.speakers.empty()) {
    if (!description.empty()) description += "\n\n";
    description += "Mitwirkende:";
    for (const auto& s : a.speakers) description += "\n" + speaker_text(s);
  }
  if (!description.empty()) add_text(out, "DESCRIPTION", description);
  std::string location = a.room.value_or("");
  if (auto venue = venue_text(m.venue); !venue.empty()) {
    if (!location.empty()) location += ", ";
    location += venue;
  }
  if (!location.empty()) add_text(out, "LOCATION", location);
  // The programme of a cancelled meeting is cancelled with it.
  add(out, "STATUS", event_status(m.status));
  add(out, "SEQUENCE", std::to_string(a.version > 0 ? a.version - 1 : 0));
  add(out, "CREATED", utc_date_time(a.created_at));
  add(out, "LAST-MODIFIED", utc_date_time(a.updated_at));
  add(out, "RELATED-TO;RELTYPE=PARENT", meeting_uid(m.id));
  out += "END:VEVENT\r\n";
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out.push_back(c);  // HTAB is allowed in TEXT
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) break;  // CONTROL: not allowed
        out.push_back(c);
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + (line.size() / (kMaxLineOctets - 1) + 1) * 3 + 2);
  std::size_t limit = kMaxLineOctets;  // the first line; continuations lose one octet to the space
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
    if (cut == 0) cut = limit;  // not UTF-8 at all: cut where the limit is
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = kMaxLineOctets - 1;
  }
  out.append(line);
  out += kCrlf;
  return out;
}

std::string utc_date_time(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c == '.' || c == 'Z' || c == 'z' || c == '+') break;
    if (c == '-' || c == ':') continue;
    out.push_back(c == 't' || c == ' ' ? 'T' : c);
  }
  // Date part YYYYMMDD, 'T', HHMMSS: 15 characters.
  if (out.size() > 15) out.resize(15);
  return out + "Z";
}

std::string_view event_status(std::string_view meeting_status) {
  if (meeting_status == "cancelled") return "CANCELLED";
  if (meeting_status == "confirmed" || meeting_status == "held") return "CONFIRMED";
  return "TENTATIVE";
}

std::string meeting_uid(long long meeting_id) { return "meeting-" + std::to_string(meeting_id) + "@zusammen"; }

std::string agenda_item_uid(long long item_id) { return "agenda-item-" + std::to_string(item_id) + "@zusammen"; }

std::string render_calendar(std::string_view calendar_name, const std::vector<service::MeetingWithAgenda>& meetings) {
  std::string out;
  out += "BEGIN:VCALENDAR\r\n";
  add(out, "VERSION", "2.0");
  add(out, "PRODID", kProductId);
  add(out, "CALSCALE", "GREGORIAN");
  add(out, "METHOD", "PUBLISH");
  add_text(out, "X-WR-CALNAME", calendar_name);
  for (const auto& entry : meetings) {
    add_meeting(out, entry.meeting);
    for (const auto& item : entry.agenda) add_agenda_item(out, entry.meeting, item);
  }
  out += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace zusammen::api::ical
