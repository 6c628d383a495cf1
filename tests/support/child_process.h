// The real `zusammen` binary as a child process: its output collected, its exit
// code awaited; and `serve` on a free port, for tests of the process as a whole
// (signals, faults, logs, hostile clients).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <ostream>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace zusammen::testing {

using Env = std::vector<std::pair<std::string, std::string>>;

// A child process with its stdout and stderr collected by two reader threads.
// It sees this process's environment without any ZUSAMMEN_* variable, plus env.
class Child {
 public:
  Child(const std::vector<std::string>& args, const Env& env, const std::string& binary = ZUSAMMEN_BINARY);
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Kills the process when it is still running.
  ~Child();

  pid_t pid() const { return pid_; }
  std::string out();
  std::string err();

  // Waits until stdout matches pattern (or the child closes stdout); the match and its groups.
  std::optional<std::vector<std::string>> wait_for_output(const std::regex& pattern, std::chrono::milliseconds timeout);
  // The exit code (128 + signal when killed by one), or nullopt when still running after timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  bool running();

 private:
  void drain(int fd, std::string& into, bool& done);

  pid_t pid_ = -1;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  bool out_done_ = false;
  bool err_done_ = false;
  std::thread out_reader_;
  std::thread err_reader_;
  std::optional<int> exit_code_;
};

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const Outcome& run);

// Runs the binary to its end (a test failure, and SIGKILL, after timeout).
Outcome run(const std::vector<std::string>& args, const Env& env,
            std::chrono::seconds timeout = std::chrono::seconds(60));

// `zusammen serve` on 127.0.0.1 and a free port, with env added (ZUSAMMEN_LISTEN is
// set here, and rate limits are off unless env sets them); the constructor returns
// once the listening line is printed, and throws when it is not within timeout.
class ServeProcess {
 public:
  explicit ServeProcess(const Env& env, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  int port() const { return port_; }
  Child& child() { return child_; }

 private:
  static Env with_listen(Env env);
  Child child_;
  int port_ = 0;
};

std::vector<std::string> lines(const std::string& text);
bool contains(const std::string& haystack, const std::string& needle);

}  // namespace zusammen::testing
