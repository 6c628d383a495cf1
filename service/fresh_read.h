// A value many callers need as it is at some moment after they asked (the change feed's last
// sequence number, which every keyed read of the catalogue checks first): a caller joins the
// next read that begins after it arrived, so that one read answers everyone who asked while the
// one before it was under way, instead of a read each. What a caller gets is never older than its
// own arrival: read-your-writes holds for whoever committed before asking.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "service/status.h"

namespace zusammen::service {

template <typename T>
class FreshRead {
 public:
  explicit FreshRead(std::function<Result<T>()> read) : read_(std::move(read)) {}

  Result<T> get() {
    std::unique_lock lock(mutex_);
    const std::uint64_t needed = started_ + 1;  // the first read to begin from now on
    while (finished_ < needed) {
      if (reading_) {
        done_.wait(lock);
        continue;
      }
      reading_ = true;
      const std::uint64_t mine = ++started_;
      lock.unlock();
      std::optional<Result<T>> value;
      try {
        value.emplace(read_());
      } catch (...) {
        lock.lock();
        reading_ = false;
        done_.notify_all();
        throw;
      }
      lock.lock();
      last_ = std::move(value);
      finished_ = mine;
      reading_ = false;
      done_.notify_all();
    }
    return *last_;
  }

  // How many reads ran (for tests and metrics).
  std::uint64_t reads() const {
    std::lock_guard lock(mutex_);
    return finished_;
  }

 private:
  std::function<Result<T>()> read_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t started_ = 0;
  std::uint64_t finished_ = 0;
  bool reading_ = false;
  std::optional<Result<T>> last_;
};

}  // namespace zusammen::service
