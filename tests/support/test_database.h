// A private database for one test binary: created from the migrations of
// service/migrations, dropped at the end. Needs ZUSAMMEN_TEST_DATABASE_URL
// (mysql://user:pass@host:port/, as scripts/test.sh exports it).
#pragma once

#include <cppconn/connection.h>

#include <memory>
#include <string>

#include "service/database.h"

namespace zusammen::testing {

class TestDatabase {
 public:
  // name: a suffix that makes the database unique to the test binary.
  explicit TestDatabase(const std::string& name);
  ~TestDatabase();

  service::Pool& pool() { return *pool_; }
  const std::string& url() const { return url_; }
  const std::string& name() const { return database_; }
  // Empties every table but the migrations (between tests) and puts back the rows the migrations
  // seed: the change feed's counter (change_sequence 1, last_seq 0), so no test reseeds it by hand.
  void truncate_all();

  // The independent window: a MySQL Connector/C++ connection, not the service's SOCI.
  ::sql::Connection& reader();
  // First column of the first row of a query, as text ("" for NULL, "<none>" without rows).
  std::string scalar(const std::string& query);
  long long count(const std::string& table, const std::string& where = "1=1");
  // A statement through the independent window (to set up states the API cannot make).
  void execute(const std::string& statement);
  // An INSERT through the independent window; its LAST_INSERT_ID().
  long long insert(const std::string& statement);

 private:
  service::DatabaseUrl admin_;
  std::string database_;
  std::string url_;
  std::unique_ptr<service::Pool> pool_;
  std::unique_ptr<::sql::Connection> reader_;
};

// The URL from the environment; fails the test run with a clear message when absent.
std::string test_database_base_url();

// A MySQL Connector/C++ connection (time zone UTC) to any server, e.g. a replica; schema may be empty.
std::unique_ptr<::sql::Connection> connect(const service::DatabaseUrl& url, const std::string& schema);

}  // namespace zusammen::testing
