// Token buckets with a clock the test drives, addresses and networks, and which
// X-Forwarded-For entry names the client (api/rate_limit.h).
#include "api/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace zusammen::api {
namespace {

using std::chrono::milliseconds;

const RateClock::time_point kStart = RateClock::time_point{} + std::chrono::hours(1);

TEST(TokenBucketsTest, ABurstIsServedThenRefusedWithRetryAfter) {
  TokenBuckets buckets(2, 3);
  for (int i = 0; i < 3; ++i) {
    auto taken = buckets.take("a", kStart);
    ASSERT_TRUE(taken.allowed) << i;
    EXPECT_EQ(taken.limit, 3);
    EXPECT_EQ(taken.remaining, 2 - i);
  }
  auto refused = buckets.take("a", kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after, 1);  // one token back after 0.5 s: rounded up to whole seconds
  EXPECT_EQ(refused.reset, 2);        // three tokens at two per second
}

TEST(TokenBucketsTest, TokensComeBackAtTheRate) {
  TokenBuckets buckets(2, 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(buckets.take("a", kStart).allowed);
  EXPECT_FALSE(buckets.take("a", kStart + milliseconds(499)).allowed);
  EXPECT_TRUE(buckets.take("a", kStart + milliseconds(500)).allowed);
  EXPECT_FALSE(buckets.take("a", kStart + milliseconds(600)).allowed);
  // Never more than the burst, however long the client was away.
  auto later = kStart + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(buckets.take("a", later).allowed);
  EXPECT_FALSE(buckets.take("a", later).allowed);
}

TEST(TokenBucketsTest, ASlowRateAsksForALongerWait) {
  TokenBuckets buckets(1, 1);
  ASSERT_TRUE(buckets.take("a", kStart).allowed);
  auto refused = buckets.take("a", kStart + milliseconds(100));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1);
  TokenBuckets slow(1, 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(slow.take("a", kStart).allowed);
  EXPECT_EQ(slow.take("a", kStart).reset, 5);
}

TEST(TokenBucketsTest, ClientsHaveTheirOwnBuckets) {
  TokenBuckets buckets(1, 2);
  ASSERT_TRUE(buckets.take("a", kStart).allowed);
  ASSERT_TRUE(buckets.take("a", kStart).allowed);
  EXPECT_FALSE(buckets.take("a", kStart).allowed);
  EXPECT_TRUE(buckets.take("b", kStart).allowed);
  EXPECT_EQ(buckets.take("b", kStart).remaining, 0);
}

TEST(TokenBucketsTest, ARefundGivesTheTokenBackUpToTheBurst) {
  TokenBuckets buckets(1, 2);
  ASSERT_TRUE(buckets.take("a", kStart).allowed);
  ASSERT_TRUE(buckets.take("a", kStart).allowed);
  EXPECT_EQ(buckets.refund("a", kStart).remaining, 1);
  EXPECT_TRUE(buckets.take("a", kStart).allowed);
  EXPECT_FALSE(buckets.take("a", kStart).allowed);
  EXPECT_EQ(buckets.refund("a", kStart).remaining, 1);
  EXPECT_EQ(buckets.refund("a", kStart).remaining, 2);
  EXPECT_EQ(buckets.refund("a", kStart).remaining, 2);  // not above the burst
}

TEST(TokenBucketsTest, ZeroPerSecondIsOffAndZeroBurstIsOneSecond) {
  EXPECT_FALSE(TokenBuckets(0, 10).enabled());
  TokenBuckets buckets(4, 0);
  EXPECT_TRUE(buckets.enabled());
  EXPECT_EQ(buckets.burst(), 4);
}

TEST(TokenBucketsTest, MemoryIsBoundedAndIdleBucketsGoFirst) {
  TokenBuckets buckets(1, 2, 64);  // 4 per shard
  for (int i = 0; i < 10000; ++i) buckets.take("client " + std::to_string(i), kStart + milliseconds(i));
  EXPECT_LE(buckets.size(), 64u);

  // When room is needed, the buckets of clients that came long ago (refilled by now) go first.
  TokenBuckets idle(1, 2, 128);  // 8 per shard
  for (int i = 0; i < 1000; ++i) idle.take("early " + std::to_string(i), kStart - std::chrono::minutes(1));
  ASSERT_TRUE(idle.take("busy", kStart).allowed);
  ASSERT_TRUE(idle.take("busy", kStart).allowed);
  for (int i = 0; i < 40; ++i) idle.take("late " + std::to_string(i), kStart + milliseconds(10));
  EXPECT_LE(idle.size(), 128u);
  EXPECT_FALSE(idle.take("busy", kStart + milliseconds(20)).allowed);
}

TEST(TokenBucketsTest, ConcurrentTakersNeverGetMoreThanTheBurst) {
  TokenBuckets buckets(1, 1000);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) allowed += buckets.take("shared", kStart).allowed ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(IpNetworkTest, ParsesAddressesAndNetworks) {
  auto v4 = IpNetwork::parse("10.1.2.3");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->prefix, 32);
  auto net = IpNetwork::parse(" 10.0.0.0/8 ");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->prefix, 8);
  auto v6 = IpNetwork::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0", "10.0.0.0/", "10.0.0.0/x", "localhost", "1.2.3.4/-1",
                          "300.1.1.1", "10.0.0.0/8/8"}) {
    EXPECT_FALSE(IpNetwork::parse(bad)) << bad;
  }
}

TEST(IpNetworkTest, ContainsComparesThePrefixBits) {
  auto net = *IpNetwork::parse("192.168.4.0/22");
  EXPECT_TRUE(net.contains("192.168.4.1"));
  EXPECT_TRUE(net.contains("192.168.7.255"));
  EXPECT_FALSE(net.contains("192.168.8.0"));
  EXPECT_FALSE(net.contains("192.168.3.255"));
  EXPECT_FALSE(net.contains("not an address"));
  EXPECT_FALSE(net.contains("::1"));
  EXPECT_TRUE(IpNetwork::parse("0.0.0.0/0")->contains("8.8.8.8"));
  EXPECT_TRUE(IpNetwork::parse("127.0.0.1")->contains("127.0.0.1"));
  EXPECT_FALSE(IpNetwork::parse("127.0.0.1")->contains("127.0.0.2"));
  EXPECT_TRUE(IpNetwork::parse("2001:db8::/32")->contains("2001:db8:ffff::1"));
  EXPECT_FALSE(IpNetwork::parse("2001:db8::/32")->contains("2001:db9::1"));
  // An IPv4-mapped IPv6 address is the IPv4 address.
  EXPECT_TRUE(net.contains("::ffff:192.168.5.5"));
  EXPECT_TRUE(IpNetwork::parse("::ffff:10.0.0.0/104")->contains("10.9.9.9"));
}

TEST(IpNetworkTest, ParsesCommaSeparatedListsAndNamesTheBadEntry) {
  auto list = parse_networks("10.0.0.0/8, 127.0.0.1 ,,::1");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 3u);
  EXPECT_TRUE(parse_networks("")->empty());
  std::string bad;
  EXPECT_FALSE(parse_networks("10.0.0.0/8, proxy.internal", &bad));
  EXPECT_EQ(bad, "proxy.internal");
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverItForwards) {
  auto proxies = *parse_networks("10.0.0.0/8");
  EXPECT_EQ(client_address("203.0.113.9", std::string("198.51.100.1"), proxies), "203.0.113.9");
  EXPECT_EQ(client_address("203.0.113.9", std::nullopt, proxies), "203.0.113.9");
  EXPECT_EQ(client_address("203.0.113.9", std::string("198.51.100.1"), {}), "203.0.113.9");
}

TEST(ClientAddressTest, ATrustedPeerNamesTheRightMostUntrustedEntry) {
  auto proxies = *parse_networks("10.0.0.0/8, 192.0.2.7");
  // The client may forge entries on the left; the right-most one our proxies did not add is the truth.
  EXPECT_EQ(client_address("10.0.0.5", std::string("6.6.6.6, 198.51.100.1"), proxies), "198.51.100.1");
  EXPECT_EQ(client_address("10.0.0.5", std::string("6.6.6.6, 198.51.100.1, 192.0.2.7, 10.1.1.1"), proxies),
            "198.51.100.1");
  EXPECT_EQ(client_address("10.0.0.5", std::string(" 198.51.100.1:5678 "), proxies), "198.51.100.1");
  EXPECT_EQ(client_address("10.0.0.5", std::string("[2001:db8::1]:443"), proxies), "2001:db8::/64");
  // Only proxies: the left-most; nothing usable: the peer.
  EXPECT_EQ(client_address("10.0.0.5", std::string("10.2.2.2, 10.3.3.3"), proxies), "10.2.2.2");
  EXPECT_EQ(client_address("10.0.0.5", std::string(" , "), proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", std::nullopt, proxies), "10.0.0.5");
}

TEST(ClientAddressTest, IPv6ClientsShareTheirSlash64) {
  EXPECT_EQ(client_address("2001:db8:1:2:aaaa::1", std::nullopt, {}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_address("2001:db8:1:2:bbbb::9", std::nullopt, {}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_address("::ffff:203.0.113.9", std::nullopt, {}), "203.0.113.9");
}

}  // namespace
}  // namespace zusammen::api
