// The batched access log: every line written once, whole, in its thread's order, in the format
// spdlog's pattern gives the service's other lines.
#include "api/access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace zusammen::api;
using namespace std::chrono_literals;

namespace {

// A file the log writes to, read back by the test.
class LogFile {
 public:
  LogFile() {
    char name[] = "/tmp/zusammen_access_log_XXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
  }
  ~LogFile() {
    ::close(fd_);
    std::remove(path_.c_str());
  }
  int fd() const { return fd_; }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

AccessEntry entry(std::string_view request_id, std::chrono::microseconds duration = 1234us) {
  return {"GET", "/v1/initiatives/{id}", 200, duration, 512, request_id};
}

}  // namespace

TEST(AccessLog, EveryLineOfEveryThreadArrivesOnceWholeAndInItsThreadsOrder) {
  LogFile file;
  constexpr int kThreads = 4;
  constexpr int kLines = 5000;  // 4 × 5 000 lines of ~130 bytes: past the 64 KiB and 1 MiB marks
  {
    AccessLog log(file.fd(), LogFormat::text, 20ms);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          log.write(entry(id));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info access method=GET route=/v1/initiatives/\{id\} status=200 )"
      R"(duration_ms=1\.234 bytes=512 request_id=t(\d)-(\d+))");
  std::map<int, int> next;  // thread → the sequence number its next line must carry
  auto lines = file.lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  for (const auto& text : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(text, m, line)) << text;
    int thread = std::stoi(m[1]);
    int sequence = std::stoi(m[2]);
    EXPECT_EQ(sequence, next[thread]) << text;
    next[thread] = sequence + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kLines);
}

TEST(AccessLog, ALineIsWrittenWithinTheFlushIntervalWithoutAnyMoreTraffic) {
  LogFile file;
  AccessLog log(file.fd(), LogFormat::text, 20ms);
  log.write(entry("alone"));
  // Nothing else is logged and nothing is flushed by hand: the writer's timer must take the line.
  for (int i = 0; i < 200 && file.lines().empty(); ++i) std::this_thread::sleep_for(10ms);
  auto lines = file.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("request_id=alone"), std::string::npos);
}

TEST(AccessLog, FlushWritesEveryHeldLineBeforeItReturns) {
  LogFile file;
  AccessLog log(file.fd(), LogFormat::text, std::chrono::hours(1));
  std::thread other([&log] { log.write(entry("other-thread")); });
  other.join();
  log.write(entry("this-thread"));
  log.flush();
  auto lines = file.lines();
  ASSERT_EQ(lines.size(), 2u);
}

TEST(AccessLog, DurationsKeepThreeDecimalsOfAMillisecond) {
  LogFile file;
  {
    AccessLog log(file.fd(), LogFormat::text, 20ms);
    log.write(entry("a", 0us));
    log.write(entry("b", 7us));
    log.write(entry("c", 1000000us));
    log.write(entry("d", -5us));  // a clock that stepped back is not a negative duration
  }
  auto lines = file.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find(" duration_ms=0.000 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" duration_ms=0.007 "), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(" duration_ms=1000.000 "), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(" duration_ms=0.000 "), std::string::npos) << lines[3];
}

TEST(AccessLog, JsonLinesAreJsonObjectsWithTheMessageEscaped) {
  LogFile file;
  AccessEntry odd{"GET", "/v1/\"quoted\"\\path\n", 404, 2500us, 10, "r-1"};
  {
    AccessLog log(file.fd(), LogFormat::json, 20ms);
    log.write(odd);
  }
  auto lines = file.lines();
  ASSERT_EQ(lines.size(), 1u);
  auto json = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(json.at("level"), "info");
  EXPECT_TRUE(json.at("thread").is_number_integer());
  EXPECT_TRUE(
      std::regex_match(json.at("time").get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")));
  EXPECT_EQ(json.at("message"),
            "access method=GET route=/v1/\"quoted\"\\path\n status=404 duration_ms=2.500 bytes=10 request_id=r-1");
}

TEST(AccessLog, JsonEscapingEscapesQuotesBackslashesAndControlCharactersOnly) {
  std::string out;
  append_json_escaped(out, std::string("a\"b\\c\x01\td\xc3\xa4", 10));
  EXPECT_EQ(out, "a\\\"b\\\\c\\u0001\\u0009d\xc3\xa4");
}
