// Assertions the end-to-end tests share: problem+json answers, the fields a
// problem names, the ids of a list page, and the checks the content resources
// (initiatives, testimonials, meetings, companies) all pass: create, delete,
// updated_since and a walk by cursors.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http_client.h"
#include "test_database.h"

namespace zusammen::testing {

// The `field`s named in a problem's `errors`.
std::set<std::string> error_fields(const HttpResult& result);
// A problem+json answer with this status whose body (a type string, title, status, detail) agrees with it.
::testing::AssertionResult IsProblem(const HttpResult& result, int status);
// The problem names at least these fields.
::testing::AssertionResult Names(const HttpResult& result, const std::set<std::string>& fields);
// The problem names exactly these fields.
::testing::AssertionResult NamesExactly(const HttpResult& result, const std::set<std::string>& fields);
// The ids a list answers at path, in order; a failed expectation (and no ids) unless it is a 200.
std::vector<long long> listed_ids(HttpClient client, const std::string& path, const Headers& headers = {});
// The ids of a list page, in order, and as a set.
std::vector<long long> ids_in_order(const HttpResult& result);
std::set<long long> ids_of(const HttpResult& result);
// The same as a set; a failed expectation (and no ids) unless it is a 200.
std::set<long long> listed_id_set(HttpClient client, const std::string& path, const Headers& headers = {});

// --- the content resources ----------------------------------------------------------------------

// A 201 with a JSON body at version 1 (its created_at an instant in UTC), a Location of
// collection/<id> and an ETag of version 1.
::testing::AssertionResult IsCreated(const HttpResult& result, const std::string& collection);

// DELETE collection/<id> answers 204 with no body; afterwards table holds no row id, but still the row kept.
// Fatal (in the helper) unless the answer is a 204.
void ExpectDeletes(HttpClient client, TestDatabase& db, const std::string& collection, const std::string& table,
                   long long id, long long kept, const Headers& headers);

// When row id of table was last updated, to the microsecond, as ?updated_since= takes it (read past the service).
std::string updated_at_instant(TestDatabase& db, const std::string& table, long long id);

// After changed (a row of table, listed at collection) was updated later than older was: older is the one row
// updated before it; ?updated_since= the instant of the change lists only changed, an instant in 2000 (with an
// offset) both, and one in 2999 none.
void ExpectUpdatedSinceListsTheChange(HttpClient client, TestDatabase& db, const std::string& collection,
                                      const std::string& table, const Headers& headers, long long older,
                                      long long changed);

// Walks through a list by its cursors, once in each of several orders.
struct CursorWalks {
  std::string collection;
  std::size_t limit = 5;
  // Each order ("" for the default) and whether that walk is keyed (with keyed_headers: it must list
  // all) or anonymous (it must list published).
  std::vector<std::pair<std::string, bool>> sorts;
  Headers keyed_headers;
  std::set<long long> all;
  std::set<long long> published;
  // The first page's Link rel="next" must lead to the same page as its cursor.
  bool follow_link = false;
};
// Each walk follows next_cursor from the first page to the last: every page a 200 with at most limit
// ids, every page but the last full and with a Link rel="next", the last without one. Expects each walk
// to list what it must, none repeated, none lost.
void ExpectCursorWalks(HttpClient client, const CursorWalks& walks);

// On create, a body that is no JSON object (each of unreadable, sent as application/json) is a 400, and a
// readable one sent as text/plain a 415.
void ExpectUnreadableBodiesRefused(HttpClient client, const std::string& collection, const Headers& headers,
                                   const std::vector<std::string>& unreadable, const nlohmann::json& readable);

// The company embedded by ?include=company (where: which answer): id, name and slug, and the contact
// email (kontakt@<slug>.example) only when internal.
// GET collection/<id> with each of ids (none a positive integer) is a 400 whose errors name id (only id,
// with names_exactly).
void ExpectBadIdsRefused(HttpClient client, const std::string& collection, const Headers& headers,
                         const std::vector<std::string>& ids, bool names_exactly);

// GET item?include=company embeds the company (see ExpectEmbeddedCompany) with its contact email for a
// keyed caller, without it for an anonymous one; GET item alone embeds none.
void ExpectItemEmbedsCompany(HttpClient client, const std::string& item, const Headers& keyed, long long company,
                             const std::string& name, const std::string& slug);

void ExpectEmbeddedCompany(const nlohmann::json& embedded, long long id, const std::string& name,
                           const std::string& slug, bool internal, const std::string& where);

}  // namespace zusammen::testing
