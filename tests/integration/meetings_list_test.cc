// /v1/meetings end to end, delete, access and reading: who sees which meeting, filters, sorting,
// cursor pagination, ?include=agenda and conditional GETs; rows checked through MySQL Connector/C++.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "meetings_fixture.h"

namespace zusammen::testing {
namespace {

const SuiteSettings MeetingsTest::kSuite = {
    .database = "meetings_list", .writer = "content:write", .reader = "content:read"};

// --- delete -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, DeleteAnswers204AndTakesTheAgendaAlong) {
  long long keep = create_meeting(meeting("Bleibt"));
  long long kept_item = create_item(keep, item("Bleibt auch"));
  long long id = create_meeting(meeting("Geht"));
  long long first = create_item(id, item("Keynote", {{"kind", "keynote"}}));
  long long second = create_item(id, item("Podium", {{"kind", "panel"}}));

  auto removed = client().del(path(id), writer());
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(removed.body.empty());
  EXPECT_EQ(db().count("meetings", "id = " + str(id)), 0);
  EXPECT_EQ(db().count("agenda_items", "meeting_id = " + str(id)), 0);
  EXPECT_EQ(db().count("agenda_items", "id = " + str(kept_item)), 1);
  EXPECT_EQ(db().count("meetings"), 1);
  // The change feed learns of the meeting and of each item that went with it.
  EXPECT_EQ(changes("meeting", id, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", first, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", second, "delete"), 1);
  EXPECT_EQ(changes("agenda_item", kept_item, "delete"), 0);

  EXPECT_TRUE(IsProblem(client().del(path(id), writer()), 404));
  EXPECT_TRUE(IsProblem(client().get(path(id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(id), reader()), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(id, first), reader()), 404));
}

TEST_F(MeetingsTest, DeleteIsRefusedWhileATestimonialRefersToTheMeeting) {
  long long id = create_meeting(meeting("Netzwerktreffen"));
  create_item(id, item("Keynote"));
  execute(
      "INSERT INTO testimonials (quote, author_name, meeting_id) VALUES "
      "('Gelungene Integration geht nur zusammen!', 'Martin Seiler', " +
      str(id) + ")");
  auto refused = client().del(path(id), writer());
  EXPECT_TRUE(IsProblem(refused, 409));
  EXPECT_NE(refused.json().value("detail", "").find("testimonials"), std::string::npos) << refused.body;
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(changes("meeting", id, "delete"), 0);
}

// --- access -----------------------------------------------------------------------------------

TEST_F(MeetingsTest, AnonymousCallersSeeOnlyPublishedMeetingsAndTheirAgenda) {
  long long published = create_meeting(meeting("Öffentlich", {{"published", true}}));
  long long draft = create_meeting(meeting("Entwurf"));
  long long public_item = create_item(published, item("Keynote"));
  long long draft_item = create_item(draft, item("Geheim"));

  EXPECT_EQ(client().get(path(published)).status, 200);
  EXPECT_EQ(client().get(agenda(published)).status, 200);
  EXPECT_EQ(client().get(agenda(published, public_item)).status, 200);
  EXPECT_EQ(client().get(path(published) + "?include=agenda").status, 200);
  EXPECT_TRUE(IsProblem(client().get(path(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get(path(draft) + "?include=agenda"), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(draft)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(draft, draft_item)), 404));
  auto anonymous = client().get("/v1/meetings");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  EXPECT_EQ(ids_of(anonymous), (std::set<long long>{published}));
  EXPECT_EQ(anonymous.header("cache-control").value_or(""), "public, max-age=60");

  for (const auto& target : {path(draft), agenda(draft), agenda(draft, draft_item), path(draft) + "?include=agenda"}) {
    EXPECT_EQ(client().get(target, reader()).status, 200) << target;
    EXPECT_EQ(client().get(target, writer()).status, 200) << target;
  }
  EXPECT_EQ(ids_of(client().get("/v1/meetings", reader())), (std::set<long long>{published, draft}));

  // Unpublishing takes the meeting and its agenda out of public view.
  ASSERT_EQ(client().patch(path(published), {{"published", false}}, writer()).status, 200);
  EXPECT_TRUE(IsProblem(client().get(path(published)), 404));
  EXPECT_TRUE(IsProblem(client().get(agenda(published, public_item)), 404));
  EXPECT_TRUE(ids_of(client().get("/v1/meetings")).empty());
}

TEST_F(MeetingsTest, WritesNeedContentWriteAndReadsWithAKeyNeedContentRead) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long item_id = create_item(id, item("Keynote"));
  std::string other = key({"registrations:read"});
  struct Write {
    std::string method;
    std::string target;
    json body;
  };
  std::vector<Write> writes = {{"POST", "/v1/meetings", meeting("Neu")},
                               {"PATCH", path(id), {{"title", "Neu"}}},
                               {"DELETE", path(id), nullptr},
                               {"POST", agenda(id), item("Neu")},
                               {"PATCH", agenda(id, item_id), {{"title", "Neu"}}},
                               {"DELETE", agenda(id, item_id), nullptr}};
  for (const auto& w : writes) {
    std::string body = w.body.is_null() ? "" : w.body.dump();
    Headers anonymous = {{"Content-Type", "application/json"}};
    EXPECT_TRUE(IsProblem(client().request(w.method, w.target, body, anonymous), 401)) << w.method << " " << w.target;
    Headers read_only = reader();
    read_only["Content-Type"] = "application/json";
    EXPECT_TRUE(IsProblem(client().request(w.method, w.target, body, read_only), 403)) << w.method << " " << w.target;
  }
  for (const auto& target : {std::string("/v1/meetings"), path(id), agenda(id), agenda(id, item_id)}) {
    EXPECT_TRUE(IsProblem(client().get(target, bearer(other)), 403)) << target;
    EXPECT_TRUE(IsProblem(client().get(target, bearer("zus_not_a_key")), 401)) << target;
  }
  EXPECT_EQ(db().count("meetings"), 1);
  EXPECT_EQ(db().count("agenda_items"), 1);
  EXPECT_EQ(column("title", id), "Netzwerktreffen");
  EXPECT_EQ(column("version", id), "1");
}

// --- filters, sorting, pagination -------------------------------------------------------------

TEST_F(MeetingsTest, FiltersNarrowTheList) {
  long long db_company = create_company("deutsche-bahn", "Deutsche Bahn AG");
  long long a = create_meeting(meeting("Drittes Netzwerktreffen 2018", {{"starts_at", "2018-11-12T17:00:00Z"},
                                                                        {"ends_at", "2018-11-13T15:00:00Z"},
                                                                        {"venue", {{"city", "Potsdam"}}},
                                                                        {"host_company_id", db_company},
                                                                        {"status", "held"},
                                                                        {"published", true}}));
  long long b = create_meeting(meeting("Webinar Fachkräfteeinwanderungsgesetz", {{"kind", "webinar"},
                                                                                 {"starts_at", "2018-11-20T09:00:00Z"},
                                                                                 {"ends_at", "2018-11-20T12:00:00Z"},
                                                                                 {"status", "held"}}));
  long long c = create_meeting(
      meeting("Workshop Ausbilder", {{"kind", "workshop"},
                                     {"starts_at", "2019-03-14T08:00:00Z"},
                                     {"ends_at", "2019-03-14T16:00:00Z"},
                                     {"venue", {{"city", "Berlin"}}},
                                     {"description", "Interkulturelle Zusammenarbeit in den Betrieben"}}));
  long long d = create_meeting(meeting(
      "Frühjahrstreffen",
      {{"starts_at", "2099-05-01T08:00:00Z"}, {"ends_at", "2099-05-01T16:00:00Z"}, {"venue", {{"city", "Hamburg"}}}}));
  long long e = create_meeting(meeting("Abendempfang", {{"kind", "other"},
                                                        {"starts_at", "2018-11-13T18:00:00Z"},
                                                        {"ends_at", "2018-11-13T20:00:00Z"},
                                                        {"venue", {{"city", "Potsdam"}}},
                                                        {"status", "cancelled"}}));
  // Running from long ago until far ahead: upcoming until it is over.
  long long f = create_meeting(
      meeting("Dauerausstellung",
              {{"kind", "other"}, {"starts_at", "2018-01-01T00:00:00Z"}, {"ends_at", "2098-12-31T00:00:00Z"}}));

  auto ids = [&](const std::string& query) { return listed_id_set(client(), "/v1/meetings?" + query, reader()); };
  using Ids = std::set<long long>;
  // from: still running after the instant (ends after it); to: started before it; a date is a whole UTC day.
  EXPECT_EQ(ids("from=2018-11-13"), (Ids{a, b, c, d, e, f}));
  EXPECT_EQ(ids("to=2018-11-13"), (Ids{a, e, f}));
  EXPECT_EQ(ids("from=2018-11-13&to=2018-11-13"), (Ids{a, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T15:00:00Z"), (Ids{b, c, d, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T16:00:00%2B01:00"), (Ids{b, c, d, e, f}));
  EXPECT_EQ(ids("from=2018-11-13T14:59:59Z"), (Ids{a, b, c, d, e, f}));
  EXPECT_EQ(ids("to=2018-11-12T17:00:00Z"), (Ids{f}));
  EXPECT_EQ(ids("to=2018-11-12T17:00:01Z"), (Ids{a, f}));
  EXPECT_EQ(ids("from=2018-11-14&to=2019-12-31"), (Ids{b, c, f}));
  EXPECT_EQ(ids("from=2099-01-01"), (Ids{d}));
  EXPECT_EQ(ids("kind=webinar"), (Ids{b}));
  EXPECT_EQ(ids("kind=network_meeting"), (Ids{a, d}));
  EXPECT_EQ(ids("city=Potsdam"), (Ids{a, e}));
  EXPECT_EQ(ids("city=potsdam"), (Ids{a, e}));
  EXPECT_EQ(ids("city=Potsdam&status=cancelled"), (Ids{e}));
  EXPECT_EQ(ids("status=held"), (Ids{a, b}));
  EXPECT_EQ(ids("host_company_id=" + str(db_company)), (Ids{a}));
  EXPECT_EQ(ids("host_company_id=" + str(db_company + 1)), (Ids{}));
  EXPECT_EQ(ids("upcoming=true"), (Ids{d, f}));
  EXPECT_EQ(ids("upcoming=false"), (Ids{a, b, c, e}));
  EXPECT_EQ(ids("upcoming=true&kind=other"), (Ids{f}));
  EXPECT_EQ(ids("q=Netzwerktreffen"), (Ids{a}));
  EXPECT_EQ(ids("q=Fr%C3%BChjahrstreffen"), (Ids{d}));
  EXPECT_EQ(ids("q=Fachkr%C3%A4fte"), (Ids{b}));
  EXPECT_EQ(ids("q=interkulturelle+Betrieben"), (Ids{c}));
  EXPECT_EQ(ids("q=Schiffbau"), (Ids{}));
  // Anonymous callers filter among published meetings only.
  auto anonymous = client().get("/v1/meetings?city=Potsdam");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(ids_of(anonymous), (Ids{a}));
}

TEST_F(MeetingsTest, UpdatedSinceListsWhatChangedAtOrAfterTheInstant) {
  long long older = create_meeting(meeting("Alt"));
  long long changed = create_meeting(meeting("Neu"));
  ASSERT_EQ(client().patch(path(changed), {{"capacity", 3}}, writer()).status, 200);
  std::string since = updated_at_instant(db(), "meetings", changed);
  auto at = client().get("/v1/meetings?updated_since=" + since, reader());
  ASSERT_EQ(at.status, 200) << at.body;
  EXPECT_EQ(ids_of(at), (std::set<long long>{changed}));
  auto past = client().get("/v1/meetings?updated_since=2000-01-01T00:00:00Z", reader());
  EXPECT_EQ(ids_of(past), (std::set<long long>{older, changed}));
}

TEST_F(MeetingsTest, BadQueryParametersAre400NamingTheParameter) {
  std::vector<std::pair<std::string, std::string>> cases = {{"from=yesterday", "from"},
                                                            {"from=2018-11-13T09:00", "from"},
                                                            {"to=2018-13-01", "to"},
                                                            {"from=2018-11-14&to=2018-11-13", "to"},
                                                            {"from=2018-11-13T10:00:00Z&to=2018-11-13T10:00:00Z", "to"},
                                                            {"kind=party", "kind"},
                                                            {"status=done", "status"},
                                                            {"upcoming=yes", "upcoming"},
                                                            {"host_company_id=abc", "host_company_id"},
                                                            {"updated_since=gestern", "updated_since"},
                                                            {"sort=colour", "sort"},
                                                            {"sort=-venue", "sort"},
                                                            {"limit=0", "limit"},
                                                            {"limit=101", "limit"},
                                                            {"cursor=%21%21", "cursor"},
                                                            {"include=agenda", "include"},
                                                            {"colour=blue", "colour"},
                                                            {"q=", "q"},
                                                            {"q=%2B%2B", "q"},
                                                            {"city=", "city"}};
  for (const auto& [query, name] : cases) {
    auto response = client().get("/v1/meetings?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_TRUE(Names(response, {name})) << query;
  }
  // Every bad parameter at once.
  auto several = client().get("/v1/meetings?from=x&kind=y&limit=0", reader());
  EXPECT_TRUE(IsProblem(several, 400));
  EXPECT_EQ(error_fields(several), (std::set<std::string>{"from", "kind", "limit"}));
  for (const char* query : {"bogus=1", "include=company"}) {
    auto response = client().get(agenda(1) + "?" + query, reader());
    EXPECT_TRUE(IsProblem(response, 400)) << query;
  }
  auto include = client().get("/v1/meetings/1?include=bogus", reader());
  EXPECT_TRUE(IsProblem(include, 400));
  EXPECT_TRUE(Names(include, {"include"}));
}

TEST_F(MeetingsTest, SortsByStartTitleAndCreation) {
  long long spring = create_meeting(
      meeting("Frühjahrstreffen", {{"starts_at", "2019-04-01T08:00:00Z"}, {"ends_at", "2019-04-01T16:00:00Z"}}));
  long long autumn = create_meeting(meeting("Herbsttreffen", {{"starts_at", "2018-11-13T08:00:00Z"}}));
  long long workshop = create_meeting(
      meeting("Ausbilder-Workshop", {{"starts_at", "2018-06-01T08:00:00Z"}, {"ends_at", "2018-06-01T12:00:00Z"}}));
  long long aerzte = create_meeting(meeting("Ärzte im Netzwerk", {{"starts_at", "2018-11-13T08:00:00Z"}}));

  auto order = [&](const std::string& query) { return listed_ids(client(), "/v1/meetings" + query, reader()); };
  using Ids = std::vector<long long>;
  // Ties (the same start) are broken by id.
  EXPECT_EQ(order(""), (Ids{workshop, autumn, aerzte, spring}));
  EXPECT_EQ(order("?sort=starts_at"), (Ids{workshop, autumn, aerzte, spring}));
  EXPECT_EQ(order("?sort=-starts_at"), (Ids{spring, aerzte, autumn, workshop}));
  // German collation: Ä sorts with A.
  EXPECT_EQ(order("?sort=title"), (Ids{aerzte, workshop, spring, autumn}));
  EXPECT_EQ(order("?sort=-title"), (Ids{autumn, spring, workshop, aerzte}));
  EXPECT_EQ(order("?sort=created_at"), (Ids{spring, autumn, workshop, aerzte}));
  EXPECT_EQ(order("?sort=-created_at"), (Ids{aerzte, workshop, autumn, spring}));
  ASSERT_EQ(client().patch(path(spring), {{"capacity", 5}}, writer()).status, 200);
  EXPECT_EQ(order("?sort=-updated_at").front(), spring);
}

TEST_F(MeetingsTest, CursorPaginationWalksEveryRowExactlyOnce) {
  std::set<long long> published;
  std::set<long long> all;
  for (int n = 0; n < 23; ++n) {
    bool is_published = n % 6 != 2;  // 4 drafts
    // Few distinct start times and repeated titles: ties that only the id can break.
    std::string day = "2018-11-1" + std::to_string(n % 4);
    long long id = create_meeting(
        meeting("Treffen " + std::to_string(n % 5),
                {{"starts_at", day + "T08:00:00Z"}, {"ends_at", day + "T16:00:00Z"}, {"published", is_published}}));
    all.insert(id);
    if (is_published) published.insert(id);
  }
  ASSERT_EQ(published.size(), 19u);
  ExpectCursorWalks(client(), {.collection = "/v1/meetings",
                               .limit = 4,
                               .sorts = {{"", false},
                                         {"-starts_at", false},
                                         {"title", true},
                                         {"-title", true},
                                         {"created_at", true},
                                         {"-updated_at", false}},
                               .keyed_headers = reader(),
                               .all = all,
                               .published = published});
  // A cursor made for one sort order is refused for another.
  auto first = client().get("/v1/meetings?limit=4", reader());
  auto other = client().get(
      "/v1/meetings?limit=4&sort=title&cursor=" + first.json().at("next_cursor").get<std::string>(), reader());
  EXPECT_TRUE(IsProblem(other, 400));
  EXPECT_TRUE(Names(other, {"cursor"}));
}

// --- embedding and conditional requests -------------------------------------------------------

TEST_F(MeetingsTest, IncludeAgendaEmbedsTheProgrammeInOrder) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long panel = create_item(
      id, item("Podiumsdiskussion",
               {{"kind", "panel"}, {"starts_at", "2018-11-13T11:00:00Z"}, {"ends_at", "2018-11-13T12:00:00Z"}}));
  long long keynote = create_item(id, item("Impulsvortrag", {{"kind", "keynote"}}));
  long long other = create_meeting(meeting("Anderes Treffen", {{"published", true}}));
  create_item(other, item("Fremder Vortrag"));

  auto plain = client().get(path(id));
  ASSERT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.json().contains("agenda"));
  auto embedded = client().get(path(id) + "?include=agenda");
  ASSERT_EQ(embedded.status, 200) << embedded.body;
  json body = embedded.json();
  ASSERT_TRUE(body.at("agenda").is_array());
  ASSERT_EQ(body.at("agenda").size(), 2u);
  EXPECT_EQ(body["agenda"][0].at("id"), keynote);
  EXPECT_EQ(body["agenda"][1].at("id"), panel);
  EXPECT_EQ(body["agenda"][0].at("meeting_id"), id);
  body.erase("agenda");
  EXPECT_EQ(body, plain.json());
  EXPECT_TRUE(matches(embedded.header("etag").value_or(""), R"("1-[0-9a-f]{16}")"));
  EXPECT_NE(embedded.header("etag"), plain.header("etag"));

  // The embedded representation changes with the agenda, and so does its ETag.
  std::string etag = embedded.header("etag").value_or("");
  EXPECT_EQ(client().get(path(id) + "?include=agenda", {{"If-None-Match", etag}}).status, 304);
  ASSERT_EQ(client().patch(agenda(id, panel), {{"room", "Saal 1"}}, writer()).status, 200);
  auto changed = client().get(path(id) + "?include=agenda", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json()["agenda"][1].at("room"), "Saal 1");

  auto empty = client().post("/v1/meetings", meeting("Ohne Programm"), writer());
  long long empty_id = empty.json().at("id").get<long long>();
  auto none = client().get(path(empty_id) + "?include=agenda", reader());
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.json().at("agenda"), json::array());
}

TEST_F(MeetingsTest, ETagsAnswerIfNoneMatchWith304OnItemsAndLists) {
  long long id = create_meeting(meeting("Netzwerktreffen", {{"published", true}}));
  long long item_id = create_item(id, item("Keynote"));
  for (const auto& target : {path(id), std::string("/v1/meetings"), agenda(id), agenda(id, item_id)}) {
    auto first = client().get(target);
    ASSERT_EQ(first.status, 200) << target;
    std::string etag = first.header("etag").value_or("");
    EXPECT_TRUE(matches(etag, R"("[!#-~]+")")) << target;
    auto same = client().get(target, {{"If-None-Match", etag}});
    EXPECT_EQ(same.status, 304) << target;
    EXPECT_TRUE(same.body.empty());
    EXPECT_EQ(client().get(target, {{"If-None-Match", "\"1-0000000000000000\""}}).status, 200) << target;
  }
  std::string item_etag = client().get(agenda(id, item_id)).header("etag").value_or("");
  EXPECT_TRUE(matches(item_etag, R"("1-[0-9a-f]{16}")"));
  std::string list_etag = client().get(agenda(id)).header("etag").value_or("");
  ASSERT_EQ(client().patch(agenda(id, item_id), {{"title", "Impulsvortrag"}}, writer()).status, 200);
  EXPECT_EQ(client().get(agenda(id, item_id), {{"If-None-Match", item_etag}}).status, 200);
  EXPECT_EQ(client().get(agenda(id), {{"If-None-Match", list_etag}}).status, 200);
}

}  // namespace
}  // namespace zusammen::testing
