#include "api/json/meeting_json.h"

#include <algorithm>
#include <limits>
#include <set>

#include "api/json/json_util.h"
#include "api/request_parsing.h"

namespace zusammen::api {
namespace {

using service::Error;
using service::FieldError;

const char* json_type_name(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

// A member name as a JSON pointer token (RFC 6901).
std::string pointer_token(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool names(const std::vector<FieldError>& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field; });
}

// The members BodyReader has no reader for (nested objects, arrays of objects, nullable
// integers), read just as strictly: wrong JSON types and unknown members are 400s, missing
// required members and nulls that are not allowed 422s, each named by its JSON pointer.
class NestedReader {
 public:
  NestedReader(const nlohmann::json& object, std::initializer_list<const char*> members) : object_(object) {
    rest_ = object;
    for (const char* name : members) rest_.erase(name);
  }

  // The body without this reader's members: what BodyReader reads.
  const nlohmann::json& rest() const { return rest_; }

  template <typename Integer>
  void nullable_integer(const char* name, std::optional<Integer>& out) {
    out.reset();
    auto it = object_.find(name);
    std::string at = std::string("/") + name;
    if (it == object_.end() || it->is_null()) return;
    if (!it->is_number_integer()) {
      type_errors_.push_back({at, std::string("must be an integer or null, not ") + json_type_name(*it)});
      return;
    }
    if (it->is_number_unsigned() &&
        it->template get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<Integer>::max())) {
      rule_errors_.push_back({at, "is too large"});
      return;
    }
    long long value = it->template get<long long>();
    if (value > static_cast<long long>(std::numeric_limits<Integer>::max()) ||
        value < static_cast<long long>(std::numeric_limits<Integer>::min())) {
      rule_errors_.push_back({at, "is too large"});
      return;
    }
    out = static_cast<Integer>(value);
  }

  void venue(const char* name, std::optional<service::Venue>& out) {
    out.reset();
    auto it = object_.find(name);
    std::string at = std::string("/") + name;
    if (it == object_.end() || it->is_null()) return;
    if (!it->is_object()) {
      type_errors_.push_back({at, std::string("must be an object or null, not ") + json_type_name(*it)});
      return;
    }
    const std::set<std::string> known = {"name", "street", "postal_code", "city"};
    for (const auto& [member, value] : it->items()) {
      if (!known.contains(member))
        type_errors_.push_back({at + "/" + pointer_token(member), "is not a field of a venue"});
    }
    service::Venue venue;
    nullable_text(*it, at, "name", venue.name);
    nullable_text(*it, at, "street", venue.street);
    nullable_text(*it, at, "postal_code", venue.postal_code);
    nullable_text(*it, at, "city", venue.city);
    // All members null (or none): no venue, the same as null.
    if (!venue.empty()) out = std::move(venue);
  }

  void speakers(const char* name, std::vector<service::Speaker>& out) {
    out.clear();
    auto it = object_.find(name);
    std::string at = std::string("/") + name;
    if (it == object_.end()) return;
    if (it->is_null()) {
      rule_errors_.push_back({at, "must not be null (an empty array means no speakers)"});
      return;
    }
    if (!it->is_array()) {
      type_errors_.push_back({at, std::string("must be an array, not ") + json_type_name(*it)});
      return;
    }
    const std::set<std::string> known = {"name", "role", "organization"};
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& element = (*it)[i];
      std::string element_at = at + "/" + std::to_string(i);
      if (!element.is_object()) {
        type_errors_.push_back({element_at, std::string("must be an object, not ") + json_type_name(element)});
        continue;
      }
      for (const auto& [member, value] : element.items()) {
        if (!known.contains(member)) {
          type_errors_.push_back({element_at + "/" + pointer_token(member), "is not a field of a speaker"});
        }
      }
      service::Speaker speaker;
      auto speaker_name = element.find("name");
      if (speaker_name == element.end()) {
        rule_errors_.push_back({element_at + "/name", "is required"});
      } else if (speaker_name->is_null()) {
        rule_errors_.push_back({element_at + "/name", "must not be null"});
      } else if (!speaker_name->is_string()) {
        type_errors_.push_back(
            {element_at + "/name", std::string("must be a string, not ") + json_type_name(*speaker_name)});
      } else {
        speaker.name = speaker_name->get<std::string>();
      }
      nullable_text(element, element_at, "role", speaker.role);
      nullable_text(element, element_at, "organization", speaker.organization);
      out.push_back(std::move(speaker));
    }
  }

  // BodyReader's answer merged with this reader's: 400s first (all of them), then 422s
  // (this reader's, then the domain's on fields not named yet).
  std::optional<Error> finish(BodyReader& reader, std::vector<FieldError> domain_errors) {
    std::vector<FieldError> rules = rule_errors_;
    for (auto& e : domain_errors) {
      if (!names(rules, e.field)) rules.push_back(std::move(e));
    }
    auto error = reader.finish(std::move(rules));
    if (type_errors_.empty()) return error;
    std::vector<FieldError> types;
    if (error && error->code == service::ErrorCode::invalid_argument) types = error->errors;
    for (auto& e : type_errors_) types.push_back(std::move(e));
    return Error::invalid("The body has fields of the wrong type or unknown fields.", std::move(types));
  }

 private:
  void nullable_text(const nlohmann::json& object, const std::string& at, const char* name,
                     std::optional<std::string>& out) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) return;
    if (!it->is_string()) {
      type_errors_.push_back({at + "/" + name, std::string("must be a string or null, not ") + json_type_name(*it)});
      return;
    }
    out = it->get<std::string>();
  }

  const nlohmann::json& object_;
  nlohmann::json rest_;
  std::vector<FieldError> type_errors_;
  std::vector<FieldError> rule_errors_;
};

nlohmann::json venue_json(const std::optional<service::Venue>& venue) {
  if (!venue) return nullptr;
  return {{"name", nullable(venue->name)},
          {"street", nullable(venue->street)},
          {"postal_code", nullable(venue->postal_code)},
          {"city", nullable(venue->city)}};
}

nlohmann::json speakers_json(const std::vector<service::Speaker>& speakers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : speakers) {
    out.push_back({{"name", s.name}, {"role", nullable(s.role)}, {"organization", nullable(s.organization)}});
  }
  return out;
}

}  // namespace

nlohmann::json meeting_writable_json(const service::MeetingInput& m) {
  return {{"title", m.title},
          {"kind", m.kind},
          {"starts_at", m.starts_at},
          {"ends_at", m.ends_at},
          {"timezone", m.timezone},
          {"venue", venue_json(m.venue)},
          {"host_company_id", nullable(m.host_company_id)},
          {"description", nullable(m.description)},
          {"capacity", nullable(m.capacity)},
          {"registration_open", m.registration_open},
          {"status", m.status},
          {"published", m.published}};
}

nlohmann::json meeting_to_json(const service::Meeting& m) {
  nlohmann::json out = meeting_writable_json(m);
  out["id"] = m.id;
  out["created_at"] = m.created_at;
  out["updated_at"] = m.updated_at;
  out["version"] = m.version;
  return out;
}

service::Result<service::MeetingInput> meeting_from_json(const nlohmann::json& object, bool partial) {
  service::MeetingInput m;
  NestedReader nested(object, {"venue", "host_company_id", "capacity"});
  BodyReader reader(nested.rest(), partial, {"id", "created_at", "updated_at", "version", "agenda"});
  reader.text("title", m.title);
  reader.text("kind", m.kind);
  reader.text("starts_at", m.starts_at);
  reader.text("ends_at", m.ends_at);
  reader.text("timezone", m.timezone, false);
  nested.venue("venue", m.venue);
  nested.nullable_integer("host_company_id", m.host_company_id);
  reader.text("description", m.description);
  nested.nullable_integer("capacity", m.capacity);
  reader.boolean("registration_open", m.registration_open);
  reader.text("status", m.status, false);
  reader.boolean("published", m.published);
  if (auto error = nested.finish(reader, partial ? std::vector<FieldError>{} : service::validate(m))) return *error;
  return m;
}

nlohmann::json agenda_item_writable_json(const service::AgendaItemInput& a) {
  return {{"kind", a.kind},
          {"title", a.title},
          {"description", nullable(a.description)},
          {"starts_at", a.starts_at},
          {"ends_at", a.ends_at},
          {"room", nullable(a.room)},
          {"capacity", nullable(a.capacity)},
          {"speakers", speakers_json(a.speakers)}};
}

nlohmann::json agenda_item_to_json(const service::AgendaItem& a) {
  nlohmann::json out = agenda_item_writable_json(a);
  out["id"] = a.id;
  out["meeting_id"] = a.meeting_id;
  out["created_at"] = a.created_at;
  out["updated_at"] = a.updated_at;
  out["version"] = a.version;
  return out;
}

service::Result<service::AgendaItemInput> agenda_item_from_json(const nlohmann::json& object, bool partial) {
  service::AgendaItemInput a;
  NestedReader nested(object, {"capacity", "speakers"});
  BodyReader reader(nested.rest(), partial, {"id", "meeting_id", "created_at", "updated_at", "version"});
  reader.text("kind", a.kind);
  reader.text("title", a.title);
  reader.text("description", a.description);
  reader.text("starts_at", a.starts_at);
  reader.text("ends_at", a.ends_at);
  reader.text("room", a.room);
  nested.nullable_integer("capacity", a.capacity);
  nested.speakers("speakers", a.speakers);
  if (auto error = nested.finish(reader, partial ? std::vector<FieldError>{} : service::validate(a))) return *error;
  return a;
}

}  // namespace zusammen::api
