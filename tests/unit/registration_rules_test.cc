// Registration rules without a database: validation, status transitions, email keys, JSON and CSV.
#include <gtest/gtest.h>

#include <set>

#include "api/json/registration_json.h"
#include "api/problem.h"
#include "service/registrations.h"

namespace zusammen {
namespace {

using nlohmann::json;
using service::FieldError;

service::RegistrationInput valid() {
  service::RegistrationInput g;
  g.meeting_id = 1;
  g.first_name = "Jürgen";
  g.last_name = "Müller";
  g.email = "j.mueller@example.de";
  return g;
}

std::set<std::string> fields(const std::vector<FieldError>& errors) {
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.field);
  return out;
}

TEST(RegistrationRules, ValidInputHasNoErrors) { EXPECT_TRUE(service::validate(valid()).empty()); }

TEST(RegistrationRules, EveryBadFieldIsNamedAtOnce) {
  auto g = valid();
  g.meeting_id = 0;
  g.first_name = "";
  g.last_name = std::string(101, 'x');
  g.email = "no-address";
  g.organization = std::string(201, 'o');
  g.job_title = std::string(201, 'j');
  g.notes = std::string(2001, 'n');
  g.status = "maybe";
  g.source = std::string(101, 's');
  g.workshop_ids = {3, 0, 3};
  EXPECT_EQ(
      fields(service::validate(g)),
      (std::set<std::string>{"/meeting_id", "/first_name", "/last_name", "/email", "/organization", "/job_title",
                             "/notes", "/status", "/source", "/external_ref", "/workshop_ids/1", "/workshop_ids/2"}));
}

TEST(RegistrationRules, NamesCountCodePointsNotBytes) {
  auto g = valid();
  g.last_name = "";
  for (int i = 0; i < 100; ++i) g.last_name += "ü";  // 200 bytes, 100 characters
  EXPECT_TRUE(service::validate(g).empty());
  g.last_name += "ü";
  EXPECT_EQ(fields(service::validate(g)), std::set<std::string>{"/last_name"});
}

TEST(RegistrationRules, SourceAndExternalRefComeTogether) {
  auto g = valid();
  g.external_ref = "A-1";
  EXPECT_EQ(fields(service::validate(g)), std::set<std::string>{"/source"});
  g.source = "crm";
  EXPECT_TRUE(service::validate(g).empty());
}

TEST(RegistrationRules, EmailLongerThan254IsRefused) {
  auto g = valid();
  g.email = std::string(250, 'a') + "@x.de";
  EXPECT_EQ(fields(service::validate(g)), std::set<std::string>{"/email"});
}

TEST(RegistrationRules, TransitionsFollowTheContract) {
  using service::is_allowed_transition;
  EXPECT_TRUE(is_allowed_transition("registered", "cancelled"));
  EXPECT_TRUE(is_allowed_transition("registered", "attended"));
  EXPECT_TRUE(is_allowed_transition("registered", "no_show"));
  EXPECT_FALSE(is_allowed_transition("registered", "waitlisted"));
  EXPECT_TRUE(is_allowed_transition("waitlisted", "cancelled"));
  EXPECT_TRUE(is_allowed_transition("waitlisted", "registered"));
  EXPECT_FALSE(is_allowed_transition("waitlisted", "attended"));
  EXPECT_FALSE(is_allowed_transition("waitlisted", "no_show"));
  EXPECT_TRUE(is_allowed_transition("cancelled", "registered"));
  EXPECT_TRUE(is_allowed_transition("cancelled", "waitlisted"));
  EXPECT_FALSE(is_allowed_transition("cancelled", "attended"));
  EXPECT_TRUE(is_allowed_transition("attended", "no_show"));
  EXPECT_TRUE(is_allowed_transition("no_show", "attended"));
  EXPECT_FALSE(is_allowed_transition("attended", "cancelled"));
  EXPECT_FALSE(is_allowed_transition("no_show", "registered"));
  EXPECT_TRUE(is_allowed_transition("cancelled", "cancelled"));
}

TEST(RegistrationRules, PlacesAreHeldByRegisteredAttendedAndNoShow) {
  EXPECT_TRUE(service::holds_place("registered"));
  EXPECT_TRUE(service::holds_place("attended"));
  EXPECT_TRUE(service::holds_place("no_show"));
  EXPECT_FALSE(service::holds_place("waitlisted"));
  EXPECT_FALSE(service::holds_place("cancelled"));
}

TEST(RegistrationRules, EmailKeyLowerCasesAsciiOnly) {
  EXPECT_EQ(service::email_key("Leonie.GEBERS@BMAS.example"), "leonie.gebers@bmas.example");
  EXPECT_EQ(service::email_key("Jürgen@Bäcker.de"), "jürgen@bäcker.de");
}

TEST(RegistrationJson, ReadsWorkshopIdsAndNullCompany) {
  json body = {{"meeting_id", 4},   {"first_name", "Ayşe"},  {"last_name", "Öztürk"},
               {"email", "a@x.de"}, {"company_id", nullptr}, {"workshop_ids", {7, 9}}};
  auto input = api::registration_from_json(body, false);
  ASSERT_TRUE(input.ok()) << input.error().detail;
  EXPECT_EQ(input->workshop_ids, (std::vector<long long>{7, 9}));
  EXPECT_FALSE(input->company_id.has_value());
  EXPECT_EQ(input->status, "registered");
  EXPECT_EQ(api::registration_from_json(api::registration_writable_json(*input), false).value(), *input);
}

TEST(RegistrationJson, WrongTypesAndUnknownFieldsAre400NamingEach) {
  json body = {{"meeting_id", "4"},
               {"first_name", "A"},
               {"last_name", "B"},
               {"email", "a@x.de"},
               {"workshop_ids", {1, 2.5, "3"}},
               {"version", 2},
               {"hobby", "x"}};
  auto input = api::registration_from_json(body, false);
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().code, service::ErrorCode::invalid_argument);
  EXPECT_EQ(fields(input.error().errors),
            (std::set<std::string>{"/meeting_id", "/workshop_ids/1", "/workshop_ids/2", "/version", "/hobby"}));
  auto scalar = api::registration_from_json({{"workshop_ids", "1,2"}}, true);
  ASSERT_FALSE(scalar.ok());
  EXPECT_EQ(fields(scalar.error().errors), std::set<std::string>{"/workshop_ids"});
}

TEST(RegistrationCsv, QuotesOnlyWhatRfc4180Requires) {
  EXPECT_EQ(api::csv_field("Müller"), "Müller");
  EXPECT_EQ(api::csv_field("Müller, Jr."), "\"Müller, Jr.\"");
  EXPECT_EQ(api::csv_field("sagt \"ja\""), "\"sagt \"\"ja\"\"\"");
  EXPECT_EQ(api::csv_field("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(api::csv_field("„Zusammen“"), "„Zusammen“");
}

TEST(RegistrationCsv, ExportHasBomHeaderAndCrlfRows) {
  service::Registration g;
  static_cast<service::RegistrationInput&>(g) = valid();
  g.id = 3;
  g.workshop_ids = {5, 6};
  g.company_id = 2;
  g.created_at = "2018-11-13T09:00:00Z";
  g.updated_at = "2018-11-13T09:30:00Z";
  std::string csv = api::registrations_to_csv({g});
  EXPECT_EQ(
      csv,
      "\xEF\xBB\xBF"
      "id,meeting_id,status,first_name,last_name,email,organization,company_id,job_title,workshop_ids,source,"
      "external_ref,notes,created_at,updated_at\r\n"
      "3,1,registered,Jürgen,Müller,j.mueller@example.de,,2,,5 6,,,,2018-11-13T09:00:00Z,2018-11-13T09:30:00Z\r\n");
}

TEST(RegistrationProblem, ConflictCarriesExistingId) {
  service::Error error{service::ErrorCode::already_exists, "Registered already.", {}};
  error.existing_id = 17;
  auto response = api::problem(error);
  EXPECT_EQ(response.status, 409);
  json body = json::parse(response.body);
  EXPECT_EQ(body.at("existing_id"), 17);
  EXPECT_EQ(body.at("status"), 409);
  EXPECT_FALSE(json::parse(api::problem(service::Error::not_found("x")).body).contains("existing_id"));
}

}  // namespace
}  // namespace zusammen
