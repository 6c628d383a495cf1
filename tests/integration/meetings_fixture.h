// The fixture of the /v1/meetings suites (meetings_test.cc, meetings_list_test.cc, agenda_test.cc;
// one binary each): the real App and Pistache on port 0 over a private MariaDB, every write checked
// through MySQL Connector/C++ (the independent window). Each binary defines MeetingsTest::kSuite,
// naming its own database.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

class MeetingsTest : public ApiTest<MeetingsTest> {
 public:
  static const SuiteSettings kSuite;  // defined by each of the three files

 protected:
  long long create_company(const std::string& slug, const std::string& name) {
    return created_id(client(), "/v1/companies", {{"slug", slug}, {"name", name}}, writer());
  }

  // A one-day meeting on 13 November 2018, 09:00-17:00 in Berlin (08:00-16:00 UTC).
  static json meeting(const std::string& title, const json& extra = json::object()) {
    json body = {{"title", title},
                 {"kind", "network_meeting"},
                 {"starts_at", "2018-11-13T08:00:00Z"},
                 {"ends_at", "2018-11-13T16:00:00Z"}};
    body.update(extra);
    return body;
  }

  long long create_meeting(const json& body) { return created_id(client(), "/v1/meetings", body, writer()); }

  static json item(const std::string& title, const json& extra = json::object()) {
    json body = {
        {"kind", "talk"}, {"title", title}, {"starts_at", "2018-11-13T09:00:00Z"}, {"ends_at", "2018-11-13T09:30:00Z"}};
    body.update(extra);
    return body;
  }

  long long create_item(long long meeting_id, const json& body) {
    return created_id(client(), agenda(meeting_id), body, writer());
  }

  static std::string path(long long id) { return "/v1/meetings/" + str(id); }
  static std::string agenda(long long id) { return path(id) + "/agenda"; }
  static std::string agenda(long long id, long long item_id) { return agenda(id) + "/" + str(item_id); }

  std::string column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM meetings WHERE id = " + str(id));
  }
  std::string item_column(const std::string& name, long long id) {
    return scalar("SELECT " + name + " FROM agenda_items WHERE id = " + str(id));
  }
  long long changes(const std::string& type, long long id, const std::string& op) {
    return changes_of(db(), type, id, op);
  }
};

}  // namespace
}  // namespace zusammen::testing
