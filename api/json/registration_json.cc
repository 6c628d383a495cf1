#include "api/json/registration_json.h"

#include "api/json/json_util.h"
#include "api/request_parsing.h"

namespace zusammen::api {
namespace {

constexpr const char* kCsvHeader =
    "id,meeting_id,status,first_name,last_name,email,organization,company_id,job_title,workshop_ids,source,"
    "external_ref,notes,created_at,updated_at";

std::string optional_text(const std::optional<std::string>& value) { return value ? csv_field(*value) : ""; }

}  // namespace

nlohmann::json registration_writable_json(const service::RegistrationInput& g) {
  return {{"meeting_id", g.meeting_id},
          {"first_name", g.first_name},
          {"last_name", g.last_name},
          {"email", g.email},
          {"organization", nullable(g.organization)},
          {"company_id", nullable(g.company_id)},
          {"job_title", nullable(g.job_title)},
          {"workshop_ids", g.workshop_ids},
          {"status", g.status},
          {"source", nullable(g.source)},
          {"external_ref", nullable(g.external_ref)},
          {"notes", nullable(g.notes)},
          {"retain_until", nullable(g.retain_until)}};
}

nlohmann::json registration_to_json(const service::Registration& g) {
  nlohmann::json out = registration_writable_json(g);
  out["id"] = g.id;
  out["created_at"] = g.created_at;
  out["updated_at"] = g.updated_at;
  out["version"] = g.version;
  return out;
}

void read_integer_array(const nlohmann::json& value, const std::string& name, std::vector<long long>& out,
                        std::vector<service::FieldError>& type_errors) {
  if (!value.is_array()) {
    type_errors.push_back({"/" + name, "must be an array of integers"});
    return;
  }
  std::vector<long long> read;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto& element = value[i];
    if (!element.is_number_integer() ||
        (element.is_number_unsigned() && element.get<unsigned long long>() > 9007199254740991ULL)) {
      type_errors.push_back({"/" + name + "/" + std::to_string(i), "must be an integer"});
      ok = false;
      continue;
    }
    read.push_back(element.get<long long>());
  }
  if (ok) out = std::move(read);
}

service::Result<service::RegistrationInput> registration_from_json(const nlohmann::json& object, bool partial) {
  service::RegistrationInput g;
  // company_id is a nullable integer and workshop_ids an array, neither of which BodyReader reads:
  // both are taken here, and everything else goes through the reader, strictly typed.
  nlohmann::json readable = object;
  std::vector<service::FieldError> type_errors;
  if (auto it = readable.find("company_id"); it != readable.end() && it->is_null()) readable.erase(it);
  if (auto it = readable.find("workshop_ids"); it != readable.end()) {
    // null clears the choice, as an empty array does.
    if (!it->is_null()) read_integer_array(*it, "workshop_ids", g.workshop_ids, type_errors);
    readable.erase(it);
  }
  BodyReader reader(readable, partial, {"id", "created_at", "updated_at", "version"});
  reader.integer("meeting_id", g.meeting_id);
  reader.text("first_name", g.first_name);
  reader.text("last_name", g.last_name);
  reader.text("email", g.email);
  reader.text("organization", g.organization);
  if (readable.contains("company_id")) {
    long long value = 0;
    reader.integer("company_id", value, false);
    if (readable.at("company_id").is_number_integer()) g.company_id = value;
  }
  reader.text("job_title", g.job_title);
  reader.text("status", g.status, false);
  reader.text("source", g.source);
  reader.text("external_ref", g.external_ref);
  reader.text("notes", g.notes);
  reader.text("retain_until", g.retain_until);
  auto error = reader.finish(partial ? std::vector<service::FieldError>{} : service::validate(g));
  if (!type_errors.empty()) {
    if (error && error->code == service::ErrorCode::invalid_argument) {
      for (auto& e : error->errors) type_errors.push_back(std::move(e));
    }
    return service::Error::invalid("The body has fields of the wrong type or unknown fields.", std::move(type_errors));
  }
  if (error) return *error;
  return g;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string registrations_to_csv(const std::vector<service::Registration>& registrations) {
  std::string out = "\xEF\xBB\xBF";
  out += kCsvHeader;
  out += "\r\n";
  for (const auto& g : registrations) {
    std::string workshops;
    for (long long w : g.workshop_ids) workshops += (workshops.empty() ? "" : " ") + std::to_string(w);
    out += std::to_string(g.id) + "," + std::to_string(g.meeting_id) + "," + csv_field(g.status) + "," +
           csv_field(g.first_name) + "," + csv_field(g.last_name) + "," + csv_field(g.email) + "," +
           optional_text(g.organization) + "," + (g.company_id ? std::to_string(*g.company_id) : "") + "," +
           optional_text(g.job_title) + "," + workshops + "," + optional_text(g.source) + "," +
           optional_text(g.external_ref) + "," + optional_text(g.notes) + "," + g.created_at + "," + g.updated_at +
           "\r\n";
  }
  return out;
}

nlohmann::json meeting_stats_to_json(const service::MeetingStats& stats) {
  nlohmann::json by_status = nlohmann::json::object();
  for (const auto& [status, count] : stats.by_status) by_status[status] = count;
  nlohmann::json by_company = nlohmann::json::array();
  for (const auto& [company_id, count] : stats.by_company) {
    by_company.push_back({{"company_id", nullable(company_id)}, {"count", count}});
  }
  nlohmann::json workshops = nlohmann::json::array();
  for (const auto& w : stats.workshops) {
    workshops.push_back({{"agenda_item_id", w.agenda_item_id},
                         {"title", w.title},
                         {"capacity", nullable(w.capacity)},
                         {"registered", w.registered},
                         {"waitlisted", w.waitlisted}});
  }
  return {{"meeting_id", stats.meeting_id}, {"capacity", nullable(stats.capacity)},
          {"total", stats.total},           {"by_status", by_status},
          {"by_company", by_company},       {"workshops", workshops}};
}

}  // namespace zusammen::api
