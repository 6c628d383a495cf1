// The access log: one line per answered request, formatted on the request's thread into a buffer
// of that thread's own and written in batches by one writer thread.
//
// spdlog's asynchronous logger costs each line a formatted copy, a queue lock shared by every
// thread and a wake-up of its writer, which writes and flushes each line by itself: about a
// quarter of the throughput of a cheap read. Here a line costs its formatting and an uncontended
// lock; the writer takes every thread's lines at most `flush_every` later (50 ms in
// `zusammen serve`), or as soon as one thread holds 64 KiB, and writes them with one write(2)
// per batch. Lines keep their order per thread; lines of different threads may interleave out
// of time order (each carries its time). Nothing is dropped: a thread whose buffer the writer
// cannot keep up with writes it itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace zusammen::api {

// One answered request.
struct AccessEntry {
  std::string_view method;
  std::string_view route;
  int status = 0;
  std::chrono::microseconds duration{0};
  std::size_t bytes = 0;
  std::string_view request_id;
};

enum class LogFormat { text, json };

// Appends `text` to `out` as the body of a JSON string: quotes, backslashes and control characters
// escaped (the json log format's message).
void append_json_escaped(std::string& out, std::string_view text);

class AccessLog {
 public:
  // Writes to `fd` (not owned) in `format`, taking every thread's lines each `flush_every`.
  AccessLog(int fd, LogFormat format, std::chrono::milliseconds flush_every);
  ~AccessLog();  // writes every line still held
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(const AccessEntry& entry);
  // Writes every line appended so far (by any thread) before it returns.
  void flush();

  // The process's access log, installed by `zusammen serve`. Without one, write_access sends the
  // line through spdlog (the in-process tests' servers).
  static void install(std::unique_ptr<AccessLog> log);
  static void uninstall();  // writes what it holds; later lines go through spdlog

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Logs one answered request at info: through the installed AccessLog, else through spdlog.
void write_access(const AccessEntry& entry);

}  // namespace zusammen::api
