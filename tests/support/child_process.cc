#include "child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace zusammen::testing {

using namespace std::chrono_literals;

Child::Child(const std::vector<std::string>& args, const Env& env, const std::string& binary) {
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  std::vector<std::string> arg_strings = {binary};
  arg_strings.insert(arg_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "ZUSAMMEN_", 9) != 0) env_strings.emplace_back(*e);
  }
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> argv;
  for (auto& a : arg_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
  }
  out_reader_ = std::thread([this, fd = out[0]] { drain(fd, out_, out_done_); });
  err_reader_ = std::thread([this, fd = err[0]] { drain(fd, err_, err_done_); });
}

Child::~Child() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(10s);
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
}

std::string Child::out() {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Child::err() {
  std::lock_guard lock(mutex_);
  return err_;
}

std::optional<std::vector<std::string>> Child::wait_for_output(const std::regex& pattern,
                                                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::vector<std::string>> found;
  changed_.wait_for(lock, timeout, [&] {
    std::smatch match;
    if (std::regex_search(out_, match, pattern)) {
      found.emplace(match.begin(), match.end());
      return true;
    }
    return out_done_;
  });
  return found;
}

std::optional<int> Child::wait_for_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (done < 0) {
      exit_code_ = -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
  // The pipes close with the process (unless a grandchild holds them): collect the rest.
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
  return exit_code_;
}

bool Child::running() {
  if (exit_code_) return false;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  exit_code_ = done != pid_ ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void Child::drain(int fd, std::string& into, bool& done) {
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      done = true;
      changed_.notify_all();
      break;
    }
    into.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

std::ostream& operator<<(std::ostream& os, const Outcome& run) {
  return os << "exit " << run.code << "\n--- stdout ---\n" << run.out << "--- stderr ---\n" << run.err;
}

Outcome run(const std::vector<std::string>& args, const Env& env, std::chrono::seconds timeout) {
  Child child(args, env);
  auto code = child.wait_for_exit(timeout);
  Outcome result;
  if (!code) {
    ADD_FAILURE() << "zusammen did not finish within " << timeout.count() << " s";
    ::kill(child.pid(), SIGKILL);
    code = child.wait_for_exit(10s);
  }
  result.code = code.value_or(-1);
  result.out = child.out();
  result.err = child.err();
  return result;
}

Env ServeProcess::with_listen(Env env) {
  // Like AppOptions, tests run without rate limits unless they set them.
  for (const char* name : {"ZUSAMMEN_RATE_LIMIT_ANON_RPS", "ZUSAMMEN_RATE_LIMIT_KEY_RPS"}) {
    if (std::none_of(env.begin(), env.end(), [&](const auto& entry) { return entry.first == name; })) {
      env.emplace_back(name, "0");
    }
  }
  env.emplace_back("ZUSAMMEN_LISTEN", "127.0.0.1:0");
  return env;
}

ServeProcess::ServeProcess(const Env& env, std::chrono::milliseconds timeout) : child_({"serve"}, with_listen(env)) {
  auto found = child_.wait_for_output(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), timeout);
  if (!found) {
    throw std::runtime_error("zusammen serve did not start:\n--- stdout ---\n" + child_.out() + "--- stderr ---\n" +
                             child_.err());
  }
  port_ = std::stoi((*found)[1]);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace zusammen::testing
