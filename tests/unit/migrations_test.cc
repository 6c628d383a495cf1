// The embedded migrations and how they are split into statements; and the
// parts of service/database that need no server: URL parsing, the SOCI connect
// string and the mapping of MySQL errors to the service's error codes.
#include "service/migrations.h"

#include <gtest/gtest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <regex>
#include <set>

#include "service/database.h"

namespace zusammen::service {
namespace {

// ---------------------------------------------------------------- split_sql_statements

TEST(SplitSqlStatements, StatementsEndWithASemicolonAtTheEndOfALine) {
  auto statements = split_sql_statements(
      "-- a comment; with a semicolon;\n"
      "CREATE TABLE a (\n"
      "  id INT NOT NULL, -- the key\n"
      "  name VARCHAR(10) DEFAULT 'x;y'\n"
      ");\n"
      "\n"
      "   -- an indented comment\n"
      "INSERT INTO a (id) VALUES (1);\n"
      "INSERT INTO a (id) VALUES (2)  ;  \n");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0],
            "CREATE TABLE a (\n"
            "  id INT NOT NULL, -- the key\n"
            "  name VARCHAR(10) DEFAULT 'x;y'\n"
            ")");
  EXPECT_EQ(statements[1], "INSERT INTO a (id) VALUES (1)");
  EXPECT_EQ(statements[2], "INSERT INTO a (id) VALUES (2)");
}

TEST(SplitSqlStatements, CommentsAndBlankLinesAreSkipped) {
  EXPECT_TRUE(split_sql_statements("").empty());
  EXPECT_TRUE(split_sql_statements("\n\n   \n").empty());
  EXPECT_TRUE(split_sql_statements("-- only a comment;\n-- and another\n").empty());
  auto statements = split_sql_statements("SELECT 1;\n-- SELECT 2;\nSELECT 3;");
  EXPECT_EQ(statements, (std::vector<std::string>{"SELECT 1", "SELECT 3"}));
}

TEST(SplitSqlStatements, WindowsLineEndings) {
  auto statements = split_sql_statements("-- c\r\nSELECT 1;\r\nSELECT\r\n  2;\r\n");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], "SELECT 1");
  EXPECT_EQ(statements[1].substr(0, 6), "SELECT");
  EXPECT_EQ(statements[1].back(), '2');
}

TEST(SplitSqlStatements, ALastStatementWithoutSemicolonIsKept) {
  EXPECT_EQ(split_sql_statements("SELECT 1;\nSELECT 2\n"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
}

TEST(SplitSqlStatements, KeepsUtf8Text) {
  auto statements = split_sql_statements("INSERT INTO t (s) VALUES ('„Grüße“');\n");
  EXPECT_EQ(statements, (std::vector<std::string>{"INSERT INTO t (s) VALUES ('„Grüße“')"}));
}

// ---------------------------------------------------------------- the embedded migrations

TEST(BuiltinMigrations, SortedNamedAndNonEmpty) {
  auto migrations = builtin_migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().name.substr(0, 5), "0001_");
  std::set<std::string> numbers;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const auto& m = migrations[i];
    EXPECT_TRUE(std::regex_match(m.name, std::regex("[0-9]{4}_[a-z0-9_]+\\.sql"))) << m.name;
    EXPECT_TRUE(numbers.insert(m.name.substr(0, 4)).second) << "two migrations numbered " << m.name.substr(0, 4);
    EXPECT_FALSE(m.sql.empty()) << m.name;
    if (i > 0) {
      EXPECT_LT(migrations[i - 1].name, m.name);
    }
  }
}

TEST(BuiltinMigrations, EveryStatementIsWhole) {
  const std::regex first_word("^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE|RENAME|SET|REPLACE)\\b");
  for (const auto& m : builtin_migrations()) {
    auto statements = split_sql_statements(m.sql);
    ASSERT_FALSE(statements.empty()) << m.name;
    for (const auto& s : statements) {
      ASSERT_FALSE(s.empty()) << m.name;
      EXPECT_NE(s.back(), ';') << m.name << ": " << s;
      EXPECT_NE(s.front(), ' ') << m.name;
      EXPECT_NE(s.back(), '\n') << m.name;
      EXPECT_NE(s.rfind("--", 0), 0u) << m.name << ": a comment became a statement: " << s;
      EXPECT_TRUE(std::regex_search(s, first_word)) << m.name << ": " << s.substr(0, 80);
      // A statement never swallows the next one (a ';' followed by a comment on its line does not end it).
      std::size_t tables = 0;
      for (auto pos = s.find("CREATE TABLE"); pos != std::string::npos; pos = s.find("CREATE TABLE", pos + 1)) ++tables;
      EXPECT_LE(tables, 1u) << m.name << ": two CREATE TABLEs in one statement: " << s.substr(0, 80);
    }
  }
}

TEST(BuiltinMigrations, TheFirstCreatesTheCoreTablesInnoDbUtf8mb4) {
  auto migrations = builtin_migrations();
  ASSERT_FALSE(migrations.empty());
  auto statements = split_sql_statements(migrations.front().sql);
  std::set<std::string> created;
  for (const auto& s : statements) {
    std::smatch match;
    if (std::regex_search(s, match, std::regex("^CREATE TABLE (\\w+)"))) {
      created.insert(match[1]);
      EXPECT_NE(s.find("ENGINE=InnoDB"), std::string::npos) << match[1];
      EXPECT_NE(s.find("CHARSET=utf8mb4"), std::string::npos) << match[1];
    }
  }
  for (const char* table : {"companies", "initiatives", "api_keys"}) {
    EXPECT_TRUE(created.contains(table)) << table;
  }
}

TEST(BuiltinMigrations, EveryCreatedTableIsInnoDbUtf8mb4) {
  for (const auto& m : builtin_migrations()) {
    for (const auto& s : split_sql_statements(m.sql)) {
      if (!std::regex_search(s, std::regex("^CREATE TABLE"))) continue;
      EXPECT_NE(s.find("ENGINE=InnoDB"), std::string::npos) << m.name << ": " << s.substr(0, 60);
      EXPECT_NE(s.find("utf8mb4"), std::string::npos) << m.name << ": " << s.substr(0, 60);
    }
  }
}

// ---------------------------------------------------------------- parse_database_url

TEST(ParseDatabaseUrl, FullUrl) {
  auto url = parse_database_url("mysql://zusammen:geheim@db.internal:3307/zusammen");
  ASSERT_TRUE(url.ok()) << url.error().detail;
  EXPECT_EQ(url->user, "zusammen");
  EXPECT_EQ(url->password, "geheim");
  EXPECT_EQ(url->host, "db.internal");
  EXPECT_EQ(url->port, 3307);
  EXPECT_EQ(url->database, "zusammen");
}

TEST(ParseDatabaseUrl, OptionalParts) {
  auto bare = parse_database_url("mysql://localhost");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "localhost");
  EXPECT_EQ(bare->port, 3306);
  EXPECT_EQ(bare->user, "");
  EXPECT_EQ(bare->password, "");
  EXPECT_EQ(bare->database, "");

  auto user_only = parse_database_url("mysql://root@127.0.0.1/");
  ASSERT_TRUE(user_only.ok());
  EXPECT_EQ(user_only->user, "root");
  EXPECT_EQ(user_only->password, "");
  EXPECT_EQ(user_only->database, "");

  auto with_query = parse_database_url("mysql://u:p@h:3306/db?ssl-mode=REQUIRED");
  ASSERT_TRUE(with_query.ok());
  EXPECT_EQ(with_query->database, "db");
}

TEST(ParseDatabaseUrl, PercentEscapesAreDecoded) {
  auto url = parse_database_url("mysql://us%65r:p%40ss%3Aw%2Fo%25rd@h:3306/d%C3%BCb");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->user, "user");
  EXPECT_EQ(url->password, "p@ss:w/o%rd");
  EXPECT_EQ(url->database, "düb");
}

TEST(ParseDatabaseUrl, TheLastAtSignEndsTheUserInfo) {
  auto url = parse_database_url("mysql://u:p@ss@h:3306/db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->user, "u");
  EXPECT_EQ(url->password, "p@ss");
  EXPECT_EQ(url->host, "h");
}

TEST(ParseDatabaseUrl, Rejects) {
  for (const char* text :
       {"", "localhost:3306", "postgres://u:p@h/db", "mysql://", "mysql:///db", "mysql://u:p@/db", "mysql://h:0/db",
        "mysql://h:65536/db", "mysql://h:port/db", "mysql://h:/db", "mysql://h:-1/db", "mysql://h:3306x/db"}) {
    auto url = parse_database_url(text);
    EXPECT_FALSE(url.ok()) << text;
    if (!url.ok()) {
      EXPECT_EQ(url.error().code, ErrorCode::invalid_argument) << text;
    }
  }
}

// ---------------------------------------------------------------- soci_connect_string

TEST(SociConnectString, AlwaysUtf8mb4AndTimeouts) {
  DatabaseUrl url;
  url.user = "zusammen";
  url.password = "geheim";
  url.host = "db";
  url.port = 3307;
  url.database = "zusammen";
  DatabaseTimeouts timeouts{2, 9, 11};
  EXPECT_EQ(soci_connect_string(url, timeouts),
            "host='db' port=3307 dbname='zusammen' user='zusammen' password='geheim' charset=utf8mb4 "
            "connect_timeout=2 read_timeout=9 write_timeout=11");
}

TEST(SociConnectString, QuotesValuesAndLeavesOutEmptyOnes) {
  DatabaseUrl url;
  url.host = "127.0.0.1";
  url.password = "it's a \\secret";
  std::string text = soci_connect_string(url, DatabaseTimeouts{});
  EXPECT_EQ(text,
            "host='127.0.0.1' port=3306 password='it\\'s a \\\\secret' charset=utf8mb4 connect_timeout=5 "
            "read_timeout=30 write_timeout=30");
  EXPECT_EQ(text.find("dbname"), std::string::npos);
  EXPECT_EQ(text.find("user="), std::string::npos);
}

// ---------------------------------------------------------------- classify_database_error

Error classify(const std::exception& e, bool* lost) { return classify_database_error(e, lost); }

TEST(ClassifyDatabaseError, ConstraintViolations) {
  bool lost = true;
  EXPECT_EQ(classify(soci::mysql_soci_error("Duplicate entry 'x' for key 'companies_slug'", 1062), &lost).code,
            ErrorCode::already_exists);
  EXPECT_FALSE(lost);
  EXPECT_EQ(classify(soci::mysql_soci_error("Cannot delete or update a parent row", 1451), &lost).code,
            ErrorCode::failed_precondition);
  EXPECT_EQ(classify(soci::mysql_soci_error("Cannot delete or update a parent row", 1217), &lost).code,
            ErrorCode::failed_precondition);
  EXPECT_EQ(classify(soci::mysql_soci_error("Cannot add or update a child row", 1452), &lost).code,
            ErrorCode::validation_failed);
  EXPECT_EQ(classify(soci::mysql_soci_error("Cannot add or update a child row", 1216), &lost).code,
            ErrorCode::validation_failed);
  EXPECT_FALSE(lost);
}

TEST(ClassifyDatabaseError, BusyDatabaseIsUnavailableWithoutReconnecting) {
  for (unsigned number : {1205u, 1213u, 1290u, 1792u, 1969u, 3024u}) {
    bool lost = true;
    auto error = classify(soci::mysql_soci_error("busy", static_cast<int>(number)), &lost);
    EXPECT_EQ(error.code, ErrorCode::unavailable) << number;
    EXPECT_FALSE(lost) << number;
  }
}

TEST(ClassifyDatabaseError, LostConnectionsAreUnavailableAndReconnect) {
  for (unsigned number : {2002u, 2003u, 2006u, 2013u, 1053u, 1040u, 1927u}) {
    bool lost = false;
    auto error = classify(soci::mysql_soci_error("MySQL server has gone away", static_cast<int>(number)), &lost);
    EXPECT_EQ(error.code, ErrorCode::unavailable) << number;
    EXPECT_TRUE(lost) << number;
  }
  bool lost = false;
  auto plain = classify(soci::soci_error("Lost connection to MySQL server during query"), &lost);
  EXPECT_EQ(plain.code, ErrorCode::unavailable);
  EXPECT_TRUE(lost);
}

TEST(ClassifyDatabaseError, EverythingElseIsInternalAndSaysNothingOfTheCause) {
  bool lost = true;
  auto syntax = classify(soci::mysql_soci_error("You have an error in your SQL syntax near 'secret'", 1064), &lost);
  EXPECT_EQ(syntax.code, ErrorCode::internal);
  EXPECT_FALSE(lost);
  EXPECT_EQ(syntax.detail.find("secret"), std::string::npos);
  EXPECT_EQ(syntax.detail.find("1064"), std::string::npos);

  auto other = classify(std::runtime_error("boom"), nullptr);  // a null flag is allowed
  EXPECT_EQ(other.code, ErrorCode::internal);
  EXPECT_EQ(other.detail.find("boom"), std::string::npos);
}

TEST(MysqlErrorNumber, OnlyForMysqlErrors) {
  EXPECT_EQ(mysql_error_number(soci::mysql_soci_error("x", 1062)), 1062u);
  EXPECT_EQ(mysql_error_number(soci::soci_error("x")), 0u);
  EXPECT_EQ(mysql_error_number(std::runtime_error("x")), 0u);
}

}  // namespace
}  // namespace zusammen::service
