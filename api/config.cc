#include "api/config.h"

#include <charconv>
#include <cstdlib>
#include <map>

#include "api/cors.h"
#include "api/rate_limit.h"

namespace zusammen::api {

const std::vector<Setting> kSettings = {
    {"ZUSAMMEN_DATABASE_URL", "--database-url", "mysql://zusammen:zusammen@127.0.0.1:3307/zusammen",
     "primary database, mysql://user:pass@host:port/db"},
    {"ZUSAMMEN_DATABASE_READ_URL", "--database-read-url", "",
     "read replica for anonymous GET/HEAD under /v1/ (falls back to the primary)"},
    {"ZUSAMMEN_LISTEN", "--listen", "127.0.0.1:8080", "host:port to serve on (port 0: any free port)"},
    {"ZUSAMMEN_THREADS", "--threads", "4", "HTTP threads: read and write sockets, answer probes and cached responses"},
    {"ZUSAMMEN_WORKERS", "--workers", "8",
     "threads that answer the requests needing the database (off the HTTP threads)"},
    {"ZUSAMMEN_DB_POOL", "--db-pool", "8", "database connections (at least the workers)"},
    {"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "--db-lease-timeout-ms", "2000",
     "wait for a free connection before answering 503"},
    {"ZUSAMMEN_DB_CONNECT_TIMEOUT", "--db-connect-timeout", "5", "seconds to connect to the database"},
    {"ZUSAMMEN_DB_READ_TIMEOUT", "--db-read-timeout", "30", "seconds to wait for a database answer"},
    {"ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS", "--db-statement-timeout-ms", "10000",
     "serve: abort a database statement running longer and answer 503 (0: no limit)"},
    {"ZUSAMMEN_MAX_BODY_BYTES", "--max-body-bytes", "1048576", "largest request body (413 above)"},
    {"ZUSAMMEN_HEADER_TIMEOUT", "--header-timeout", "5", "seconds a client may take to send the headers"},
    {"ZUSAMMEN_BODY_TIMEOUT", "--body-timeout", "15", "seconds a client may take to send the body"},
    {"ZUSAMMEN_KEEPALIVE_TIMEOUT", "--keepalive-timeout", "30", "seconds an idle keep-alive connection stays open"},
    {"ZUSAMMEN_SHUTDOWN_GRACE_MS", "--shutdown-grace-ms", "0",
     "on SIGTERM, report not-ready for this long before closing the listener"},
    {"ZUSAMMEN_SHUTDOWN_TIMEOUT_MS", "--shutdown-timeout-ms", "10000",
     "then wait at most this long for requests in flight before exiting without them"},
    {"ZUSAMMEN_CACHE_TTL_MS", "--cache-ttl-ms", "1000",
     "reuse anonymous GET responses for this long (0: off); writes through this process clear it"},
    {"ZUSAMMEN_CACHE_ENTRIES", "--cache-entries", "10000", "most anonymous responses kept in memory"},
    {"ZUSAMMEN_CACHE_MB", "--cache-mb", "16", "most memory the cached responses take, in MiB (oldest dropped first)"},
    {"ZUSAMMEN_CACHE_STALE_MS", "--cache-stale-ms", "0",
     "serve a cached response this long past its TTL while one request refreshes it (0: never past the TTL)"},
    {"ZUSAMMEN_CACHE_WATCH_MS", "--cache-watch-ms", "100",
     "read the change feed's counter this often and empty the cache when another process wrote (0: off)"},
    {"ZUSAMMEN_CATALOGUE_MAX_ROWS", "--catalogue-max-rows", "200000",
     "answer initiative and company reads from memory, kept current by the change feed, while there are at "
     "most this many initiatives (0: off; about 2 KiB each)"},
    {"ZUSAMMEN_IDEMPOTENCY_HOURS", "--idempotency-hours", "24",
     "keep Idempotency-Key records (and replay their answers) for this long"},
    {"ZUSAMMEN_DB_LOCK_WAIT_TIMEOUT_S", "--db-lock-wait-timeout-s", "5",
     "seconds a statement waits for a row lock (innodb_lock_wait_timeout; 0: the server's); after a few "
     "retries the request is a 503"},
    {"ZUSAMMEN_RETENTION_DAYS_AFTER_MEETING", "--retention-days-after-meeting", "365",
     "personal data of a registration without retain_until is anonymised this many days after its meeting "
     "ends (0: only retain_until expires)"},
    {"ZUSAMMEN_PURGE_INTERVAL_S", "--purge-interval-s", "3600",
     "serve anonymises expired registrations this often (0: off; `zusammen purge` runs it once)"},
    {"ZUSAMMEN_MIGRATE_ON_START", "--migrate-on-start", "false", "apply pending migrations when serve starts"},
    {"ZUSAMMEN_CORS_ORIGINS", "--cors-origins", "",
     "comma-separated origins (https://partner.example) that may call the API from a browser; * adds anonymous "
     "reads from any origin"},
    {"ZUSAMMEN_RATE_LIMIT_ANON_RPS", "--rate-limit-anon-rps", "20",
     "requests per second per anonymous client address on /v1/ (0: no limit)"},
    {"ZUSAMMEN_RATE_LIMIT_ANON_BURST", "--rate-limit-anon-burst", "100",
     "requests an anonymous client address may make at once (0: one second's worth)"},
    {"ZUSAMMEN_RATE_LIMIT_KEY_RPS", "--rate-limit-key-rps", "50", "requests per second per API key (0: no limit)"},
    {"ZUSAMMEN_RATE_LIMIT_KEY_BURST", "--rate-limit-key-burst", "200",
     "requests an API key may make at once (0: one second's worth)"},
    {"ZUSAMMEN_TRUSTED_PROXIES", "--trusted-proxies", "",
     "comma-separated proxy addresses or networks (10.0.0.0/8) whose X-Forwarded-For names the client"},
    {"ZUSAMMEN_LOG_LEVEL", "--log-level", "info", "trace, debug, info, warn, error"},
    {"ZUSAMMEN_LOG_FORMAT", "--log-format", "text", "text or json"},
};

namespace {

bool to_int(const std::string& text, int& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, char** argv) {
  std::map<std::string, std::string> values;
  for (const auto& s : kSettings) {
    const char* env = std::getenv(s.env);
    values[s.env] = env != nullptr ? env : s.fallback;
  }
  ParsedCommandLine out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const Setting* setting = nullptr;
    std::string value;
    for (const auto& s : kSettings) {
      std::string flag = s.flag;
      if (arg == flag && i + 1 < argc) {
        setting = &s;
        value = argv[++i];
      } else if (arg.rfind(flag + "=", 0) == 0) {
        setting = &s;
        value = arg.substr(flag.size() + 1);
      }
      if (setting != nullptr) break;
    }
    if (setting != nullptr) {
      values[setting->env] = value;
    } else {
      out.arguments.push_back(arg);
    }
  }
  Config& c = out.config;
  c.database_url = values["ZUSAMMEN_DATABASE_URL"];
  c.database_read_url = values["ZUSAMMEN_DATABASE_READ_URL"];
  c.listen = values["ZUSAMMEN_LISTEN"];
  c.cors_origins = values["ZUSAMMEN_CORS_ORIGINS"];
  c.trusted_proxies = values["ZUSAMMEN_TRUSTED_PROXIES"];
  c.log_level = values["ZUSAMMEN_LOG_LEVEL"];
  c.log_format = values["ZUSAMMEN_LOG_FORMAT"];
  const std::string& migrate = values["ZUSAMMEN_MIGRATE_ON_START"];
  c.migrate_on_start = migrate == "true" || migrate == "1";
  struct IntSetting {
    const char* env;
    int* target;
    int minimum;
  };
  for (const auto& [env, target, minimum] :
       std::vector<IntSetting>{{"ZUSAMMEN_THREADS", &c.threads, 1},
                               {"ZUSAMMEN_WORKERS", &c.workers, 1},
                               {"ZUSAMMEN_DB_POOL", &c.db_pool, 1},
                               {"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", &c.db_lease_timeout_ms, 1},
                               {"ZUSAMMEN_DB_CONNECT_TIMEOUT", &c.db_connect_timeout, 1},
                               {"ZUSAMMEN_DB_READ_TIMEOUT", &c.db_read_timeout, 1},
                               {"ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS", &c.db_statement_timeout_ms, 0},
                               {"ZUSAMMEN_MAX_BODY_BYTES", &c.max_body_bytes, 1024},
                               {"ZUSAMMEN_HEADER_TIMEOUT", &c.header_timeout, 1},
                               {"ZUSAMMEN_BODY_TIMEOUT", &c.body_timeout, 1},
                               {"ZUSAMMEN_KEEPALIVE_TIMEOUT", &c.keepalive_timeout, 1},
                               {"ZUSAMMEN_SHUTDOWN_GRACE_MS", &c.shutdown_grace_ms, 0},
                               {"ZUSAMMEN_SHUTDOWN_TIMEOUT_MS", &c.shutdown_timeout_ms, 0},
                               {"ZUSAMMEN_CACHE_TTL_MS", &c.cache_ttl_ms, 0},
                               {"ZUSAMMEN_CACHE_ENTRIES", &c.cache_entries, 0},
                               {"ZUSAMMEN_CACHE_MB", &c.cache_mb, 1},
                               {"ZUSAMMEN_CACHE_STALE_MS", &c.cache_stale_ms, 0},
                               {"ZUSAMMEN_CACHE_WATCH_MS", &c.cache_watch_ms, 0},
                               {"ZUSAMMEN_CATALOGUE_MAX_ROWS", &c.catalogue_max_rows, 0},
                               {"ZUSAMMEN_IDEMPOTENCY_HOURS", &c.idempotency_hours, 24},
                               {"ZUSAMMEN_RATE_LIMIT_ANON_RPS", &c.rate_limit_anon_rps, 0},
                               {"ZUSAMMEN_RATE_LIMIT_ANON_BURST", &c.rate_limit_anon_burst, 0},
                               {"ZUSAMMEN_RATE_LIMIT_KEY_RPS", &c.rate_limit_key_rps, 0},
                               {"ZUSAMMEN_RATE_LIMIT_KEY_BURST", &c.rate_limit_key_burst, 0},
                               {"ZUSAMMEN_DB_LOCK_WAIT_TIMEOUT_S", &c.db_lock_wait_timeout_s, 0},
                               {"ZUSAMMEN_RETENTION_DAYS_AFTER_MEETING", &c.retention_days_after_meeting, 0},
                               {"ZUSAMMEN_PURGE_INTERVAL_S", &c.purge_interval_s, 0}}) {
    if (!to_int(values[env], *target) || *target < minimum) {
      out.error = std::string(env) + " must be an integer of at least " + std::to_string(minimum);
    }
  }
  if (c.log_format != "text" && c.log_format != "json") out.error = "ZUSAMMEN_LOG_FORMAT must be text or json";
  if (std::string bad; !parse_cors_origins(c.cors_origins, &bad)) {
    out.error = "ZUSAMMEN_CORS_ORIGINS: \"" + bad + "\" is not an origin (scheme://host[:port]) or *";
  }
  if (std::string bad; !parse_networks(c.trusted_proxies, &bad)) {
    out.error = "ZUSAMMEN_TRUSTED_PROXIES: \"" + bad + "\" is not an IP address or network (10.0.0.0/8)";
  }
  return out;
}

std::string usage() {
  std::string out =
      "zusammen — the Wir zusammen network API\n\n"
      "Usage: zusammen [command] [settings]\n\n"
      "Commands:\n"
      "  serve                                   serve the HTTP API (the default)\n"
      "  migrate                                 apply pending schema migrations\n"
      "  seed                                    load the demo data set (idempotent)\n"
      "  apikey create --name N --scopes a,b     create an API key; prints it once, alone on the last line\n"
      "  apikey list                             list keys (never the keys themselves)\n"
      "  apikey revoke ID                        revoke a key\n"
      "  routes                                  list every METHOD /route the server has\n"
      "  purge                                   anonymise registrations whose retention has passed\n"
      "  --help, --version\n\n"
      "Scopes: content:read content:write registrations:read registrations:write admin\n\n"
      "Settings (environment variable, or the flag):\n";
  for (const auto& s : kSettings) {
    out += "  " + std::string(s.env) + " / " + s.flag + "\n      " + s.help;
    if (*s.fallback != '\0') out += " (default: " + std::string(s.fallback) + ")";
    out += "\n";
  }
  return out;
}

}  // namespace zusammen::api
