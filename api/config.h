// Configuration: every setting is an environment variable and the same-named flag
// (ZUSAMMEN_DB_POOL=8 or --db-pool=8); flags win.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace zusammen::api {

struct Setting {
  const char* env;
  const char* flag;
  const char* fallback;
  const char* help;
};

extern const std::vector<Setting> kSettings;

struct Config {
  std::string database_url;
  std::string database_read_url;
  std::string listen;
  int threads = 4;
  int workers = 8;
  int db_pool = 8;
  int db_lease_timeout_ms = 2000;
  int db_connect_timeout = 5;
  int db_read_timeout = 30;
  int db_statement_timeout_ms = 10000;
  int max_body_bytes = 1024 * 1024;
  int header_timeout = 5;
  int body_timeout = 15;
  int keepalive_timeout = 30;
  int shutdown_grace_ms = 0;
  int shutdown_timeout_ms = 10000;
  int cache_ttl_ms = 1000;
  int cache_entries = 10000;
  int cache_mb = 16;
  int cache_stale_ms = 0;
  int cache_watch_ms = 100;
  int catalogue_max_rows = 200000;
  int idempotency_hours = 24;
  int db_lock_wait_timeout_s = 5;
  int retention_days_after_meeting = 365;
  int purge_interval_s = 3600;
  bool migrate_on_start = false;
  std::string cors_origins;
  int rate_limit_anon_rps = 20;
  int rate_limit_anon_burst = 100;
  int rate_limit_key_rps = 50;
  int rate_limit_key_burst = 200;
  std::string trusted_proxies;
  std::string log_level;
  std::string log_format;
};

struct ParsedCommandLine {
  Config config;
  std::vector<std::string> arguments;  // what is not a setting: the command and its own options
  std::optional<std::string> error;
};

// Reads the environment, then the flags among argv.
ParsedCommandLine parse_command_line(int argc, char** argv);
std::string usage();

}  // namespace zusammen::api
