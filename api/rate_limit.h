// Rate limits on /v1/: a token bucket per API key and one per anonymous client
// address. A request is charged to its key once the key is authenticated; every
// other request (anonymous, or carrying an unknown or revoked key, so that random
// keys cannot bypass the limit) is charged to the client address. Over the limit
// is a 429 with Retry-After; every charged response carries RateLimit-Limit,
// RateLimit-Remaining, RateLimit-Reset and RateLimit-Policy. A 304 gives its token
// back. Probes, OPTIONS and paths that match no route are never charged.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/http.h"
#include "api/router.h"

namespace zusammen::api {

using RateClock = std::chrono::steady_clock;

// One client's standing after taking (or giving back) a token.
struct RateDecision {
  bool allowed = true;
  int limit = 0;        // the burst: tokens in a full bucket
  int remaining = 0;    // whole tokens left
  int reset = 0;        // seconds until the bucket is full again
  int retry_after = 0;  // when refused: seconds until one token is back (at least 1)
};

// Token buckets by client id: `burst` tokens, refilled at `per_second`. Thread-safe;
// memory is bounded by max_buckets (buckets that have refilled completely are
// forgotten first: they are no different from a new one). Time is passed in, so
// tests can drive it.
class TokenBuckets {
 public:
  TokenBuckets(int per_second, int burst, std::size_t max_buckets = 100000);

  bool enabled() const { return per_second_ > 0; }
  RateDecision take(const std::string& client, RateClock::time_point now);
  // Gives back the token of a request that turned out not to cost anything (a 304).
  RateDecision refund(const std::string& client, RateClock::time_point now);
  std::size_t size() const;
  int burst() const { return burst_; }
  int per_second() const { return per_second_; }

 private:
  struct Bucket {
    double tokens;
    RateClock::time_point updated;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_of(const std::string& client);
  void refill(Bucket& bucket, RateClock::time_point now) const;
  RateDecision decision(const Bucket& bucket, bool allowed) const;
  void make_room(Shard& shard, RateClock::time_point now) const;

  int per_second_;
  int burst_;
  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

// An IPv4 or IPv6 address ("10.1.2.3", "2001:db8::1") or network ("10.0.0.0/8").
// IPv4-mapped IPv6 addresses count as IPv4.
struct IpNetwork {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;
  int prefix = 0;  // leading bits that must match

  static std::optional<IpNetwork> parse(std::string_view text);
  bool contains(std::string_view address) const;
};

// A comma-separated list of addresses and networks; nullopt names the bad entry in error.
std::optional<std::vector<IpNetwork>> parse_networks(std::string_view text, std::string* error = nullptr);

// The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most
// X-Forwarded-For entry that is not itself a trusted proxy (the left-most when all are).
// IPv6 clients are grouped by their /64, which one subscriber usually has to itself.
std::string client_address(std::string_view peer, const std::optional<std::string>& forwarded_for,
                           const std::vector<IpNetwork>& trusted_proxies);

struct RateLimitOptions {
  // Requests per second and bucket size per anonymous client address and per API key; 0 per second: no limit.
  // A burst of 0 is one second's worth.
  int anonymous_per_second = 0;
  int anonymous_burst = 0;
  int key_per_second = 0;
  int key_burst = 0;
  // Comma-separated addresses or networks whose X-Forwarded-For is believed (validated by the config).
  std::string trusted_proxies;
};

// Which bucket a request was charged to, for the response's headers and the 304 refund.
struct RateCharge {
  TokenBuckets* buckets = nullptr;  // none: not charged
  std::string client;
  RateDecision decision;
};

class RateLimiter {
 public:
  explicit RateLimiter(const RateLimitOptions& options);

  // Charges the request to the principal's key, or to the client address when there is none;
  // the 429 to send when that bucket is empty.
  std::optional<HttpResponse> admit(const HttpRequest& request, const Principal& principal, RateCharge& charge);
  // Gives the token of a request back that is answered elsewhere after all (charged again there).
  void refund(RateCharge& charge);
  // Gives a 304's token back and adds the RateLimit-* headers of a charged request.
  void settle(RateCharge& charge, HttpResponse& response);

 private:
  TokenBuckets anonymous_;
  TokenBuckets keys_;
  std::vector<IpNetwork> trusted_proxies_;
};

}  // namespace zusammen::api
