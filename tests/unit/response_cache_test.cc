// The response cache on its own: bounds, refresh tickets, single-flight and invalidation.
#include "api/response_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace zusammen::api {
namespace {

using namespace std::chrono_literals;

HttpResponse ok(std::string body) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

// Fills key through a claim, as App does on a miss.
void fill(ResponseCache& cache, const std::string& key, const std::string& body) {
  auto claim = cache.claim(key, 0ms);
  ASSERT_TRUE(claim.ticket);
  cache.complete(claim.ticket, ok(body), "/r");
}

TEST(ResponseCache, AFilledEntryIsFound) {
  ResponseCache cache(10s, 10);
  EXPECT_FALSE(cache.find("a"));
  fill(cache, "a", "A");
  auto hit = cache.find("a");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response->body, "A");
  EXPECT_EQ(hit->route, "/r");
  EXPECT_FALSE(hit->refresh);
}

TEST(ResponseCache, OnlyOkAnswersAreStored) {
  ResponseCache cache(10s, 10);
  auto claim = cache.claim("a", 0ms);
  HttpResponse missing = ok("{}");
  missing.status = 404;
  cache.complete(claim.ticket, missing, "/r");
  EXPECT_FALSE(cache.find("a"));
}

TEST(ResponseCache, TheOldestEntriesGoFirstPastTheEntryBound) {
  ResponseCache cache(10s, 2);
  fill(cache, "a", "A");
  fill(cache, "b", "B");
  fill(cache, "c", "C");
  EXPECT_FALSE(cache.find("a"));
  EXPECT_TRUE(cache.find("b"));
  EXPECT_TRUE(cache.find("c"));
}

TEST(ResponseCache, TheOldestEntriesGoFirstPastTheByteBound) {
  // Room for about two bodies of 4 KiB (each entry also counts its key, route and overhead).
  ResponseCache cache(10s, 100, 0ms, 9000);
  fill(cache, "a", std::string(4000, 'a'));
  fill(cache, "b", std::string(4000, 'b'));
  fill(cache, "c", std::string(4000, 'c'));
  EXPECT_FALSE(cache.find("a"));
  EXPECT_TRUE(cache.find("b"));
  EXPECT_TRUE(cache.find("c"));
  // A body larger than the whole cache is not kept, and evicts nothing.
  fill(cache, "huge", std::string(20000, 'h'));
  EXPECT_FALSE(cache.find("huge"));
  EXPECT_TRUE(cache.find("c"));
  EXPECT_NE(cache.render_metrics().find("zusammen_cache_evictions_total 1\n"), std::string::npos);
}

TEST(ResponseCache, ExpiredEntriesAreNotServed) {
  ResponseCache cache(50ms, 10);
  fill(cache, "a", "A");
  std::this_thread::sleep_for(60ms);
  EXPECT_FALSE(cache.find("a"));
}

TEST(ResponseCache, PastHalfItsTtlOneReaderIsAskedToRefresh) {
  ResponseCache cache(200ms, 10);
  fill(cache, "a", "old");
  EXPECT_FALSE(cache.find("a")->refresh);
  std::this_thread::sleep_for(120ms);
  auto first = cache.find("a");
  auto second = cache.find("a");
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->refresh);
  EXPECT_FALSE(second->refresh) << "only one refresh at a time";
  cache.complete(first->refresh, ok("new"), "/r");
  auto after = cache.find("a");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->response->body, "new");
  EXPECT_FALSE(after->refresh) << "the refreshed entry is young again";
}

TEST(ResponseCache, StaleEntriesAreServedOnlyWithinTheGrace) {
  ResponseCache cache(50ms, 10, 100ms);
  fill(cache, "a", "A");
  std::this_thread::sleep_for(70ms);
  EXPECT_TRUE(cache.find("a"));
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(cache.find("a"));
}

TEST(ResponseCache, AFillThatBeganBeforeAWriteIsNotStored) {
  ResponseCache cache(10s, 10);
  auto claim = cache.claim("a", 0ms);
  cache.invalidate();
  cache.complete(claim.ticket, ok("read before the write"), "/r");
  EXPECT_FALSE(cache.find("a"));
}

TEST(ResponseCache, ConcurrentMissesShareOneFill) {
  ResponseCache cache(10s, 10);
  auto claim = cache.claim("a", 0ms);
  ASSERT_TRUE(claim.ticket);
  std::vector<std::string> seen(4);
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&, i] {
      auto waited = cache.claim("a", 5s);
      seen[i] = waited.ticket ? "ticket" : waited.shared ? waited.shared->response->body : "nothing";
    });
  }
  std::this_thread::sleep_for(50ms);
  cache.complete(claim.ticket, ok("filled once"), "/r");
  for (auto& t : waiters) t.join();
  for (const auto& s : seen) EXPECT_EQ(s, "filled once");
  auto metrics = cache.render_metrics();
  EXPECT_NE(metrics.find("zusammen_cache_lookups_total{result=\"miss\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("zusammen_cache_lookups_total{result=\"coalesced\"} 4\n"), std::string::npos) << metrics;
}

TEST(ResponseCache, WaitersOfAFailedFillGetNothingAndAskThemselves) {
  ResponseCache cache(10s, 10);
  auto claim = cache.claim("a", 0ms);
  std::thread waiter([&] {
    auto waited = cache.claim("a", 5s);
    EXPECT_FALSE(waited.ticket);
    EXPECT_FALSE(waited.shared);
  });
  std::this_thread::sleep_for(50ms);
  HttpResponse failed = ok("{}");
  failed.status = 503;
  cache.complete(claim.ticket, failed, "/r");
  waiter.join();
}

}  // namespace
}  // namespace zusammen::api
