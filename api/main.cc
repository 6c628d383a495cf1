// zusammen: serve the API, migrate, seed, manage API keys.
#include <malloc.h>
#include <pthread.h>
#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "api/access_log.h"
#include "api/app.h"
#include "api/config.h"
#include "api/migrate_on_start.h"
#include "api/server.h"
#include "service/api_keys.h"
#include "service/database.h"
#include "service/encoding.h"
#include "service/migrations.h"
#include "service/people.h"
#include "service/seed.h"

namespace {

using namespace zusammen;

// %j: the message as a JSON string body (quotes, backslashes and control characters escaped).
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string escaped;
    api::append_json_escaped(escaped, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

void setup_logging(const api::Config& config) {
  // Asynchronous: a request's thread only queues its log line (the access log costs the
  // request path a formatted copy, not a write); one thread writes them to stderr, in order.
  // The queue blocks when full rather than dropping lines; spdlog::shutdown() at exit drains it.
  // The writing thread must never take SIGTERM or SIGINT: serve waits for them with sigwait, and
  // a thread that does not block them would receive one first and end the process uncleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  spdlog::init_thread_pool(16384, 1);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>("zusammen", sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::block);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.log_format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"message":"%j"})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
}

// replica: the pool of ZUSAMMEN_DATABASE_READ_URL instead of the primary's.
std::unique_ptr<service::Pool> open_pool(const api::Config& config, std::size_t size,
                                         std::chrono::milliseconds statement_timeout = {}, bool replica = false) {
  const char* variable = replica ? "ZUSAMMEN_DATABASE_READ_URL" : "ZUSAMMEN_DATABASE_URL";
  auto url = service::parse_database_url(replica ? config.database_read_url : config.database_url);
  if (!url.ok()) {
    std::cerr << "zusammen: " << variable << ": " << url.error().detail << "\n";
    return nullptr;
  }
  service::PoolOptions options;
  options.size = size;
  options.lease_timeout = std::chrono::milliseconds(config.db_lease_timeout_ms);
  options.timeouts.connect_seconds = config.db_connect_timeout;
  options.timeouts.read_seconds = config.db_read_timeout;
  options.timeouts.write_seconds = config.db_read_timeout;
  options.statement_timeout = statement_timeout;
  options.lock_wait_timeout_seconds = config.db_lock_wait_timeout_s;
  return std::make_unique<service::Pool>(*url, options);
}

// How long an access line waits at most before it is written.
constexpr std::chrono::milliseconds kAccessLogFlush{50};

// How long an unreachable read replica is left alone (its reads go to the primary).
constexpr std::chrono::seconds kReplicaRetry{5};

int fail(const service::Error& error) {
  std::cerr << "zusammen: " << error.detail << "\n";
  for (const auto& e : error.errors) std::cerr << "  " << e.field << ": " << e.message << "\n";
  return 1;
}

int run_migrate(service::Pool& pool) {
  auto applied = service::migrate(pool, service::builtin_migrations());
  if (!applied.ok()) return fail(applied.error());
  std::cout << "applied " << applied->size() << " migration(s)\n";
  for (const auto& name : *applied) std::cout << "  " << name << "\n";
  return 0;
}

int run_seed(service::Pool& pool) {
  auto report = service::seed_demo_data(pool);
  if (!report.ok()) return fail(report.error());
  std::cout << "demo data: " << report->created << " created, " << report->existing << " already present\n";
  return 0;
}

int run_purge(service::Pool& pool, const api::Config& config) {
  auto purged = service::PeopleService(pool).purge_expired({config.retention_days_after_meeting});
  if (!purged.ok()) return fail(purged.error());
  std::cout << "anonymised " << *purged << " registration(s) whose retention has passed\n";
  return 0;
}

int run_apikey(service::Pool& pool, const std::vector<std::string>& args) {
  service::ApiKeyService keys(pool);
  std::string sub = args.size() > 1 ? args[1] : "";
  if (sub == "create") {
    std::string name;
    std::vector<std::string> scopes;
    for (std::size_t i = 2; i < args.size(); ++i) {
      auto value = [&](const std::string& flag) -> std::optional<std::string> {
        if (args[i] == flag && i + 1 < args.size()) return args[++i];
        if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
        return std::nullopt;
      };
      if (auto n = value("--name")) {
        name = *n;
      } else if (auto s = value("--scopes")) {
        auto parts = service::split_list(*s);
        scopes.insert(scopes.end(), parts.begin(), parts.end());
      } else {
        std::cerr << "zusammen: unknown option " << args[i] << "\n";
        return 2;
      }
    }
    auto created = keys.create(name, scopes);
    if (!created.ok()) return fail(created.error());
    std::string granted;
    for (const auto& s : created->key.scopes) granted += (granted.empty() ? "" : ",") + s;
    std::cout << "created API key " << created->key.id << " (" << created->key.name << ") with scopes " << granted
              << "\nstore it now; it is not shown again:\n"
              << created->secret << "\n";
    return 0;
  }
  if (sub == "list") {
    auto list = keys.list();
    if (!list.ok()) return fail(list.error());
    for (const auto& key : *list) {
      std::string scopes;
      for (const auto& s : key.scopes) scopes += (scopes.empty() ? "" : ",") + s;
      std::cout << key.id << "\t" << key.name << "\t" << key.prefix << "…\t" << scopes << "\t" << key.created_at << "\t"
                << (key.revoked_at ? "revoked " + *key.revoked_at : "active") << "\n";
    }
    return 0;
  }
  if (sub == "revoke" && args.size() == 3) {
    long long id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(args[2], &used);
      if (used != args[2].size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      std::cerr << "zusammen: apikey revoke takes a numeric id\n";
      return 2;
    }
    auto revoked = keys.revoke(id);
    if (!revoked.ok()) return fail(revoked.error());
    std::cout << "revoked API key " << id << "\n";
    return 0;
  }
  std::cerr << "usage: zusammen apikey create --name N --scopes a,b | list | revoke ID\n";
  return 2;
}

// Every route the server has, one "METHOD /template" per line (HEAD and OPTIONS are implied);
// the authorization matrix check compares them with openapi.yaml. Connects to nothing.
int run_routes(service::Pool& pool) {
  api::App app(pool);
  for (const auto& route : app.router().routes()) std::cout << route.method << " " << route.pattern << "\n";
  return 0;
}

int run_serve(const api::Config& config) {
  auto colon = config.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(config.listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    std::cerr << "zusammen: ZUSAMMEN_LISTEN must be host:port\n";
    return 2;
  }
  // Handlers wait for the database on the workers: a pool smaller than the workers would only
  // make requests wait for a lease.
  int pool_size = config.db_pool;
  if (pool_size < config.workers) {
    spdlog::warn("ZUSAMMEN_DB_POOL={} is below ZUSAMMEN_WORKERS={}; using {} connections", config.db_pool,
                 config.workers, config.workers);
    pool_size = config.workers;
  }
  auto pool =
      open_pool(config, static_cast<std::size_t>(pool_size), std::chrono::milliseconds(config.db_statement_timeout_ms));
  if (!pool) return 2;
  // Access lines are batched (api/access_log.h); every other line keeps to spdlog's queue.
  api::AccessLog::install(std::make_unique<api::AccessLog>(
      STDERR_FILENO, config.log_format == "json" ? api::LogFormat::json : api::LogFormat::text, kAccessLogFlush));
  std::unique_ptr<service::Pool> read_pool;
  if (!config.database_read_url.empty()) {
    read_pool = open_pool(config, static_cast<std::size_t>(pool_size),
                          std::chrono::milliseconds(config.db_statement_timeout_ms), true);
    if (!read_pool) return 2;
    read_pool->fall_back_to(*pool, kReplicaRetry);
    spdlog::info("anonymous reads from the replica at {}:{}", read_pool->url().host, read_pool->url().port);
  }

  // Signals are handled by sigwait on this thread; the server's threads inherit the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  api::AppOptions app_options;
  app_options.cache_ttl = std::chrono::milliseconds(config.cache_ttl_ms);
  app_options.cache_entries = static_cast<std::size_t>(config.cache_entries);
  app_options.cache_bytes = static_cast<std::size_t>(config.cache_mb) * 1024 * 1024;
  app_options.cache_stale = std::chrono::milliseconds(config.cache_stale_ms);
  app_options.cache_watch = std::chrono::milliseconds(config.cache_watch_ms);
  app_options.catalogue_max_rows = static_cast<std::size_t>(config.catalogue_max_rows);
  app_options.idempotency_ttl = std::chrono::hours(config.idempotency_hours);
  app_options.cors_origins = config.cors_origins;
  app_options.rate_limits = {config.rate_limit_anon_rps, config.rate_limit_anon_burst, config.rate_limit_key_rps,
                             config.rate_limit_key_burst, config.trusted_proxies};
  app_options.read_pool = read_pool.get();
  api::App app(*pool, app_options);
  // Pending migrations before serving; when the database cannot take them yet, in the
  // background while /readyz and the API answer 503 (api/migrate_on_start.h).
  std::optional<api::MigrateOnStart> migrations;
  if (config.migrate_on_start) migrations.emplace(open_pool(config, 1), app);
  api::ServerOptions options;
  options.host = config.listen.substr(0, colon);
  options.port = port;
  options.threads = config.threads;
  options.workers = config.workers;
  options.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  options.max_request_bytes = 2 * options.max_body_bytes + std::size_t{64} * 1024;
  options.header_timeout = std::chrono::seconds(config.header_timeout);
  options.body_timeout = std::chrono::seconds(config.body_timeout);
  options.keepalive_timeout = std::chrono::seconds(config.keepalive_timeout);
  api::Server server(app, options);
  // Stopped (and joined) when run_serve returns, before the pool goes.
  service::PeriodicPurge purge(*pool, {config.retention_days_after_meeting},
                               std::chrono::seconds(config.purge_interval_s));
  try {
    server.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}: {}", config.listen, e.what());
    return 1;
  }
  spdlog::info("listening on {}:{} threads={} workers={} db_pool={}", options.host, server.port(), config.threads,
               config.workers, pool_size);
  // Scripts and tests read the port from this line when ZUSAMMEN_LISTEN ends in :0.
  std::cout << "listening on http://" << options.host << ":" << server.port() << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {} received: draining", received);
  app.set_draining(true);
  if (config.shutdown_grace_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(config.shutdown_grace_ms));
  spdlog::info("closing the listener; {} request(s) in flight", app.metrics().in_flight());
  if (!server.drain(std::chrono::milliseconds(config.shutdown_timeout_ms))) {
    // The stuck requests hold the server's threads: leave without waiting for them.
    spdlog::error("{} request(s) still in flight after ZUSAMMEN_SHUTDOWN_TIMEOUT_MS={}; exiting without them",
                  app.metrics().in_flight(), config.shutdown_timeout_ms);
    api::AccessLog::uninstall();
    spdlog::shutdown();  // writes what the log queue holds
    std::_Exit(1);
  }
  api::AccessLog::uninstall();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

namespace {

int run_command(int argc, char** argv) {
  auto parsed = api::parse_command_line(argc, argv);
  const auto& args = parsed.arguments;
  std::string command = args.empty() ? "serve" : args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << api::usage();
    return 0;
  }
  if (command == "--version") {
    std::cout << "zusammen " << ZUSAMMEN_VERSION << "\n";
    return 0;
  }
  if (parsed.error) {
    std::cerr << "zusammen: " << *parsed.error << "\n";
    return 2;
  }
  setup_logging(parsed.config);
  if (command == "serve") return run_serve(parsed.config);
  auto pool = open_pool(parsed.config, 1);
  if (!pool) return 2;
  if (command == "migrate") return run_migrate(*pool);
  if (command == "seed") return run_seed(*pool);
  if (command == "apikey") return run_apikey(*pool, args);
  if (command == "routes") return run_routes(*pool);
  if (command == "purge") return run_purge(*pool, parsed.config);
  std::cerr << "zusammen: unknown command " << command << "\n\n" << api::usage();
  return 2;
}

// glibc raises its mmap and trim thresholds each time a large block is freed (up to 32 MiB) and
// from then on keeps what is freed instead of handing it back: after the catalogue's load freed
// its large blocks, the workers' arenas held 2-3 MiB more at peak (bench/run.sh: VmHWM 64.5 ->
// 63.7 MiB at 20 000 initiatives, throughput unchanged). Fixed at glibc's own starting values,
// unless the operator chose them (GLIBC_TUNABLES or MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_).
void fix_malloc_thresholds() {
  for (const char* name : {"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
    if (std::getenv(name) != nullptr) return;  // NOLINT(concurrency-mt-unsafe): before any thread
  }
  constexpr int kThreshold = 128 * 1024;
  mallopt(M_MMAP_THRESHOLD, kThreshold);
  mallopt(M_TRIM_THRESHOLD, kThreshold);
}

}  // namespace

int main(int argc, char** argv) {
  fix_malloc_thresholds();
  int status = 1;
  try {
    status = run_command(argc, argv);
  } catch (const std::exception& e) {
    // Nothing the commands throw is meant to get here: one clear line rather than an abort.
    std::cerr << "zusammen: stopped by an unexpected error: " << zusammen::service::redact_for_log(e.what()) << "\n";
  } catch (...) {
    std::cerr << "zusammen: stopped by an unexpected error\n";
  }
  try {
    spdlog::shutdown();  // the asynchronous log's queue is written before the process ends
  } catch (...) {
    // The log is gone; the status still tells.
  }
  return status;
}
