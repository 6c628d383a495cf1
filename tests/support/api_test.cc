#include "api_test.h"

#include <cstdio>
#include <regex>
#include <stdexcept>

namespace zusammen::testing {

using nlohmann::json;

std::string str(long long id) { return std::to_string(id); }

std::string repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

std::string hex_of(const std::string& bytes) {
  std::string out;
  char buffer[3];
  for (unsigned char c : bytes) {
    std::snprintf(buffer, sizeof buffer, "%02X", c);
    out += buffer;
  }
  return out;
}

bool matches(const std::string& text, const char* pattern) { return std::regex_match(text, std::regex(pattern)); }

long long insert_meeting(TestDatabase& db, const MeetingRow& row) {
  return db.insert(
      "INSERT INTO meetings (title, kind, starts_at, ends_at, capacity, registration_open, status, published) "
      "VALUES ('" +
      row.title + "', 'network_meeting', '" + row.starts_at + "', '" + row.ends_at + "', " + row.capacity + ", " +
      (row.registration_open ? "1" : "0") + ", '" + row.status + "', 1)");
}

long long insert_agenda_item(TestDatabase& db, long long meeting, const std::string& kind,
                             const std::string& capacity) {
  return db.insert(
      "INSERT INTO agenda_items (meeting_id, kind, title, starts_at, ends_at, capacity, speakers) VALUES (" +
      str(meeting) + ", '" + kind + "', 'Workshop Ausbildung', '2099-11-13 10:00:00', " + "'2099-11-13 11:00:00', " +
      capacity + ", '[]')");
}

long long insert_company(TestDatabase& db) {
  return db.insert("INSERT INTO companies (slug, name, status) VALUES ('deutsche-bahn', 'Deutsche Bahn AG', 'active')");
}

json company_body(const std::string& slug, const std::string& name, const std::string& status) {
  return {{"slug", slug},
          {"name", name},
          {"status", status},
          {"city", "Berlin"},
          {"contact_email", "kontakt@" + slug + ".example"}};
}

json registration(long long meeting, const std::string& email, const json& extra) {
  json body = {{"meeting_id", meeting}, {"first_name", "Jürgen"}, {"last_name", "Müller"}, {"email", email}};
  body.update(extra);
  return body;
}

json post_created(HttpClient client, const std::string& path, const json& body, const Headers& headers) {
  auto created = client.post(path, body, headers);
  if (created.status != 201) throw std::runtime_error("POST " + path + " failed: " + created.body);
  return created.json();
}

long long created_id(HttpClient client, const std::string& path, const json& body, const Headers& headers) {
  return post_created(client, path, body, headers).at("id").get<long long>();
}

long long create_company(HttpClient client, const Headers& headers, const std::string& slug, const std::string& name,
                         const json& extra) {
  json body = {{"slug", slug}, {"name", name}};
  body.update(extra);
  auto created = client.post("/v1/companies", body, headers);
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json().at("id").get<long long>();
}

long long changes_of(TestDatabase& db, const std::string& entity_type, long long id, const std::string& op) {
  return db.count("changes", "entity_type = '" + entity_type + "' AND entity_id = " + str(id) +
                                 (op.empty() ? "" : " AND op = '" + op + "'"));
}

}  // namespace zusammen::testing
