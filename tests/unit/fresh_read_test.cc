// FreshRead: every caller gets a value read after it arrived, and callers that arrive while a
// read runs share the next one.
#include "service/fresh_read.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace zusammen::service {
namespace {

TEST(FreshRead, OneCallerAtATimeReadsEachTime) {
  int reads = 0;
  FreshRead<long long> value([&]() -> Result<long long> { return ++reads; });
  for (long long expected = 1; expected <= 5; ++expected) EXPECT_EQ(*value.get(), expected);
  EXPECT_EQ(value.reads(), 5U);
}

TEST(FreshRead, ConcurrentCallersShareReadsButNeverGetOneThatBeganBeforeThem) {
  std::atomic<long long> clock{0};
  FreshRead<long long> value([&]() -> Result<long long> {
    long long began = ++clock;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return began;
  });
  constexpr int kThreads = 16;
  constexpr int kCalls = 20;
  std::atomic<int> stale{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        long long arrived = clock.load();
        auto got = value.get();
        if (!got.ok() || *got <= arrived) stale.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_LE(value.reads(), static_cast<std::uint64_t>(kThreads * kCalls / 2));
  EXPECT_GE(value.reads(), static_cast<std::uint64_t>(kCalls));
}

TEST(FreshRead, AFailedReadFailsItsCallersAndTheNextCallReadsAgain) {
  bool fail = true;
  FreshRead<long long> value([&]() -> Result<long long> {
    if (fail) return Error::unavailable("database down");
    return 42;
  });
  EXPECT_FALSE(value.get().ok());
  fail = false;
  auto again = value.get();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 42);
}

TEST(FreshRead, AThrowingReadLeavesItUsable) {
  bool raise = true;
  FreshRead<long long> value([&]() -> Result<long long> {
    if (raise) throw std::runtime_error("lost");
    return 7;
  });
  EXPECT_THROW((void)value.get(), std::runtime_error);
  raise = false;
  EXPECT_EQ(*value.get(), 7);
}

}  // namespace
}  // namespace zusammen::service
