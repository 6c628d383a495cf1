// Assertions the end-to-end tests share: problem+json answers, the fields a
// problem names, and the ids of a list page.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "http_client.h"

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

}  // namespace zusammen::testing
