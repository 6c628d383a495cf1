// /v1/meetings/{id}/agenda end to end, and the demo data's meeting: the real App and Pistache on
// port 0 over a private MariaDB, every write checked through MySQL Connector/C++.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "meetings_fixture.h"
#include "service/encoding.h"
#include "service/seed.h"

namespace zusammen::testing {
namespace {

const SuiteSettings MeetingsTest::kSuite = {.database = "agenda", .writer = "content:write", .reader = "content:read"};

// --- agenda -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, AgendaItemCrudEndToEnd) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  json body = {
      {"kind", "panel"},
      {"title", "Podiumsdiskussion"},
      {"description", "„Integration gelingt nur zusammen“ – Erfolge und Hürden"},
      {"starts_at", "2018-11-13T12:00:00+01:00"},
      {"ends_at", "2018-11-13T13:00:00+01:00"},
      {"room", "Großer Saal"},
      {"speakers",
       {{{"name", "Leonie Gebers"}, {"role", "Staatssekretärin"}, {"organization", "BMAS"}},
        {{"name", "Martin Seiler"}, {"role", "Vorstand Personal & Recht"}, {"organization", "Deutsche Bahn AG"}},
        {{"name", "Marlies Peine"}, {"role", "Projektleiterin \"Wir zusammen\"\\\n"}, {"organization", nullptr}}}}};
  auto response = client().post(agenda(id), body, writer());
  ASSERT_EQ(response.status, 201) << response.body;
  json created = response.json();
  long long item_id = created.at("id").get<long long>();
  EXPECT_EQ(response.header("location").value_or(""), agenda(id, item_id));
  EXPECT_TRUE(matches(response.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  EXPECT_EQ(created.at("meeting_id"), id);
  EXPECT_EQ(created.at("starts_at"), "2018-11-13T11:00:00Z");
  EXPECT_EQ(created.at("ends_at"), "2018-11-13T12:00:00Z");
  EXPECT_TRUE(created.at("capacity").is_null());
  EXPECT_EQ(created.at("version"), 1);
  for (const char* name : {"kind", "title", "description", "room", "speakers"}) {
    EXPECT_EQ(created.at(name), body.at(name)) << name;
  }
  EXPECT_EQ(item_column("meeting_id", item_id), str(id));
  EXPECT_EQ(item_column("starts_at", item_id), "2018-11-13 11:00:00");
  EXPECT_EQ(item_column("room", item_id), "Großer Saal");
  EXPECT_EQ(item_column("JSON_VALUE(speakers, '$[1].role')", item_id), "Vorstand Personal & Recht");
  EXPECT_EQ(item_column("JSON_LENGTH(speakers)", item_id), "3");
  EXPECT_EQ(changes("agenda_item", item_id, "upsert"), 1);

  auto read = client().get(agenda(id, item_id), reader());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created);

  // Speakers are replaced whole; null clears room.
  auto patched = client().patch(
      agenda(id, item_id),
      {{"speakers", {{{"name", "Jan Boris Wintzenburg"}, {"organization", "stern"}}}}, {"room", nullptr}}, writer());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("speakers"),
            (json{{{"name", "Jan Boris Wintzenburg"}, {"role", nullptr}, {"organization", "stern"}}}));
  EXPECT_TRUE(patched.json().at("room").is_null());
  EXPECT_EQ(patched.json().at("title"), "Podiumsdiskussion");
  EXPECT_EQ(patched.json().at("version"), 2);
  EXPECT_EQ(item_column("room", item_id), "");
  EXPECT_EQ(item_column("version", item_id), "2");
  auto emptied = client().patch(agenda(id, item_id), {{"speakers", json::array()}}, writer());
  ASSERT_EQ(emptied.status, 200) << emptied.body;
  EXPECT_EQ(emptied.json().at("speakers"), json::array());
  EXPECT_EQ(item_column("speakers", item_id), "[]");

  auto removed = client().del(agenda(id, item_id), writer());
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(db().count("agenda_items"), 0);
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(changes("agenda_item", item_id, "delete"), 1);
  EXPECT_TRUE(IsProblem(client().get(agenda(id, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(id, item_id), writer()), 404));
}

TEST_F(MeetingsTest, AgendaIsOrderedByStartThenId) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto timed = [](const std::string& title, const char* kind, const char* start, const char* end) {
    return item(title, {{"kind", kind}, {"starts_at", start}, {"ends_at", end}});
  };
  // Created out of order; two parallel workshops start at the same time.
  long long heimat = create_item(
      id, timed("Workshop „Perspektive Heimat“", "workshop", "2018-11-13T13:00:00Z", "2018-11-13T14:30:00Z"));
  long long keynote =
      create_item(id, timed("Impulsvortrag", "keynote", "2018-11-13T08:00:00Z", "2018-11-13T08:30:00Z"));
  long long ausbilder =
      create_item(id, timed("Workshop Ausbilder", "workshop", "2018-11-13T13:00:00Z", "2018-11-13T14:30:00Z"));
  long long update = create_item(id, timed("Projekt-Update", "talk", "2018-11-13T08:30:00Z", "2018-11-13T09:00:00Z"));
  auto list = client().get(agenda(id), reader());
  ASSERT_EQ(list.status, 200) << list.body;
  json body = list.json();
  EXPECT_EQ(body.size(), 1u) << "only items, no pages";
  EXPECT_EQ(ids_in_order(list), (std::vector<long long>{keynote, update, heimat, ausbilder}));

  // Moving an item moves it in the list.
  ASSERT_EQ(client().patch(agenda(id, ausbilder), {{"starts_at", "2018-11-13T12:30:00Z"}}, writer()).status, 200);
  EXPECT_EQ(ids_in_order(client().get(agenda(id), reader())),
            (std::vector<long long>{keynote, update, ausbilder, heimat}));
  auto empty = client().get(agenda(create_meeting(meeting("Leer"))), reader());
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json(), (json{{"items", json::array()}}));
}

TEST_F(MeetingsTest, AgendaItemRulesAreNamedAtOnce) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  json many = json::array();
  for (int n = 0; n < 21; ++n) many.push_back({{"name", "Person " + std::to_string(n)}});
  struct Case {
    json body;
    std::set<std::string> fields;
  };
  std::vector<Case> cases = {
      {item("", {{"kind", "lecture"}}), {"/title", "/kind"}},
      {item("Zeit", {{"starts_at", "morgen"}, {"ends_at", "2018-11-13T09:00:00"}}), {"/starts_at", "/ends_at"}},
      {item("Rückwärts", {{"ends_at", "2018-11-13T08:59:00Z"}}), {"/ends_at"}},
      {item("Platz", {{"kind", "talk"}, {"capacity", 20}}), {"/capacity"}},
      {item("Platz", {{"kind", "workshop"}, {"capacity", -1}}), {"/capacity"}},
      {item("Voll", {{"speakers", many}}), {"/speakers"}},
      {item("Namenlos", {{"speakers", {{{"role", "Moderation"}}, {{"name", ""}}, {{"name", nullptr}}}}}),
       {"/speakers/0/name", "/speakers/1/name", "/speakers/2/name"}},
      {item("Lang",
            {{"room", std::string(101, 'r')}, {"speakers", {{{"name", "A"}, {"role", std::string(201, 'x')}}}}}),
       {"/room", "/speakers/0/role"}},
      {item("Null", {{"speakers", nullptr}, {"kind", nullptr}}), {"/speakers", "/kind"}},
      {{{"title", "Fehlt"}}, {"/kind", "/starts_at", "/ends_at"}}};
  for (const auto& c : cases) {
    auto response = client().post(agenda(id), c.body, writer());
    EXPECT_TRUE(IsProblem(response, 422)) << c.body.dump();
    EXPECT_EQ(error_fields(response), c.fields) << c.body.dump();
  }
  std::vector<Case> unreadable = {
      {item("Typ", {{"speakers", "Leonie Gebers"}}), {"/speakers"}},
      {item("Typ", {{"speakers", {"Leonie Gebers"}}}), {"/speakers/0"}},
      {item("Typ", {{"speakers", {{{"name", "A"}, {"email", "a@b.de"}}}}}), {"/speakers/0/email"}},
      {item("Typ", {{"speakers", {{{"name", "A"}}, {{"name", 7}, {"role", false}}}}}),
       {"/speakers/1/name", "/speakers/1/role"}},
      {item("Typ", {{"capacity", "12"}}), {"/capacity"}},
      {item("Typ", {{"meeting_id", id}}), {"/meeting_id"}},
      {item("Typ", {{"id", 1}, {"version", 1}}), {"/id", "/version"}}};
  for (const auto& c : unreadable) {
    auto response = client().post(agenda(id), c.body, writer());
    EXPECT_TRUE(IsProblem(response, 400)) << c.body.dump();
    EXPECT_EQ(error_fields(response), c.fields) << c.body.dump();
  }
  EXPECT_EQ(db().count("agenda_items"), 0);

  // Workshops take a capacity; 20 speakers are fine.
  many.erase(many.size() - 1);
  auto workshop = client().post(
      agenda(id), item("Workshop", {{"kind", "workshop"}, {"capacity", 25}, {"speakers", many}}), writer());
  ASSERT_EQ(workshop.status, 201) << workshop.body;
  EXPECT_EQ(workshop.json().at("capacity"), 25);
  EXPECT_EQ(workshop.json().at("speakers").size(), 20u);
  // Changing the kind away from workshop while a capacity is set is a 422 until it is cleared.
  long long workshop_id = workshop.json().at("id").get<long long>();
  auto to_talk = client().patch(agenda(id, workshop_id), {{"kind", "talk"}}, writer());
  EXPECT_TRUE(IsProblem(to_talk, 422));
  EXPECT_EQ(error_fields(to_talk), std::set<std::string>{"/capacity"});
  auto cleared = client().patch(agenda(id, workshop_id), {{"kind", "talk"}, {"capacity", nullptr}}, writer());
  EXPECT_EQ(cleared.status, 200) << cleared.body;
}

TEST_F(MeetingsTest, AgendaItemsLieWithinTheirMeeting) {
  // 08:00-16:00 UTC.
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto early = client().post(agenda(id), item("Zu früh", {{"starts_at", "2018-11-13T07:59:59Z"}}), writer());
  EXPECT_TRUE(IsProblem(early, 422));
  EXPECT_EQ(error_fields(early), std::set<std::string>{"/starts_at"});
  auto late = client().post(
      agenda(id), item("Zu spät", {{"starts_at", "2018-11-13T15:30:00Z"}, {"ends_at", "2018-11-13T16:30:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(late, 422));
  EXPECT_EQ(error_fields(late), std::set<std::string>{"/ends_at"});
  auto around = client().post(
      agenda(id), item("Zu lang", {{"starts_at", "2018-11-12T19:00:00Z"}, {"ends_at", "2018-11-14T08:00:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(around, 422));
  EXPECT_EQ(error_fields(around), (std::set<std::string>{"/starts_at", "/ends_at"}));
  auto day_before = client().post(
      agenda(id),
      item("Vorabend",
           {{"kind", "social"}, {"starts_at", "2018-11-12T18:00:00Z"}, {"ends_at", "2018-11-12T21:00:00Z"}}),
      writer());
  EXPECT_TRUE(IsProblem(day_before, 422));
  EXPECT_TRUE(Names(day_before, {"/starts_at"}));
  EXPECT_EQ(db().count("agenda_items"), 0);

  // Exactly the meeting's bounds are inside; an offset is compared as the instant it names.
  long long whole = create_item(
      id, item("Ganzer Tag", {{"starts_at", "2018-11-13T09:00:00+01:00"}, {"ends_at", "2018-11-13T17:00:00+01:00"}}));
  auto moved_out = client().patch(agenda(id, whole), {{"ends_at", "2018-11-13T16:00:01Z"}}, writer());
  EXPECT_TRUE(IsProblem(moved_out, 422));
  EXPECT_EQ(error_fields(moved_out), std::set<std::string>{"/ends_at"});
  EXPECT_EQ(item_column("ends_at", whole), "2018-11-13 16:00:00");
  EXPECT_EQ(item_column("version", whole), "1");
}

TEST_F(MeetingsTest, MeetingTimesCannotLeaveAgendaItemsOutside) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  long long first =
      create_item(id, item("Keynote", {{"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T10:00:00Z"}}));
  create_item(id,
              item("Workshop",
                   {{"kind", "workshop"}, {"starts_at", "2018-11-13T13:00:00Z"}, {"ends_at", "2018-11-13T15:00:00Z"}}));

  auto later_start = client().patch(path(id), {{"starts_at", "2018-11-13T09:30:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(later_start, 422));
  EXPECT_EQ(error_fields(later_start), std::set<std::string>{"/starts_at"});
  auto earlier_end = client().patch(path(id), {{"ends_at", "2018-11-13T14:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(earlier_end, 422));
  EXPECT_EQ(error_fields(earlier_end), std::set<std::string>{"/ends_at"});
  auto other_day =
      client().patch(path(id), {{"starts_at", "2019-03-14T08:00:00Z"}, {"ends_at", "2019-03-14T16:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(other_day, 422));
  // The items now lie before the meeting: its start is at fault.
  EXPECT_EQ(error_fields(other_day), std::set<std::string>{"/starts_at"});
  auto day_earlier =
      client().patch(path(id), {{"starts_at", "2018-06-01T08:00:00Z"}, {"ends_at", "2018-06-01T16:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(day_earlier, 422));
  EXPECT_EQ(error_fields(day_earlier), std::set<std::string>{"/ends_at"});
  auto narrower =
      client().patch(path(id), {{"starts_at", "2018-11-13T09:30:00Z"}, {"ends_at", "2018-11-13T14:00:00Z"}}, writer());
  EXPECT_TRUE(IsProblem(narrower, 422));
  EXPECT_EQ(error_fields(narrower), (std::set<std::string>{"/starts_at", "/ends_at"}));
  EXPECT_EQ(column("starts_at", id), "2018-11-13 08:00:00");
  EXPECT_EQ(column("ends_at", id), "2018-11-13 16:00:00");
  EXPECT_EQ(column("version", id), "1");

  // Up to the items' edges is fine; so is anything once the items are gone.
  auto tight =
      client().patch(path(id), {{"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T15:00:00Z"}}, writer());
  EXPECT_EQ(tight.status, 200) << tight.body;
  ASSERT_EQ(client().del(agenda(id, first), writer()).status, 204);
  auto later = client().patch(path(id), {{"starts_at", "2018-11-13T12:00:00Z"}}, writer());
  EXPECT_EQ(later.status, 200) << later.body;
}

TEST_F(MeetingsTest, AnItemOfAnotherMeetingIsNotFound) {
  long long mine = create_meeting(meeting("Meins", {{"published", true}}));
  long long theirs = create_meeting(meeting("Deren", {{"published", true}}));
  long long item_id = create_item(theirs, item("Vortrag"));
  EXPECT_TRUE(IsProblem(client().get(agenda(mine, item_id)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(mine, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().patch(agenda(mine, item_id), {{"title", "Gekapert"}}, writer()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(mine, item_id), writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(4711, item_id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().del(agenda(4711, item_id), writer()), 404));
  EXPECT_EQ(item_column("title", item_id), "Vortrag");
  EXPECT_EQ(item_column("meeting_id", item_id), str(theirs));
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(client().get(agenda(theirs, item_id)).status, 200);
}

TEST_F(MeetingsTest, AgendaItemIfMatchWithAStaleETagIs412) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  auto created = client().post(agenda(id), item("Keynote"), writer());
  ASSERT_EQ(created.status, 201);
  long long item_id = created.json().at("id").get<long long>();
  Headers first = writer();
  first["If-Match"] = created.header("etag").value_or("");
  auto ok = client().patch(agenda(id, item_id), {{"room", "Saal 1"}}, first);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(IsProblem(client().patch(agenda(id, item_id), {{"room", "Saal 2"}}, first), 412));
  EXPECT_TRUE(IsProblem(client().del(agenda(id, item_id), first), 412));
  EXPECT_EQ(item_column("room", item_id), "Saal 1");
  EXPECT_EQ(db().count("agenda_items"), 1);
  auto empty = client().patch(agenda(id, item_id), json::object(), writer());
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json().at("version"), 2);
  Headers fresh = writer();
  fresh["If-Match"] = ok.header("etag").value_or("");
  EXPECT_EQ(client().del(agenda(id, item_id), fresh).status, 204);
  EXPECT_EQ(db().count("agenda_items"), 0);
}

// --- demo data --------------------------------------------------------------------------------

TEST_F(MeetingsTest, SeedAddsTheMeetingOfThePressReleaseOnce) {
  auto first = service::seed_demo_data(db().pool());
  ASSERT_TRUE(first.ok()) << first.error().detail;
  std::string id = db().scalar("SELECT id FROM meetings WHERE title = 'Drittes Netzwerktreffen 2018'");
  ASSERT_NE(id, "<none>");
  std::string company = db().scalar("SELECT id FROM companies WHERE slug = 'deutsche-bahn'");
  // 13 November 2018, 09:00-16:30 in Potsdam (UTC+1), hosted by Deutsche Bahn, held and public.
  EXPECT_EQ(db().scalar("SELECT CONCAT_WS('|', kind, starts_at, ends_at, timezone, venue_name, venue_city, "
                        "host_company_id, status, published) FROM meetings WHERE id = " +
                        id),
            "network_meeting|2018-11-13 08:00:00|2018-11-13 15:30:00|Europe/Berlin|DB Akademie|Potsdam|" + company +
                "|held|1");
  // The evening before, at the DB Tower in Berlin: a meeting of its own with a social item.
  EXPECT_EQ(db().count("meetings",
                       "kind = 'other' AND venue_city = 'Berlin' AND venue_name = 'DB Tower' AND "
                       "starts_at = '2018-11-12 17:00:00' AND published = 1"),
            1);
  EXPECT_EQ(db().count("agenda_items", "kind = 'social' AND starts_at = '2018-11-12 17:00:00'"), 1);

  auto agenda_page = client().get("/v1/meetings/" + id + "/agenda");
  ASSERT_EQ(agenda_page.status, 200) << agenda_page.body;
  json items = agenda_page.json().at("items");
  ASSERT_EQ(items.size(), 9u);
  EXPECT_EQ(items[0].at("kind"), "keynote");
  EXPECT_EQ(items[0].at("starts_at"), "2018-11-13T08:30:00Z");
  EXPECT_EQ(items[0].at("speakers")[0].at("name"), "Leonie Gebers");
  EXPECT_EQ(items[0].at("title"), "Impulsvortrag zum Fachkräfteeinwanderungsgesetz");
  std::set<std::string> workshops;
  for (const auto& item : items) {
    if (item.at("kind") == "workshop") workshops.insert(item.at("title").get<std::string>());
    EXPECT_GE(item.at("starts_at").get<std::string>(), "2018-11-13T08:00:00Z");
    EXPECT_LE(item.at("ends_at").get<std::string>(), "2018-11-13T15:30:00Z");
  }
  EXPECT_EQ(workshops,
            (std::set<std::string>{"Ausbilder auf die Betreuung von Geflüchteten vorbereiten", "„Perspektive Heimat“",
                                   "Pressearbeit zum Thema Migration & Flucht", "„Konjunktur des Rechtspopulismus“"}));
  std::string panel = db().scalar("SELECT speakers FROM agenda_items WHERE kind = 'panel'");
  for (const char* who : {"Leonie Gebers", "Martin Seiler", "Marlies Peine", "Vorstand Personal & Recht"}) {
    EXPECT_NE(panel.find(who), std::string::npos) << who;
  }
  EXPECT_EQ(db().count("agenda_items",
                       "JSON_VALUE(speakers, '$[0].name') = 'Jan Boris Wintzenburg' AND "
                       "JSON_VALUE(speakers, '$[0].organization') = 'stern'"),
            1);
  // German typography as bytes: „ (e2809e) and “ (e2809c), no double encoding.
  EXPECT_EQ(db().scalar("SELECT LOWER(HEX(title)) FROM agenda_items WHERE title LIKE '%Perspektive Heimat%'"),
            service::hex_encode("„Perspektive Heimat“"));

  long long meetings = db().count("meetings");
  long long agenda_items = db().count("agenda_items");
  std::string stamp = db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + id);
  auto second = service::seed_demo_data(db().pool());
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(db().count("meetings"), meetings);
  EXPECT_EQ(db().count("agenda_items"), agenda_items);
  EXPECT_EQ(db().scalar("SELECT CONCAT(version, ' ', updated_at) FROM meetings WHERE id = " + id), stamp);
}

TEST_F(MeetingsTest, SeedLeavesAMeetingAnEditorMovedAsItIs) {
  // The meeting exists already, shortened to the morning: the seed adds what fits and moves nothing.
  long long id = create_meeting(meeting("Drittes Netzwerktreffen 2018", {{"starts_at", "2018-11-13T09:00:00+01:00"},
                                                                         {"ends_at", "2018-11-13T12:00:00+01:00"}}));
  auto seeded = service::seed_demo_data(db().pool());
  ASSERT_TRUE(seeded.ok()) << seeded.error().detail;
  EXPECT_EQ(db().count("meetings", "title = 'Drittes Netzwerktreffen 2018'"), 1);
  EXPECT_EQ(column("ends_at", id), "2018-11-13 11:00:00");
  EXPECT_EQ(column("version", id), "1");
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id)), 4);  // keynote to best cases
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id) + " AND ends_at > '2018-11-13 11:00:00'"), 0);
}

}  // namespace
}  // namespace zusammen::testing
