// Meetings and agenda items on the wire: exactly the fields openapi.yaml documents, strict
// reading with nested members (venue, speakers) named by JSON pointer, and JSON Merge Patch
// (RFC 7396) on the writable representation as the PATCH handlers apply it. Also the speakers
// column codec and the time zone check, which need no database either.
#include "api/json/meeting_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "service/repositories/agenda_repository.h"

namespace zusammen::api {
namespace {

using nlohmann::json;
using service::ErrorCode;
using service::FieldError;

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

std::set<std::string> field_set(const std::vector<FieldError>& errors) {
  auto list = fields(errors);
  return {list.begin(), list.end()};
}

service::MeetingInput potsdam_input() {
  service::MeetingInput m;
  m.title = "Drittes Netzwerktreffen 2018";
  m.kind = "network_meeting";
  m.starts_at = "2018-11-12T17:00:00Z";
  m.ends_at = "2018-11-13T15:30:00Z";
  m.timezone = "Europe/Berlin";
  m.venue = service::Venue{"DB Akademie", "Kurfürstenstraße 1", "14467", "Potsdam"};
  m.host_company_id = 1;
  m.description = "„Wir zusammen“ kommt in Potsdam zusammen.";
  m.capacity = 120;
  m.registration_open = false;
  m.status = "held";
  m.published = true;
  return m;
}

service::Meeting potsdam() {
  service::Meeting m;
  static_cast<service::MeetingInput&>(m) = potsdam_input();
  m.id = 3;
  m.created_at = "2018-10-01T09:00:00Z";
  m.updated_at = "2018-11-15T10:30:00Z";
  m.version = 4;
  return m;
}

service::AgendaItemInput panel_input() {
  service::AgendaItemInput a;
  a.kind = "panel";
  a.title = "Podiumsdiskussion";
  a.description = "Erfolge und Hürden der Integration";
  a.starts_at = "2018-11-13T11:00:00Z";
  a.ends_at = "2018-11-13T12:00:00Z";
  a.room = "Großer Saal";
  a.speakers = {{"Leonie Gebers", "Staatssekretärin", "Bundesministerium für Arbeit und Soziales"},
                {"Martin Seiler", "Vorstand Personal & Recht", "Deutsche Bahn AG"},
                {"Marlies Peine", "Projektleiterin „Wir zusammen“", std::nullopt}};
  return a;
}

service::AgendaItem panel() {
  service::AgendaItem a;
  static_cast<service::AgendaItemInput&>(a) = panel_input();
  a.id = 12;
  a.meeting_id = 3;
  a.created_at = "2018-10-01T09:00:00Z";
  a.updated_at = "2018-10-02T09:00:00Z";
  a.version = 2;
  return a;
}

const std::set<std::string> kMeetingWritable = {
    "title",           "kind",        "starts_at", "ends_at",           "timezone", "venue",
    "host_company_id", "description", "capacity",  "registration_open", "status",   "published"};
const std::set<std::string> kAgendaWritable = {"kind",    "title", "description", "starts_at",
                                               "ends_at", "room",  "capacity",    "speakers"};

// The PATCH path of api/handlers/crud.h: check the patch, merge it into the writable
// representation, then read the result strictly.
service::Result<service::MeetingInput> patch_meeting(const service::Meeting& current, const json& patch) {
  if (auto check = meeting_from_json(patch, true); !check.ok() && check.error().code != ErrorCode::validation_failed) {
    return check.error();
  }
  json merged = meeting_writable_json(current);
  merged.merge_patch(patch);
  return meeting_from_json(merged, false);
}

// ---------------------------------------------------------------- meetings

TEST(MeetingJson, FieldsAreExactlyTheDocumentedOnes) {
  auto out = meeting_to_json(potsdam());
  auto expected = kMeetingWritable;
  expected.insert({"id", "created_at", "updated_at", "version"});
  EXPECT_EQ(keys(out), expected);
  EXPECT_EQ(keys(meeting_writable_json(potsdam_input())), kMeetingWritable);
  EXPECT_EQ(keys(out.at("venue")), (std::set<std::string>{"name", "street", "postal_code", "city"}));
}

TEST(MeetingJson, ValuesAndTypes) {
  auto out = meeting_to_json(potsdam());
  EXPECT_EQ(out["id"], 3);
  EXPECT_EQ(out["version"], 4);
  EXPECT_EQ(out["title"], "Drittes Netzwerktreffen 2018");
  EXPECT_EQ(out["starts_at"], "2018-11-12T17:00:00Z");
  EXPECT_EQ(out["venue"]["street"], "Kurfürstenstraße 1");
  EXPECT_EQ(out["venue"]["postal_code"], "14467");
  EXPECT_TRUE(out["host_company_id"].is_number_integer());
  EXPECT_EQ(out["capacity"], 120);
  EXPECT_EQ(out["registration_open"], false);
  EXPECT_TRUE(out["published"].is_boolean());
  EXPECT_EQ(out["description"], "„Wir zusammen“ kommt in Potsdam zusammen.");
}

TEST(MeetingJson, AbsentOptionalFieldsAreNullNotMissing) {
  service::Meeting m;
  m.title = "Webinar";
  m.kind = "webinar";
  m.starts_at = "2018-11-20T09:00:00Z";
  m.ends_at = "2018-11-20T10:00:00Z";
  auto out = meeting_to_json(m);
  for (const char* name : {"venue", "host_company_id", "description", "capacity"}) {
    ASSERT_TRUE(out.contains(name)) << name;
    EXPECT_TRUE(out[name].is_null()) << name;
  }
  m.venue = service::Venue{std::nullopt, std::nullopt, std::nullopt, "Berlin"};
  EXPECT_EQ(meeting_to_json(m)["venue"],
            (json{{"name", nullptr}, {"street", nullptr}, {"postal_code", nullptr}, {"city", "Berlin"}}));
}

TEST(MeetingJson, RoundTripThroughTheWritableRepresentation) {
  auto input = potsdam_input();
  auto read = meeting_from_json(meeting_writable_json(input), false);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(*read, input);
}

TEST(MeetingJson, DefaultsAndAVenueOfNullsIsNoVenue) {
  json body = {{"title", "Treffen"},
               {"kind", "other"},
               {"starts_at", "2018-11-13T08:00:00Z"},
               {"ends_at", "2018-11-13T09:00:00Z"},
               {"venue", {{"name", nullptr}, {"city", nullptr}}}};
  auto read = meeting_from_json(body, false);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(read->timezone, "Europe/Berlin");
  EXPECT_EQ(read->status, "planned");
  EXPECT_FALSE(read->published);
  EXPECT_FALSE(read->registration_open);
  EXPECT_FALSE(read->venue.has_value());
  EXPECT_FALSE(read->capacity.has_value());
  EXPECT_FALSE(read->host_company_id.has_value());
}

TEST(MeetingJson, TheFullRepresentationCannotBeWrittenBack) {
  json full = meeting_to_json(potsdam());
  full["agenda"] = json::array();
  auto read = meeting_from_json(full, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(field_set(read.error().errors),
            (std::set<std::string>{"/agenda", "/created_at", "/id", "/updated_at", "/version"}));
  for (const auto& e : read.error().errors) EXPECT_EQ(e.message, "is read-only");
}

TEST(MeetingJson, WrongTypesInsideTheVenueAreNamedByPointer) {
  json body = meeting_writable_json(potsdam_input());
  body["venue"] = {{"name", 5}, {"postal_code", 14467}, {"country", "DE"}, {"a/b", 1}};
  body["capacity"] = "120";
  auto read = meeting_from_json(body, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(field_set(read.error().errors),
            (std::set<std::string>{"/venue/name", "/venue/postal_code", "/venue/country", "/venue/a~1b", "/capacity"}));
  body = meeting_writable_json(potsdam_input());
  body["venue"] = "DB Akademie, Potsdam";
  body["title"] = 7;
  auto flat = meeting_from_json(body, false);
  ASSERT_FALSE(flat.ok());
  EXPECT_EQ(field_set(flat.error().errors), (std::set<std::string>{"/venue", "/title"}));
}

TEST(MeetingJson, EveryBrokenRuleIsNamedAtOnce) {
  json body = {{"title", ""},
               {"kind", "party"},
               {"starts_at", "2018-11-13T10:00:00Z"},
               {"ends_at", "2018-11-13T09:00:00Z"},
               {"timezone", "Mitteleuropa"},
               {"venue", {{"postal_code", "1446"}}},
               {"host_company_id", -4},
               {"capacity", 4294967296LL},
               {"status", "over"}};
  auto read = meeting_from_json(body, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(field_set(read.error().errors),
            (std::set<std::string>{"/title", "/kind", "/ends_at", "/timezone", "/venue/postal_code", "/host_company_id",
                                   "/capacity", "/status"}));
}

TEST(MeetingJson, MissingRequiredFieldsAre422) {
  auto read = meeting_from_json(json::object(), false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(read.error().errors, (std::vector<FieldError>{{"/title", "is required"},
                                                          {"/kind", "is required"},
                                                          {"/starts_at", "is required"},
                                                          {"/ends_at", "is required"}}));
}

TEST(MeetingJson, PartialReadSkipsTheDomainRules) {
  EXPECT_TRUE(meeting_from_json({{"venue", {{"postal_code", "x"}}}, {"capacity", -1}}, true).ok());
  EXPECT_TRUE(meeting_from_json(json::object(), true).ok());
}

TEST(MeetingJson, MergePatchMergesTheVenueMemberByMember) {
  auto merged = patch_meeting(potsdam(), {{"venue", {{"street", nullptr}, {"city", "Potsdam-Babelsberg"}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  ASSERT_TRUE(merged->venue.has_value());
  EXPECT_EQ(*merged->venue, (service::Venue{"DB Akademie", std::nullopt, "14467", "Potsdam-Babelsberg"}));
  EXPECT_EQ(merged->title, "Drittes Netzwerktreffen 2018");

  auto removed = patch_meeting(potsdam(), {{"venue", nullptr}, {"capacity", nullptr}});
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(removed->venue.has_value());
  EXPECT_FALSE(removed->capacity.has_value());

  service::Meeting without = potsdam();
  without.venue.reset();
  auto created = patch_meeting(without, {{"venue", {{"city", "Berlin"}}}});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(*created->venue, (service::Venue{std::nullopt, std::nullopt, std::nullopt, "Berlin"}));

  auto bad = patch_meeting(potsdam(), {{"venue", {{"postal_code", "144"}}}, {"title", nullptr}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(field_set(bad.error().errors), (std::set<std::string>{"/venue/postal_code", "/title"}));
}

// ---------------------------------------------------------------- agenda items

TEST(AgendaItemJson, FieldsAreExactlyTheDocumentedOnes) {
  auto out = agenda_item_to_json(panel());
  auto expected = kAgendaWritable;
  expected.insert({"id", "meeting_id", "created_at", "updated_at", "version"});
  EXPECT_EQ(keys(out), expected);
  EXPECT_EQ(keys(agenda_item_writable_json(panel_input())), kAgendaWritable);
  ASSERT_EQ(out["speakers"].size(), 3u);
  for (const auto& s : out["speakers"]) EXPECT_EQ(keys(s), (std::set<std::string>{"name", "role", "organization"}));
  EXPECT_EQ(out["speakers"][2]["role"], "Projektleiterin „Wir zusammen“");
  EXPECT_TRUE(out["speakers"][2]["organization"].is_null());
  EXPECT_EQ(out["meeting_id"], 3);
  EXPECT_TRUE(out["capacity"].is_null());
}

TEST(AgendaItemJson, RoundTripThroughTheWritableRepresentation) {
  auto input = panel_input();
  auto read = agenda_item_from_json(agenda_item_writable_json(input), false);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(*read, input);
  service::AgendaItemInput workshop;
  workshop.kind = "workshop";
  workshop.title = "Workshop „Perspektive Heimat“";
  workshop.starts_at = "2018-11-13T13:00:00Z";
  workshop.ends_at = "2018-11-13T14:30:00Z";
  workshop.capacity = 25;
  auto again = agenda_item_from_json(agenda_item_writable_json(workshop), false);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(*again, workshop);
}

TEST(AgendaItemJson, MeetingIdAndTheOtherServerFieldsAreReadOnly) {
  auto read = agenda_item_from_json(agenda_item_to_json(panel()), false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(field_set(read.error().errors),
            (std::set<std::string>{"/id", "/meeting_id", "/created_at", "/updated_at", "/version"}));
}

TEST(AgendaItemJson, SpeakersAreReadStrictlyAndNamedByPointer) {
  json body = agenda_item_writable_json(panel_input());
  body["speakers"] = {{{"name", "A"}}, "B", {{"name", 3}, {"email", "x@y.de"}}};
  auto types = agenda_item_from_json(body, false);
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(field_set(types.error().errors),
            (std::set<std::string>{"/speakers/1", "/speakers/2/name", "/speakers/2/email"}));

  body["speakers"] = {{{"role", "Moderation"}}, {{"name", nullptr}}, {{"name", " "}}};
  auto rules = agenda_item_from_json(body, false);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(field_set(rules.error().errors),
            (std::set<std::string>{"/speakers/0/name", "/speakers/1/name", "/speakers/2/name"}));

  body["speakers"] = nullptr;
  auto null = agenda_item_from_json(body, false);
  ASSERT_FALSE(null.ok());
  EXPECT_EQ(fields(null.error().errors), std::vector<std::string>{"/speakers"});
  body["speakers"] = {{"name", "A"}};
  auto object = agenda_item_from_json(body, false);
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().code, ErrorCode::invalid_argument);
}

TEST(AgendaItemJson, CapacityIsForWorkshopsAndSpeakersAreAtMostTwenty) {
  json body = agenda_item_writable_json(panel_input());
  body["capacity"] = 30;
  json twenty_one = json::array();
  for (int n = 0; n < 21; ++n) twenty_one.push_back({{"name", "Person " + std::to_string(n)}});
  body["speakers"] = twenty_one;
  auto read = agenda_item_from_json(body, false);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(field_set(read.error().errors), (std::set<std::string>{"/capacity", "/speakers"}));
  body["kind"] = "workshop";
  twenty_one.erase(20);
  body["speakers"] = twenty_one;
  EXPECT_TRUE(agenda_item_from_json(body, false).ok());
}

// ---------------------------------------------------------------- the speakers column

TEST(SpeakersColumn, RoundTripKeepsEveryCharacter) {
  using service::agenda_repository::speakers_from_column;
  using service::agenda_repository::speakers_to_column;
  std::vector<service::Speaker> speakers = {
      {"Leonie Gebers", "Staatssekretärin", "BMAS"},
      {"Marlies Peine", "Projektleiterin „Wir zusammen“", std::nullopt},
      {"Quote \" Backslash \\ Slash / Tab \t Newline \n Bell \x07", std::nullopt, "Emoji 🚆"}};
  std::string column = speakers_to_column(speakers);
  EXPECT_EQ(speakers_from_column(column), speakers);
  // It is JSON that the database (and nlohmann) read the same way.
  auto parsed = json::parse(column);
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[2]["name"], speakers[2].name);
  EXPECT_TRUE(parsed[1]["organization"].is_null());
  EXPECT_EQ(speakers_to_column({}), "[]");
  EXPECT_TRUE(speakers_from_column("[]").empty());
}

TEST(SpeakersColumn, ReadsEscapesWrittenByOthers) {
  using service::agenda_repository::speakers_from_column;
  auto read = speakers_from_column(
      R"( [ {"organization": null, "name": "Gr\u00fc\u00dfe \ud83d\ude86", "role": "A\/B", "extra": "x"} ] )");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].name, "Grüße 🚆");
  EXPECT_EQ(read[0].role, "A/B");
  EXPECT_FALSE(read[0].organization.has_value());
}

TEST(SpeakersColumn, RefusesWhatIsNotAnArrayOfSpeakers) {
  using service::agenda_repository::speakers_from_column;
  for (const char* text : {"", "{}", "[", "[{}]", "[{\"name\": null}]", "[{\"name\": 5}]", "[{\"name\": \"a\"}] x",
                           "[{\"name\": \"\\ud83d\"}]", "[{\"name\": \"a\\q\"}]", "[{\"name\": \"a\"},]"}) {
    EXPECT_THROW(speakers_from_column(text), std::runtime_error) << text;
  }
}

// ---------------------------------------------------------------- time zones and times

TEST(MeetingRules, TimezonesAreIanaNames) {
  for (const char* zone : {"Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT-14", "Asia/Kolkata"}) {
    EXPECT_TRUE(service::is_valid_timezone(zone)) << zone;
  }
  for (const char* zone :
       {"", "Berlin", "europe/berlin", "Europe/", "/Europe/Berlin", "Europe/../etc/passwd", "Europe/Berlin/",
        "Mars/Olympus_Mons", "posix/Europe/Berlin", "Europe/Ber lin", "Europe/Berlin\n", "A/B/C/D"}) {
    EXPECT_FALSE(service::is_valid_timezone(zone)) << zone;
  }
  EXPECT_EQ(service::is_valid_timezone("Europe/Atlantis"), !std::filesystem::is_directory("/usr/share/zoneinfo"));
}

TEST(MeetingRules, TimesAreComparedAsUtcInstantsToTheSecond) {
  EXPECT_EQ(service::to_sql_seconds("2018-11-13T10:00:00+01:00"), "2018-11-13 09:00:00");
  EXPECT_EQ(service::to_sql_seconds("2018-11-13T00:30:00.999+01:00"), "2018-11-12 23:30:00");
  EXPECT_EQ(service::to_sql_seconds("not a time"), "");
  service::MeetingInput m = potsdam_input();
  m.starts_at = "2018-11-13T10:00:00+01:00";
  m.ends_at = "2018-11-13T09:00:00Z";
  EXPECT_EQ(fields(service::validate(m)), std::vector<std::string>{"/ends_at"});
  m.ends_at = "2018-11-13T09:00:01Z";
  EXPECT_TRUE(service::validate(m).empty());
}

}  // namespace
}  // namespace zusammen::api
