#include "api/access_log.h"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/details/console_globals.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

namespace zusammen::api {

namespace {

// Past this a thread's lines are handed to the writer at once; past kSelfWrite the thread writes
// them itself (the writer is behind: the log blocks rather than drops, as spdlog's queue did).
constexpr std::size_t kWakeWriter = std::size_t{64} * 1024;
constexpr std::size_t kSelfWrite = std::size_t{1024} * 1024;

std::atomic<std::uint64_t> next_log_id{1};

void write_all(int fd, const std::string& text) {
  // spdlog's stderr sink writes under this mutex: its lines and a batch never tear each other.
  std::lock_guard console(spdlog::details::console_mutex::mutex());
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to write (closed pipe, full disk): the lines are lost, not the process
    done += static_cast<std::size_t>(n);
  }
}

// "2026-12-07T03:20:01" of the current second, formatted once per second per thread.
struct Clock {
  std::time_t second = -1;
  char prefix[32] = {};
  std::size_t prefix_size = 0;
  long micros = 0;

  void now() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    micros = ts.tv_nsec / 1000;
    if (ts.tv_sec == second) return;
    second = ts.tv_sec;
    std::tm utc{};
    gmtime_r(&second, &utc);
    prefix_size = std::strftime(prefix, sizeof prefix, "%Y-%m-%dT%H:%M:%S", &utc);
  }
};

long thread_id() {
  thread_local long id = static_cast<long>(::syscall(SYS_gettid));
  return id;
}

// The line's message, as spdlog's "{}" of the same fields would print it (duration_ms with three
// decimals).
void append_message(std::string& out, const AccessEntry& e) {
  auto micros = e.duration.count() < 0 ? 0 : e.duration.count();
  fmt::format_to(std::back_inserter(out),
                 "access method={} route={} status={} duration_ms={}.{:03d} bytes={} request_id={}", e.method, e.route,
                 e.status, micros / 1000, static_cast<int>(micros % 1000), e.bytes, e.request_id);
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
    } else {
      out.push_back(c);
    }
  }
}

struct AccessLog::State {
  struct Buffer {
    std::mutex mutex;
    std::string text;
  };

  int fd;
  LogFormat format;
  std::chrono::milliseconds flush_every;
  std::uint64_t id = next_log_id.fetch_add(1);

  std::mutex registry_mutex;
  std::vector<std::shared_ptr<Buffer>> buffers;

  std::mutex write_mutex;  // one batch at a time: a thread's lines go out in their order

  std::mutex wake_mutex;
  std::condition_variable wake;
  bool woken = false;
  bool stopping = false;
  std::thread writer;

  // This thread's buffer for this log (a thread that logs to a second log gets a second one).
  Buffer& mine() {
    struct Slot {
      std::uint64_t log = 0;
      std::shared_ptr<Buffer> buffer;
    };
    thread_local Slot slot;
    if (slot.log != id) {
      slot.buffer = std::make_shared<Buffer>();
      slot.log = id;
      std::lock_guard lock(registry_mutex);
      buffers.push_back(slot.buffer);
    }
    return *slot.buffer;
  }

  // Takes every thread's lines and writes them; buffers of threads that ended are forgotten.
  void write_held() {
    std::lock_guard order(write_mutex);
    std::string batch;
    {
      std::lock_guard lock(registry_mutex);
      for (auto it = buffers.begin(); it != buffers.end();) {
        // Whether the thread has ended is read before its lines are taken: a thread still alive
        // may append after the take, and its buffer must then stay for the next batch.
        bool ended = it->use_count() == 1;
        std::atomic_thread_fence(std::memory_order_acquire);
        {
          std::lock_guard held((*it)->mutex);
          if (batch.empty()) {
            batch.swap((*it)->text);
          } else {
            batch += (*it)->text;
            (*it)->text.clear();
          }
        }
        it = ended ? buffers.erase(it) : it + 1;
      }
    }
    if (!batch.empty()) write_all(fd, batch);
  }

  void run() {
    std::unique_lock lock(wake_mutex);
    while (true) {
      wake.wait_for(lock, flush_every, [&] { return woken || stopping; });
      woken = false;
      bool last = stopping;
      lock.unlock();
      write_held();
      lock.lock();
      if (last) return;
    }
  }
};

AccessLog::AccessLog(int fd, LogFormat format, std::chrono::milliseconds flush_every)
    : state_(std::make_unique<State>()) {
  state_->fd = fd;
  state_->format = format;
  state_->flush_every = flush_every;
  // The writer takes no signal: `zusammen serve` waits for SIGTERM and SIGINT with sigwait, and
  // a thread that did not block them would receive one and end the process uncleanly.
  sigset_t all;
  sigfillset(&all);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  state_->writer = std::thread([state = state_.get()] { state->run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(state_->wake_mutex);
    state_->stopping = true;
  }
  state_->wake.notify_one();
  state_->writer.join();
}

void AccessLog::write(const AccessEntry& entry) {
  thread_local Clock clock;
  thread_local std::string message;
  clock.now();
  auto& buffer = state_->mine();
  std::size_t held = 0;
  {
    std::lock_guard lock(buffer.mutex);
    auto& out = buffer.text;
    if (state_->format == LogFormat::text) {
      out.append(clock.prefix, clock.prefix_size);
      fmt::format_to(std::back_inserter(out), ".{:03d}Z info ", static_cast<int>(clock.micros / 1000));
      append_message(out, entry);
    } else {
      message.clear();
      append_message(message, entry);
      out += R"({"time":")";
      out.append(clock.prefix, clock.prefix_size);
      fmt::format_to(std::back_inserter(out), R"(.{:06d}Z","level":"info","thread":{},"message":")",
                     static_cast<int>(clock.micros), thread_id());
      append_json_escaped(out, message);
      out += "\"}";
    }
    out.push_back('\n');
    held = out.size();
  }
  if (held >= kSelfWrite) {
    state_->write_held();
  } else if (held >= kWakeWriter) {
    {
      std::lock_guard lock(state_->wake_mutex);
      state_->woken = true;
    }
    state_->wake.notify_one();
  }
}

void AccessLog::flush() { state_->write_held(); }

namespace {
std::unique_ptr<AccessLog> installed_log;
std::atomic<AccessLog*> installed{nullptr};
}  // namespace

void AccessLog::install(std::unique_ptr<AccessLog> log) {
  installed.store(log.get());
  installed_log = std::move(log);
}

// The log itself lives on until the process ends: a thread may still be inside write().
void AccessLog::uninstall() {
  if (auto* log = installed.exchange(nullptr)) log->flush();
}

void write_access(const AccessEntry& entry) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  if (auto* log = installed.load(std::memory_order_acquire)) {
    log->write(entry);
    return;
  }
  std::string message;
  append_message(message, entry);
  spdlog::info("{}", message);
}

}  // namespace zusammen::api
