#include "service/repositories/agenda_repository.h"

#include <cstdio>
#include <stdexcept>

namespace zusammen::service::agenda_repository {
namespace {

constexpr const char* kRegistrationsChoosing =
    "SELECT registration_id FROM registration_workshops WHERE agenda_item_id = :id ORDER BY registration_id";
constexpr const char* kTouchRegistrationsChoosing =
    "UPDATE registrations SET version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
    "WHERE id IN (SELECT registration_id FROM registration_workshops WHERE agenda_item_id = :id)";

const std::string kColumns = "a.id, a.meeting_id, a.kind, a.title, a.description, " + sql::rfc3339("a.starts_at") +
                             ", " + sql::rfc3339("a.ends_at") + ", a.room, a.capacity, a.speakers, " +
                             sql::rfc3339("a.created_at") + ", " + sql::rfc3339("a.updated_at") + ", a.version";
const std::string kSelect = "SELECT " + kColumns + " FROM agenda_items a";

constexpr const char* kOrder = " ORDER BY a.starts_at, a.id";
constexpr const char* kInsert =
    "INSERT INTO agenda_items (meeting_id, kind, title, description, starts_at, ends_at, room, capacity, speakers) "
    "VALUES (:meeting_id, :kind, :title, :description, :starts_at, :ends_at, :room, :capacity, :speakers)";
constexpr const char* kUpdate =
    "UPDATE agenda_items SET kind = :kind, title = :title, description = :description, starts_at = :starts_at, "
    "ends_at = :ends_at, room = :room, capacity = :capacity, speakers = :speakers, version = version + 1, "
    "updated_at = CURRENT_TIMESTAMP(6) WHERE id = :id AND meeting_id = :meeting_id AND version = :version";
constexpr const char* kDelete = "DELETE FROM agenda_items WHERE id = :id AND meeting_id = :meeting_id";
constexpr const char* kIdsOfMeeting = "SELECT id FROM agenda_items WHERE meeting_id = :meeting_id ORDER BY id";
// A locking read: a concurrent item written after it cannot slip past the check it serves.
constexpr const char* kTimeSpan =
    "SELECT COUNT(*), CAST(MIN(starts_at) AS CHAR), CAST(MAX(ends_at) AS CHAR) FROM agenda_items "
    "WHERE meeting_id = :meeting_id LOCK IN SHARE MODE";

AgendaItem from_row(const soci::row& r) {
  AgendaItem a;
  a.id = r.get<long long>(0);
  a.meeting_id = r.get<long long>(1);
  a.kind = r.get<std::string>(2);
  a.title = r.get<std::string>(3);
  a.description = r.get<std::optional<std::string>>(4);
  a.starts_at = r.get<std::string>(5);
  a.ends_at = r.get<std::string>(6);
  a.room = r.get<std::optional<std::string>>(7);
  a.capacity = r.get<std::optional<int>>(8);
  a.speakers = speakers_from_column(r.get<std::string>(9));
  a.created_at = r.get<std::string>(10);
  a.updated_at = r.get<std::string>(11);
  a.version = r.get<int>(12);
  return a;
}

std::vector<AgendaItem> fetch(soci::session& session, const sql::Query& query) {
  std::vector<AgendaItem> out;
  query.for_each(session, [&out](const soci::row& r) { out.push_back(from_row(r)); });
  return out;
}

// --- the speakers column: a small strict reader and writer for exactly its JSON shape ---

void append_json_string(std::string& out, const std::string& value) {
  out.push_back('"');
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_json_value(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_json_string(out, *value);
  } else {
    out += "null";
  }
}

class ColumnReader {
 public:
  explicit ColumnReader(const std::string& text) : text_(text) {}

  std::vector<Speaker> speakers() {
    std::vector<Speaker> out;
    expect('[');
    if (!peek(']')) {
      do {
        out.push_back(speaker());
      } while (take(','));
    }
    expect(']');
    skip_spaces();
    if (at_ < text_.size()) fail();
    return out;
  }

 private:
  Speaker speaker() {
    Speaker s;
    bool named = false;
    expect('{');
    if (!peek('}')) {
      do {
        std::string key = string();
        expect(':');
        std::optional<std::string> value = nullable_string();
        if (key == "name" && value) {
          s.name = std::move(*value);
          named = true;
        } else if (key == "role") {
          s.role = std::move(value);
        } else if (key == "organization") {
          s.organization = std::move(value);
        }
      } while (take(','));
    }
    expect('}');
    if (!named) fail();
    return s;
  }

  std::optional<std::string> nullable_string() {
    skip_spaces();
    if (text_.compare(at_, 4, "null") == 0) {
      at_ += 4;
      return std::nullopt;
    }
    return string();
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (at_ >= text_.size()) fail();
      char c = text_[at_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= text_.size()) fail();
      char e = text_[at_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          append_utf8(out, code_point());
          break;
        default:
          fail();
      }
    }
  }

  unsigned code_point() {
    unsigned first = hex4();
    if (first >= 0xD800 && first <= 0xDBFF) {
      if (text_.compare(at_, 2, "\\u") != 0) fail();
      at_ += 2;
      unsigned second = hex4();
      if (second < 0xDC00 || second > 0xDFFF) fail();
      return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
    }
    if (first >= 0xDC00 && first <= 0xDFFF) fail();
    return first;
  }

  unsigned hex4() {
    if (at_ + 4 > text_.size()) fail();
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[at_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        fail();
      }
    }
    return value;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  void skip_spaces() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
      ++at_;
    }
  }
  bool peek(char c) {
    skip_spaces();
    return at_ < text_.size() && text_[at_] == c;
  }
  bool take(char c) {
    if (!peek(c)) return false;
    ++at_;
    return true;
  }
  void expect(char c) {
    if (!take(c)) fail();
  }
  [[noreturn]] void fail() const {
    throw std::runtime_error("agenda_items.speakers is not a JSON array of speakers (at byte " + std::to_string(at_) +
                             ")");
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

}  // namespace

std::string speakers_to_column(const std::vector<Speaker>& speakers) {
  std::string out = "[";
  for (const auto& s : speakers) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"name\":";
    append_json_string(out, s.name);
    out += ",\"role\":";
    append_json_value(out, s.role);
    out += ",\"organization\":";
    append_json_value(out, s.organization);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::vector<Speaker> speakers_from_column(const std::string& text) { return ColumnReader(text).speakers(); }

std::vector<AgendaItem> list(soci::session& session, long long meeting_id) {
  sql::Query query(kSelect);
  query.where("a.meeting_id = ?", {std::to_string(meeting_id)});
  query.append(kOrder);
  return fetch(session, query);
}

std::vector<AgendaItem> list_of_meetings(soci::session& session, const std::vector<long long>& meeting_ids) {
  if (meeting_ids.empty()) return {};
  sql::Query query(kSelect);
  sql::where_ids_in(query, "a.meeting_id", meeting_ids);
  query.append(" ORDER BY a.meeting_id, a.starts_at, a.id");
  return fetch(session, query);
}

std::vector<long long> ids_of_meeting(soci::session& session, long long meeting_id) {
  std::vector<long long> out;
  long long id = 0;
  soci::statement statement = (session.prepare << kIdsOfMeeting, soci::use(meeting_id), soci::into(id));
  statement.execute();
  while (statement.fetch()) out.push_back(id);
  return out;
}

std::optional<AgendaItem> find(soci::session& session, long long meeting_id, long long item_id, bool lock) {
  sql::Query query(kSelect);
  query.where("a.id = ? AND a.meeting_id = ?", {std::to_string(item_id), std::to_string(meeting_id)});
  if (lock) query.append(" FOR UPDATE");
  auto rows = fetch(session, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

long long insert(soci::session& session, long long meeting_id, const AgendaItemInput& a) {
  std::string starts_at = to_sql_seconds(a.starts_at);
  std::string ends_at = to_sql_seconds(a.ends_at);
  std::string speakers = speakers_to_column(a.speakers);
  session << kInsert, soci::use(meeting_id), soci::use(a.kind), soci::use(a.title), soci::use(a.description),
      soci::use(starts_at), soci::use(ends_at), soci::use(a.room), soci::use(a.capacity), soci::use(speakers);
  long long id = sql::last_insert_id(session);
  return id;
}

bool update(soci::session& session, long long meeting_id, long long item_id, int expected_version,
            const AgendaItemInput& a) {
  std::string starts_at = to_sql_seconds(a.starts_at);
  std::string ends_at = to_sql_seconds(a.ends_at);
  std::string speakers = speakers_to_column(a.speakers);
  soci::statement statement =
      (session.prepare << kUpdate, soci::use(a.kind), soci::use(a.title), soci::use(a.description),
       soci::use(starts_at), soci::use(ends_at), soci::use(a.room), soci::use(a.capacity), soci::use(speakers),
       soci::use(item_id), soci::use(meeting_id), soci::use(expected_version));
  return sql::changed_a_row(statement);
}

bool erase(soci::session& session, long long meeting_id, long long item_id) {
  soci::statement statement = (session.prepare << kDelete, soci::use(item_id), soci::use(meeting_id));
  return sql::changed_a_row(statement);
}

std::optional<std::pair<std::string, std::string>> time_span(soci::session& session, long long meeting_id) {
  long long count = 0;
  std::string earliest;
  std::string latest;
  soci::indicator earliest_null = soci::i_ok;
  soci::indicator latest_null = soci::i_ok;
  session << kTimeSpan, soci::use(meeting_id), soci::into(count), soci::into(earliest, earliest_null),
      soci::into(latest, latest_null);
  if (count == 0 || earliest_null == soci::i_null || latest_null == soci::i_null) return std::nullopt;
  return std::make_pair(earliest, latest);
}

std::vector<long long> touch_registrations_choosing(soci::session& session, long long item_id) {
  std::vector<long long> ids;
  long long id = 0;
  soci::statement statement = (session.prepare << kRegistrationsChoosing, soci::use(item_id), soci::into(id));
  statement.execute();
  while (statement.fetch()) ids.push_back(id);
  if (!ids.empty()) session << kTouchRegistrationsChoosing, soci::use(item_id);
  return ids;
}

}  // namespace zusammen::service::agenda_repository
