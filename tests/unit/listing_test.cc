// Lists: sort keys, opaque keyset cursors, the SQL a page adds and the page a
// result makes.
#include "service/model/listing.h"

#include <gtest/gtest.h>

#include "service/encoding.h"
#include "service/repositories/paging.h"

namespace zusammen::service {
namespace {

const std::vector<SortKey> kKeys = {
    {"name", "c.name"}, {"created_at", "c.created_at"}, {"participants", "i.participants"}};

Sort sort_of(const std::string& text) {
  auto sort = parse_sort(text, kKeys);
  EXPECT_TRUE(sort.ok()) << text;
  return *sort;
}

TEST(ParseSort, EmptyIsTheFirstKeyAscending) {
  auto sort = parse_sort("", kKeys);
  ASSERT_TRUE(sort.ok());
  EXPECT_EQ(sort->key.name, "name");
  EXPECT_EQ(sort->key.column, "c.name");
  EXPECT_FALSE(sort->descending);
  EXPECT_EQ(sort->spelled(), "name");
}

TEST(ParseSort, AscendingAndDescending) {
  auto ascending = parse_sort("created_at", kKeys);
  ASSERT_TRUE(ascending.ok());
  EXPECT_EQ(ascending->key.column, "c.created_at");
  EXPECT_FALSE(ascending->descending);

  auto descending = parse_sort("-name", kKeys);
  ASSERT_TRUE(descending.ok());
  EXPECT_EQ(descending->key.name, "name");
  EXPECT_TRUE(descending->descending);
  EXPECT_EQ(descending->spelled(), "-name");
}

TEST(ParseSort, UnknownKeysAreInvalidArgumentsNamingTheChoices) {
  for (const char* text : {"bogus", "-bogus", "--name", "-", "+name", "Name", "name ", "c.name", "name,created_at"}) {
    auto sort = parse_sort(text, kKeys);
    ASSERT_FALSE(sort.ok()) << text;
    EXPECT_EQ(sort.error().code, ErrorCode::invalid_argument) << text;
    ASSERT_EQ(sort.error().errors.size(), 1u) << text;
    EXPECT_EQ(sort.error().errors[0].field, "sort");
    EXPECT_EQ(sort.error().errors[0].message,
              "must be one of: name, -name, created_at, -created_at, participants, -participants");
  }
}

TEST(Cursor, RoundTripKeepsEveryByteOfTheValue) {
  for (const std::string& value : {std::string(""), std::string("Deutsche Bahn AG"), std::string("Zeile 1\nZeile 2\n"),
                                   std::string("\n\n"), std::string("Grüße aus Köln – „Wir zusammen“ 😀"),
                                   std::string("2018-11-13 09:00:00.123456"), std::string("a\0b", 3)}) {
    Cursor cursor{"-name", value, 42};
    std::string text = encode_cursor(cursor);
    // Opaque and URL-safe: base64url without padding.
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto decoded = decode_cursor(text, sort_of("-name"));
    ASSERT_TRUE(decoded.ok()) << value;
    EXPECT_EQ(decoded->sort, "-name");
    EXPECT_EQ(decoded->value, value);
    EXPECT_EQ(decoded->id, 42);
  }
}

TEST(Cursor, LargeIdsSurvive) {
  Cursor cursor{"created_at", "x", 9007199254740991LL};
  auto decoded = decode_cursor(encode_cursor(cursor), sort_of("created_at"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->id, 9007199254740991LL);
}

void expect_not_a_cursor(const std::string& text, const Sort& sort) {
  auto decoded = decode_cursor(text, sort);
  ASSERT_FALSE(decoded.ok()) << text;
  EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(decoded.error().errors.size(), 1u);
  EXPECT_EQ(decoded.error().errors[0].field, "cursor");
}

TEST(Cursor, RejectsGarbage) {
  Sort sort = sort_of("name");
  for (const char* text : {"", "!!!", "abc def", "a", "eyJpZCI6MX0=", "%3D%3D", "bmFtZQ", "MQ"}) {
    expect_not_a_cursor(text, sort);
  }
}

TEST(Cursor, RejectsAnotherVersion) {
  Sort sort = sort_of("name");
  expect_not_a_cursor(base64url_encode("2\nname\n5\nBahn"), sort);
  expect_not_a_cursor(base64url_encode("0\nname\n5\nBahn"), sort);
  expect_not_a_cursor(base64url_encode("\nname\n5\nBahn"), sort);
  expect_not_a_cursor(base64url_encode("1 \nname\n5\nBahn"), sort);
  // The same fields, version 1: accepted.
  EXPECT_TRUE(decode_cursor(base64url_encode("1\nname\n5\nBahn"), sort).ok());
}

TEST(Cursor, RejectsBadIds) {
  Sort sort = sort_of("name");
  for (const char* id : {"0", "-1", "", "abc", "5x", " 5", "+5", "99999999999999999999"}) {
    expect_not_a_cursor(base64url_encode(std::string("1\nname\n") + id + "\nBahn"), sort);
  }
  expect_not_a_cursor(base64url_encode("1\nname\n5"), sort);  // no value line at all
  expect_not_a_cursor(base64url_encode("1\nname"), sort);
}

TEST(Cursor, RejectsACursorOfAnotherSort) {
  std::string text = encode_cursor({"name", "Bahn", 5});
  for (const char* other : {"-name", "created_at", "-created_at"}) {
    auto decoded = decode_cursor(text, sort_of(other));
    ASSERT_FALSE(decoded.ok()) << other;
    EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
    ASSERT_EQ(decoded.error().errors.size(), 1u);
    EXPECT_EQ(decoded.error().errors[0].field, "cursor");
    EXPECT_EQ(decoded.error().errors[0].message, "was made for sort=name");
  }
  EXPECT_TRUE(decode_cursor(text, sort_of("name")).ok());
}

TEST(ApplyPage, AscendingWithoutCursor) {
  sql::Query query("SELECT c.id FROM companies c");
  apply_page(query, PageRequest{sort_of("name"), 20, std::nullopt});
  EXPECT_EQ(query.text(), "SELECT c.id FROM companies c ORDER BY c.name ASC, c.id ASC LIMIT 21");
  EXPECT_TRUE(query.values().empty());
}

TEST(ApplyPage, DescendingWithoutCursor) {
  sql::Query query("SELECT c.id FROM companies c");
  apply_page(query, PageRequest{sort_of("-created_at"), 5, std::nullopt});
  EXPECT_EQ(query.text(), "SELECT c.id FROM companies c ORDER BY c.created_at DESC, c.id DESC LIMIT 6");
  EXPECT_TRUE(query.values().empty());
}

TEST(ApplyPage, AscendingAfterACursor) {
  sql::Query query("SELECT c.id FROM companies c");
  apply_page(query, PageRequest{sort_of("name"), 2, Cursor{"name", "Deutsche Bahn AG", 7}});
  EXPECT_EQ(query.text(),
            "SELECT c.id FROM companies c WHERE (c.name >= :p0 AND (c.name > :p1 OR c.id > :p2))"
            " ORDER BY c.name ASC, c.id ASC LIMIT 3");
  EXPECT_EQ(query.values(), (std::vector<std::string>{"Deutsche Bahn AG", "Deutsche Bahn AG", "7"}));
}

TEST(ApplyPage, DescendingAfterACursorWithOtherConditions) {
  sql::Query query("SELECT i.id FROM initiatives i");
  query.where("i.state = ?", {"DE-BE"});
  apply_page(query, PageRequest{sort_of("-participants"), 100, Cursor{"-participants", "120", 9}});
  EXPECT_EQ(query.text(),
            "SELECT i.id FROM initiatives i WHERE (i.state = :p0) AND (i.participants <= :p1 AND (i.participants < :p2 "
            "OR i.id < :p3)) ORDER BY i.participants DESC, i.id DESC LIMIT 101");
  EXPECT_EQ(query.values(), (std::vector<std::string>{"DE-BE", "120", "120", "9"}));
}

TEST(ApplyPage, ValuesAreBoundNeverSpliced) {
  sql::Query query("SELECT c.id FROM companies c");
  std::string hostile = "x' OR '1'='1";
  apply_page(query, PageRequest{sort_of("name"), 20, Cursor{"name", hostile, 1}});
  EXPECT_EQ(query.text().find(hostile), std::string::npos);
  EXPECT_EQ(query.values()[0], hostile);
}

TEST(ApplyPage, ColumnWithoutTableAlias) {
  sql::Query query("SELECT id FROM companies");
  apply_page(query, PageRequest{Sort{{"name", "name"}, false}, 1, std::nullopt});
  EXPECT_EQ(query.text(), "SELECT id FROM companies ORDER BY name ASC, id ASC LIMIT 2");
}

TEST(SortValueColumn, CastsToText) {
  EXPECT_EQ(sort_value_column(sort_of("-created_at")), "CAST(c.created_at AS CHAR)");
}

struct Row {
  long long id;
};

TEST(MakePage, ExtraRowGivesTheNextCursor) {
  PageRequest page{sort_of("-name"), 2, std::nullopt};
  SortedRows<Row> rows = {{Row{3}, "Siemens"}, {Row{1}, "Deutsche Bahn AG"}, {Row{2}, "BASF"}};
  auto result = make_page(rows, page);
  ASSERT_EQ(result.items.size(), 2u);
  EXPECT_EQ(result.items[0].id, 3);
  EXPECT_EQ(result.items[1].id, 1);
  ASSERT_TRUE(result.next_cursor.has_value());
  auto cursor = decode_cursor(*result.next_cursor, page.sort);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->value, "Deutsche Bahn AG");
  EXPECT_EQ(cursor->id, 1);
}

TEST(MakePage, NoExtraRowNoCursor) {
  PageRequest page{sort_of("name"), 2, std::nullopt};
  auto full = make_page(SortedRows<Row>{{Row{1}, "a"}, {Row{2}, "b"}}, page);
  EXPECT_EQ(full.items.size(), 2u);
  EXPECT_FALSE(full.next_cursor.has_value());
  auto empty = make_page(SortedRows<Row>{}, page);
  EXPECT_TRUE(empty.items.empty());
  EXPECT_FALSE(empty.next_cursor.has_value());
}

}  // namespace
}  // namespace zusammen::service
