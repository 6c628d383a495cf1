#include "service/migrations.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <set>

namespace zusammen::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>> kMigrations;
}

namespace zusammen::service {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version VARCHAR(255) NOT NULL PRIMARY KEY,"
    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
constexpr const char* kSelectApplied = "SELECT version FROM schema_migrations";
constexpr const char* kRecordApplied = "INSERT INTO schema_migrations (version) VALUES (:version)";
constexpr const char* kLock = "SELECT GET_LOCK('zusammen_migrate', 120)";
constexpr const char* kUnlock = "SELECT RELEASE_LOCK('zusammen_migrate')";

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

}  // namespace

std::vector<Migration> builtin_migrations() {
  std::vector<Migration> out;
  out.reserve(embedded::kMigrations.size());
  for (const auto& [name, sql] : embedded::kMigrations) out.push_back({std::string(name), std::string(sql)});
  return out;
}

std::vector<std::string> split_sql_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  while (pos <= sql.size()) {
    auto eol = sql.find('\n', pos);
    std::string_view line = sql.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? sql.size() + 1 : eol + 1;
    std::string trimmed = trim(line);
    if (trimmed.empty() || trimmed.rfind("--", 0) == 0) continue;
    current += line;
    current += '\n';
    if (trimmed.back() == ';') {
      std::string statement = trim(current);
      statement.pop_back();  // the ';'
      out.push_back(trim(statement));
      current.clear();
    }
  }
  if (std::string rest = trim(current); !rest.empty()) out.push_back(rest);
  return out;
}

Result<std::vector<std::string>> migrate(Pool& pool, const std::vector<Migration>& migrations) {
  return with_session<std::vector<std::string>>(pool, [&](soci::session& sql) -> Result<std::vector<std::string>> {
    int locked = 0;
    sql << kLock, soci::into(locked);
    if (locked != 1) return Error::unavailable("Another process holds the migration lock.");
    struct Unlock {
      soci::session& sql;
      ~Unlock() {
        try {
          int released = 0;
          sql << kUnlock, soci::into(released);
        } catch (const std::exception& e) {
          spdlog::warn("releasing the migration lock failed: {}", e.what());
        }
      }
    } unlock{sql};

    sql << kCreateMigrationsTable;
    std::set<std::string> applied;
    soci::rowset<std::string> rows = (sql.prepare << kSelectApplied);
    for (const auto& version : rows) applied.insert(version);

    std::vector<std::string> done;
    for (const auto& migration : migrations) {
      if (applied.contains(migration.name)) continue;
      spdlog::info("applying migration {}", migration.name);
      for (const auto& statement : split_sql_statements(migration.sql)) sql << statement;
      sql << kRecordApplied, soci::use(migration.name);
      done.push_back(migration.name);
    }
    return done;
  });
}

}  // namespace zusammen::service
