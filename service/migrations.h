// Versioned schema migrations: the SQL files of service/migrations/, embedded
// in the binary, applied in order, each once, and recorded in schema_migrations.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/database.h"

namespace zusammen::service {

struct Migration {
  std::string name;
  std::string sql;
};

// The migrations built into this binary, sorted by name.
std::vector<Migration> builtin_migrations();

// Splits a migration file into statements: a statement ends with ';' at the end of a line;
// lines that start with "--" are comments.
std::vector<std::string> split_sql_statements(std::string_view sql);

// Applies pending migrations under a named lock (replicas starting together migrate once).
// Returns the names of the migrations it applied.
Result<std::vector<std::string>> migrate(Pool& pool, const std::vector<Migration>& migrations);

}  // namespace zusammen::service
