// Configuration: environment variables, the same-named flags (--x=v and --x v),
// flags winning, defaults, and bad values reported instead of guessed.
#include "api/config.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

namespace zusammen::api {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }

  static void clear() {
    for (const auto& s : kSettings) ::unsetenv(s.env);
  }

  static ParsedCommandLine parse(std::vector<std::string> args) {
    args.insert(args.begin(), "zusammen");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return parse_command_line(static_cast<int>(args.size()), argv.data());
  }
};

TEST_F(ConfigTest, Defaults) {
  auto parsed = parse({});
  ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
  const Config& c = parsed.config;
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_FALSE(c.database_url.empty());
  EXPECT_EQ(c.database_url.rfind("mysql://", 0), 0u);
  EXPECT_EQ(c.database_read_url, "");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.db_pool, 8);
  EXPECT_EQ(c.db_lease_timeout_ms, 2000);
  EXPECT_EQ(c.db_connect_timeout, 5);
  EXPECT_EQ(c.db_read_timeout, 30);
  EXPECT_EQ(c.max_body_bytes, 1048576);
  EXPECT_EQ(c.header_timeout, 5);
  EXPECT_EQ(c.body_timeout, 15);
  EXPECT_EQ(c.keepalive_timeout, 30);
  EXPECT_EQ(c.shutdown_grace_ms, 0);
  EXPECT_FALSE(c.migrate_on_start);
  EXPECT_EQ(c.cors_origins, "");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_TRUE(parsed.arguments.empty());
}

TEST_F(ConfigTest, EveryDocumentedVariableIsASetting) {
  // SPEC.md, Operations.
  for (const char* name : {"ZUSAMMEN_DATABASE_URL", "ZUSAMMEN_DATABASE_READ_URL", "ZUSAMMEN_LISTEN", "ZUSAMMEN_THREADS",
                           "ZUSAMMEN_DB_POOL", "ZUSAMMEN_CORS_ORIGINS", "ZUSAMMEN_LOG_LEVEL", "ZUSAMMEN_LOG_FORMAT"}) {
    bool found = false;
    for (const auto& s : kSettings) found = found || std::string(s.env) == name;
    EXPECT_TRUE(found) << name;
  }
  // Each flag is the variable's name, lower case with dashes.
  for (const auto& s : kSettings) {
    std::string expected = "--";
    for (const char* p = s.env + std::string("ZUSAMMEN_").size(); *p != '\0'; ++p) {
      expected.push_back(*p == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
    }
    EXPECT_EQ(std::string(s.flag), expected) << s.env;
    EXPECT_NE(std::string(s.help), "") << s.env;
  }
}

TEST_F(ConfigTest, EnvironmentVariables) {
  ::setenv("ZUSAMMEN_DATABASE_URL", "mysql://u:p@db:3306/zusammen", 1);
  ::setenv("ZUSAMMEN_DATABASE_READ_URL", "mysql://u:p@replica:3306/zusammen", 1);
  ::setenv("ZUSAMMEN_LISTEN", "0.0.0.0:9000", 1);
  ::setenv("ZUSAMMEN_THREADS", "7", 1);
  ::setenv("ZUSAMMEN_DB_POOL", "16", 1);
  ::setenv("ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "500", 1);
  ::setenv("ZUSAMMEN_DB_CONNECT_TIMEOUT", "2", 1);
  ::setenv("ZUSAMMEN_DB_READ_TIMEOUT", "9", 1);
  ::setenv("ZUSAMMEN_MAX_BODY_BYTES", "2048", 1);
  ::setenv("ZUSAMMEN_HEADER_TIMEOUT", "3", 1);
  ::setenv("ZUSAMMEN_BODY_TIMEOUT", "4", 1);
  ::setenv("ZUSAMMEN_KEEPALIVE_TIMEOUT", "5", 1);
  ::setenv("ZUSAMMEN_SHUTDOWN_GRACE_MS", "250", 1);
  ::setenv("ZUSAMMEN_MIGRATE_ON_START", "true", 1);
  ::setenv("ZUSAMMEN_CORS_ORIGINS", "https://a.example,https://b.example", 1);
  ::setenv("ZUSAMMEN_LOG_LEVEL", "debug", 1);
  ::setenv("ZUSAMMEN_LOG_FORMAT", "json", 1);
  auto parsed = parse({"serve"});
  ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
  const Config& c = parsed.config;
  EXPECT_EQ(c.database_url, "mysql://u:p@db:3306/zusammen");
  EXPECT_EQ(c.database_read_url, "mysql://u:p@replica:3306/zusammen");
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.threads, 7);
  EXPECT_EQ(c.db_pool, 16);
  EXPECT_EQ(c.db_lease_timeout_ms, 500);
  EXPECT_EQ(c.db_connect_timeout, 2);
  EXPECT_EQ(c.db_read_timeout, 9);
  EXPECT_EQ(c.max_body_bytes, 2048);
  EXPECT_EQ(c.header_timeout, 3);
  EXPECT_EQ(c.body_timeout, 4);
  EXPECT_EQ(c.keepalive_timeout, 5);
  EXPECT_EQ(c.shutdown_grace_ms, 250);
  EXPECT_TRUE(c.migrate_on_start);
  EXPECT_EQ(c.cors_origins, "https://a.example,https://b.example");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(parsed.arguments, (std::vector<std::string>{"serve"}));
}

TEST_F(ConfigTest, FlagsWithEqualsAndWithSeparateValue) {
  auto parsed = parse({"--threads=3", "--db-pool", "12", "--listen=127.0.0.1:0", "--database-url",
                       "mysql://a:b@h:1234/d", "--log-format=json", "--migrate-on-start", "1"});
  ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
  EXPECT_EQ(parsed.config.threads, 3);
  EXPECT_EQ(parsed.config.db_pool, 12);
  EXPECT_EQ(parsed.config.listen, "127.0.0.1:0");
  EXPECT_EQ(parsed.config.database_url, "mysql://a:b@h:1234/d");
  EXPECT_EQ(parsed.config.log_format, "json");
  EXPECT_TRUE(parsed.config.migrate_on_start);
  EXPECT_TRUE(parsed.arguments.empty());
}

TEST_F(ConfigTest, FlagsWinOverTheEnvironment) {
  ::setenv("ZUSAMMEN_THREADS", "7", 1);
  ::setenv("ZUSAMMEN_LISTEN", "0.0.0.0:9000", 1);
  ::setenv("ZUSAMMEN_LOG_LEVEL", "warn", 1);
  auto parsed = parse({"--threads=2", "--listen", "127.0.0.1:7000"});
  ASSERT_FALSE(parsed.error.has_value());
  EXPECT_EQ(parsed.config.threads, 2);
  EXPECT_EQ(parsed.config.listen, "127.0.0.1:7000");
  EXPECT_EQ(parsed.config.log_level, "warn");  // not given as a flag: the environment's
}

TEST_F(ConfigTest, AFlagFixesABadEnvironmentValue) {
  ::setenv("ZUSAMMEN_DB_POOL", "lots", 1);
  EXPECT_TRUE(parse({}).error.has_value());
  auto parsed = parse({"--db-pool=4"});
  EXPECT_FALSE(parsed.error.has_value());
  EXPECT_EQ(parsed.config.db_pool, 4);
}

TEST_F(ConfigTest, LaterFlagsWin) {
  auto parsed = parse({"--threads=2", "--threads=5"});
  ASSERT_FALSE(parsed.error.has_value());
  EXPECT_EQ(parsed.config.threads, 5);
}

TEST_F(ConfigTest, CommandsAndTheirOptionsAreArguments) {
  auto parsed = parse({"apikey", "create", "--threads=2", "--name", "ci", "--scopes", "content:read,content:write"});
  ASSERT_FALSE(parsed.error.has_value());
  EXPECT_EQ(parsed.config.threads, 2);
  EXPECT_EQ(parsed.arguments,
            (std::vector<std::string>{"apikey", "create", "--name", "ci", "--scopes", "content:read,content:write"}));
}

TEST_F(ConfigTest, BadIntegersAreErrorsNamingTheSetting) {
  struct Case {
    const char* env;
    const char* value;
  };
  for (const auto& c :
       {Case{"ZUSAMMEN_THREADS", "abc"}, Case{"ZUSAMMEN_THREADS", ""}, Case{"ZUSAMMEN_THREADS", "4x"},
        Case{"ZUSAMMEN_THREADS", " 4"}, Case{"ZUSAMMEN_THREADS", "4.0"}, Case{"ZUSAMMEN_THREADS", "0"},
        Case{"ZUSAMMEN_THREADS", "-2"}, Case{"ZUSAMMEN_THREADS", "99999999999"}, Case{"ZUSAMMEN_DB_POOL", "0"},
        Case{"ZUSAMMEN_DB_LEASE_TIMEOUT_MS", "0"}, Case{"ZUSAMMEN_DB_CONNECT_TIMEOUT", "x"},
        Case{"ZUSAMMEN_DB_READ_TIMEOUT", "-1"}, Case{"ZUSAMMEN_MAX_BODY_BYTES", "1023"},
        Case{"ZUSAMMEN_HEADER_TIMEOUT", "0"}, Case{"ZUSAMMEN_BODY_TIMEOUT", "ten"},
        Case{"ZUSAMMEN_KEEPALIVE_TIMEOUT", "1e3"}, Case{"ZUSAMMEN_SHUTDOWN_GRACE_MS", "-1"}}) {
    clear();
    ::setenv(c.env, c.value, 1);
    auto from_env = parse({});
    ASSERT_TRUE(from_env.error.has_value()) << c.env << "=" << c.value;
    EXPECT_NE(from_env.error->find(c.env), std::string::npos) << *from_env.error;

    clear();
    std::string flag;
    for (const auto& s : kSettings) {
      if (std::string(s.env) == c.env) flag = s.flag;
    }
    auto from_flag = parse({flag + "=" + c.value});
    ASSERT_TRUE(from_flag.error.has_value()) << flag << "=" << c.value;
    EXPECT_NE(from_flag.error->find(c.env), std::string::npos) << *from_flag.error;
  }
}

TEST_F(ConfigTest, MinimumsAreAccepted) {
  auto parsed = parse({"--threads=1", "--db-pool=1", "--max-body-bytes=1024", "--shutdown-grace-ms=0"});
  ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
  EXPECT_EQ(parsed.config.max_body_bytes, 1024);
}

TEST_F(ConfigTest, LogFormatIsTextOrJson) {
  ::setenv("ZUSAMMEN_LOG_FORMAT", "xml", 1);
  auto parsed = parse({});
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_NE(parsed.error->find("ZUSAMMEN_LOG_FORMAT"), std::string::npos);
}

TEST_F(ConfigTest, MigrateOnStart) {
  for (const char* yes : {"true", "1"}) {
    EXPECT_TRUE(parse({std::string("--migrate-on-start=") + yes}).config.migrate_on_start) << yes;
  }
  EXPECT_FALSE(parse({"--migrate-on-start=false"}).config.migrate_on_start);
  EXPECT_FALSE(parse({"--migrate-on-start=0"}).config.migrate_on_start);
}

TEST_F(ConfigTest, StatementTimeoutDefaultsToTenSecondsAndZeroTurnsItOff) {
  EXPECT_EQ(parse({}).config.db_statement_timeout_ms, 10000);
  auto off = parse({"--db-statement-timeout-ms=0"});
  ASSERT_FALSE(off.error.has_value()) << *off.error;
  EXPECT_EQ(off.config.db_statement_timeout_ms, 0);
  auto negative = parse({"--db-statement-timeout-ms=-1"});
  ASSERT_TRUE(negative.error.has_value());
  EXPECT_NE(negative.error->find("ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS"), std::string::npos) << *negative.error;
}

TEST_F(ConfigTest, UsageListsEverySettingAndCommand) {
  std::string text = usage();
  for (const auto& s : kSettings) {
    EXPECT_NE(text.find(s.env), std::string::npos) << s.env;
    EXPECT_NE(text.find(s.flag), std::string::npos) << s.flag;
  }
  for (const char* command : {"serve", "migrate", "seed", "apikey create", "apikey list", "apikey revoke", "--help"}) {
    EXPECT_NE(text.find(command), std::string::npos) << command;
  }
  for (const char* scope : {"content:read", "content:write", "registrations:read", "registrations:write", "admin"}) {
    EXPECT_NE(text.find(scope), std::string::npos) << scope;
  }
}

TEST_F(ConfigTest, CorsOriginsRateLimitsAndTrustedProxies) {
  auto defaults = parse({});
  ASSERT_FALSE(defaults.error.has_value()) << *defaults.error;
  EXPECT_EQ(defaults.config.rate_limit_anon_rps, 20);
  EXPECT_EQ(defaults.config.rate_limit_anon_burst, 100);
  EXPECT_EQ(defaults.config.rate_limit_key_rps, 50);
  EXPECT_EQ(defaults.config.rate_limit_key_burst, 200);
  EXPECT_EQ(defaults.config.trusted_proxies, "");

  auto set = parse({"--cors-origins=*, https://partner.example, http://localhost:3000", "--rate-limit-anon-rps=0",
                    "--rate-limit-key-burst=7", "--trusted-proxies=10.0.0.0/8, ::1"});
  ASSERT_FALSE(set.error.has_value()) << *set.error;
  EXPECT_EQ(set.config.rate_limit_anon_rps, 0);
  EXPECT_EQ(set.config.rate_limit_key_burst, 7);
  EXPECT_EQ(set.config.trusted_proxies, "10.0.0.0/8, ::1");

  struct Case {
    const char* arg;
    const char* named;
  };
  for (const auto& c : {Case{"--cors-origins=https://partner.example/", "ZUSAMMEN_CORS_ORIGINS"},
                        Case{"--cors-origins=partner.example", "ZUSAMMEN_CORS_ORIGINS"},
                        Case{"--cors-origins=https://a.example https://b.example", "ZUSAMMEN_CORS_ORIGINS"},
                        Case{"--trusted-proxies=10.0.0.0/40", "ZUSAMMEN_TRUSTED_PROXIES"},
                        Case{"--trusted-proxies=proxy.internal", "ZUSAMMEN_TRUSTED_PROXIES"},
                        Case{"--rate-limit-key-rps=-1", "ZUSAMMEN_RATE_LIMIT_KEY_RPS"},
                        Case{"--rate-limit-anon-burst=many", "ZUSAMMEN_RATE_LIMIT_ANON_BURST"}}) {
    auto parsed = parse({c.arg});
    ASSERT_TRUE(parsed.error.has_value()) << c.arg;
    EXPECT_NE(parsed.error->find(c.named), std::string::npos) << *parsed.error;
  }
}

}  // namespace
}  // namespace zusammen::api
