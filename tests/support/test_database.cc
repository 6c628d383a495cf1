#include "test_database.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "service/migrations.h"

namespace zusammen::testing {

std::string test_database_base_url() {
  const char* url = std::getenv("ZUSAMMEN_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "ZUSAMMEN_TEST_DATABASE_URL is not set; run the tests with scripts/test.sh, which starts a private MariaDB");
  }
  return url;
}

std::unique_ptr<::sql::Connection> connect(const service::DatabaseUrl& url, const std::string& schema) {
  ::sql::ConnectOptionsMap options;
  options["hostName"] = ::sql::SQLString("tcp://" + url.host + ":" + std::to_string(url.port));
  options["userName"] = ::sql::SQLString(url.user);
  options["password"] = ::sql::SQLString(url.password);
  options["OPT_CHARSET_NAME"] = ::sql::SQLString("utf8mb4");
  if (!schema.empty()) options["schema"] = ::sql::SQLString(schema);
  std::unique_ptr<::sql::Connection> connection(sql::mysql::get_mysql_driver_instance()->connect(options));
  std::unique_ptr<::sql::Statement> statement(connection->createStatement());
  statement->execute("SET time_zone = '+00:00'");
  return connection;
}

TestDatabase::TestDatabase(const std::string& name) {
  auto parsed = service::parse_database_url(test_database_base_url());
  if (!parsed.ok()) throw std::runtime_error("ZUSAMMEN_TEST_DATABASE_URL: " + parsed.error().detail);
  admin_ = *parsed;
  database_ = "zusammen_test_" + name + "_" + std::to_string(::getpid());
  {
    auto admin = connect(admin_, "");
    std::unique_ptr<::sql::Statement> statement(admin->createStatement());
    statement->execute("DROP DATABASE IF EXISTS " + database_);
    statement->execute("CREATE DATABASE " + database_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  service::DatabaseUrl url = admin_;
  url.database = database_;
  url_ = "mysql://" + url.user + ":" + url.password + "@" + url.host + ":" + std::to_string(url.port) + "/" + database_;
  service::PoolOptions options;
  options.size = 8;
  pool_ = std::make_unique<service::Pool>(url, options);
  auto applied = service::migrate(*pool_, service::builtin_migrations());
  if (!applied.ok()) throw std::runtime_error("migrations failed: " + applied.error().detail);
  reader_ = connect(admin_, database_);
}

TestDatabase::~TestDatabase() {
  try {
    pool_.reset();
    reader_.reset();
    auto admin = connect(admin_, "");
    std::unique_ptr<::sql::Statement> statement(admin->createStatement());
    statement->execute("DROP DATABASE IF EXISTS " + database_);
  } catch (const std::exception&) {
    // A database left behind is dropped by the next run of the same name; never throw from here.
  }
}

void TestDatabase::truncate_all() {
  std::unique_ptr<::sql::Statement> statement(reader().createStatement());
  statement->execute("SET FOREIGN_KEY_CHECKS = 0");
  std::unique_ptr<::sql::ResultSet> tables(
      statement->executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND "
                              "table_name <> 'schema_migrations'"));
  std::vector<std::string> names;
  while (tables->next()) names.push_back(tables->getString(1));
  for (const auto& table : names) statement->execute("TRUNCATE TABLE " + table);
  statement->execute("SET FOREIGN_KEY_CHECKS = 1");
  // What service/migrations/0003_change_feed.sql seeds.
  statement->execute("INSERT IGNORE INTO change_sequence (id, last_seq) VALUES (1, 0)");
}

::sql::Connection& TestDatabase::reader() { return *reader_; }

std::string TestDatabase::scalar(const std::string& query) {
  std::unique_ptr<::sql::Statement> statement(reader().createStatement());
  std::unique_ptr<::sql::ResultSet> rows(statement->executeQuery(query));
  if (!rows->next()) return "<none>";
  if (rows->isNull(1)) return "";
  return rows->getString(1);
}

void TestDatabase::execute(const std::string& statement_text) {
  std::unique_ptr<::sql::Statement> statement(reader().createStatement());
  statement->execute(statement_text);
}

long long TestDatabase::insert(const std::string& statement) {
  execute(statement);
  return std::stoll(scalar("SELECT LAST_INSERT_ID()"));
}

long long TestDatabase::count(const std::string& table, const std::string& where) {
  return std::stoll(scalar("SELECT COUNT(*) FROM " + table + " WHERE " + where));
}

}  // namespace zusammen::testing
