// A fixed set of threads that run tasks in the order they were posted. The server runs every
// request that may wait for the database here, so that Pistache's reactor threads only read
// and write sockets and never wait behind a slow query (no head-of-line blocking).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zusammen::api {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False once stopped: the caller runs the task itself or drops it.
  bool post(std::function<void()> task);
  // Runs what was posted before, then joins the threads. Idempotent.
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace zusammen::api
