#include "api/rate_limit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "api/problem.h"

namespace zusammen::api {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    auto comma = text.find(',');
    auto part = trim(text.substr(0, comma));
    if (!part.empty()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

int whole_seconds_up(double seconds) { return static_cast<int>(std::ceil(seconds - 1e-9)); }

// "[2001:db8::1]:443" and "10.1.2.3:5678" (an address with a port, as some proxies write it): the address.
std::string_view without_port(std::string_view entry) {
  if (entry.size() > 1 && entry.front() == '[') {
    auto close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    return entry.substr(0, colon);
  }
  return entry;
}

bool trusted(const std::vector<IpNetwork>& networks, std::string_view address) {
  return std::any_of(networks.begin(), networks.end(), [&](const IpNetwork& n) { return n.contains(address); });
}

// The bucket name of an address: IPv4 as it is, IPv6 by its /64.
std::string canonical(std::string_view address) {
  auto parsed = IpNetwork::parse(address);
  if (!parsed) return std::string(address.substr(0, 64));  // what a trusted proxy said, whatever it is
  char text[INET6_ADDRSTRLEN] = {};
  if (!parsed->v6) {
    inet_ntop(AF_INET, parsed->bytes.data(), text, sizeof text);
    return text;
  }
  std::array<std::uint8_t, 16> network{};
  std::copy_n(parsed->bytes.begin(), 8, network.begin());
  inet_ntop(AF_INET6, network.data(), text, sizeof text);
  return std::string(text) + "/64";
}

}  // namespace

// ---------------------------------------------------------------- buckets --

TokenBuckets::TokenBuckets(int per_second, int burst, std::size_t max_buckets)
    : per_second_(std::max(per_second, 0)),
      burst_(burst > 0 ? burst : std::max(per_second, 1)),
      max_per_shard_(std::max<std::size_t>(max_buckets / kShards, 1)) {}

TokenBuckets::Shard& TokenBuckets::shard_of(const std::string& client) {
  return shards_[std::hash<std::string>{}(client) % kShards];
}

void TokenBuckets::refill(Bucket& bucket, RateClock::time_point now) const {
  if (now <= bucket.updated) return;
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(static_cast<double>(burst_), bucket.tokens + elapsed * per_second_);
  bucket.updated = now;
}

RateDecision TokenBuckets::decision(const Bucket& bucket, bool allowed) const {
  RateDecision out;
  out.allowed = allowed;
  out.limit = burst_;
  out.remaining = static_cast<int>(std::floor(bucket.tokens + 1e-9));
  out.reset = whole_seconds_up((burst_ - bucket.tokens) / per_second_);
  if (!allowed) out.retry_after = std::max(1, whole_seconds_up((1.0 - bucket.tokens) / per_second_));
  return out;
}

// A full shard first forgets the buckets that have refilled completely; when every bucket is
// still in use (many clients at once), the least recently used eighth goes: those clients get a
// fresh bucket, which errs on the side of serving them.
void TokenBuckets::make_room(Shard& shard, RateClock::time_point now) const {
  if (shard.buckets.size() < max_per_shard_) return;
  std::erase_if(shard.buckets, [&](const auto& entry) {
    double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
  if (shard.buckets.size() < max_per_shard_) return;
  std::vector<RateClock::time_point> ages;
  ages.reserve(shard.buckets.size());
  for (const auto& [client, bucket] : shard.buckets) ages.push_back(bucket.updated);
  std::size_t drop = std::max<std::size_t>(shard.buckets.size() / 8, 1);
  std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(drop - 1), ages.end());
  auto cutoff = ages[drop - 1];
  std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.updated <= cutoff; });
}

RateDecision TokenBuckets::take(const std::string& client, RateClock::time_point now) {
  Shard& shard = shard_of(client);
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(client);
  if (it == shard.buckets.end()) {
    make_room(shard, now);
    it = shard.buckets.emplace(client, Bucket{static_cast<double>(burst_), now}).first;
  }
  Bucket& bucket = it->second;
  refill(bucket, now);
  if (bucket.tokens < 1.0) return decision(bucket, false);
  bucket.tokens -= 1.0;
  return decision(bucket, true);
}

RateDecision TokenBuckets::refund(const std::string& client, RateClock::time_point now) {
  Shard& shard = shard_of(client);
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(client);
  if (it == shard.buckets.end()) return decision(Bucket{static_cast<double>(burst_), now}, true);
  refill(it->second, now);
  it->second.tokens = std::min(static_cast<double>(burst_), it->second.tokens + 1.0);
  return decision(it->second, true);
}

std::size_t TokenBuckets::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

// -------------------------------------------------------------- addresses --

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  text = trim(text);
  std::optional<int> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    prefix = std::stoi(std::string(digits));
    text = text.substr(0, slash);
  }
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string address(text);
  IpNetwork out;
  if (inet_pton(AF_INET, address.c_str(), out.bytes.data()) == 1) {
    out.prefix = prefix.value_or(32);
    if (out.prefix > 32) return std::nullopt;
    return out;
  }
  if (inet_pton(AF_INET6, address.c_str(), out.bytes.data()) != 1) return std::nullopt;
  out.v6 = true;
  out.prefix = prefix.value_or(128);
  if (out.prefix > 128) return std::nullopt;
  constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), out.bytes.begin()) && out.prefix >= 96) {
    std::array<std::uint8_t, 16> v4{};
    std::copy_n(out.bytes.begin() + 12, 4, v4.begin());
    out.bytes = v4;
    out.v6 = false;
    out.prefix -= 96;
  }
  return out;
}

bool IpNetwork::contains(std::string_view address) const {
  auto other = parse(address);
  if (!other || other->v6 != v6) return false;
  int full_bytes = prefix / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + full_bytes, other->bytes.begin())) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes[full_bytes] & mask) == (other->bytes[full_bytes] & mask);
}

std::optional<std::vector<IpNetwork>> parse_networks(std::string_view text, std::string* error) {
  std::vector<IpNetwork> out;
  for (auto entry : split_commas(text)) {
    auto network = IpNetwork::parse(entry);
    if (!network) {
      if (error != nullptr) *error = std::string(entry);
      return std::nullopt;
    }
    out.push_back(*network);
  }
  return out;
}

std::string client_address(std::string_view peer, const std::optional<std::string>& forwarded_for,
                           const std::vector<IpNetwork>& trusted_proxies) {
  if (!forwarded_for || !trusted(trusted_proxies, peer)) return canonical(peer);
  auto entries = split_commas(*forwarded_for);
  if (entries.empty()) return canonical(peer);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto address = without_port(*it);
    if (!trusted(trusted_proxies, address)) return canonical(address);
  }
  return canonical(without_port(entries.front()));
}

// ---------------------------------------------------------------- limiter --

RateLimiter::RateLimiter(const RateLimitOptions& options)
    : anonymous_(options.anonymous_per_second, options.anonymous_burst),
      keys_(options.key_per_second, options.key_burst),
      trusted_proxies_(parse_networks(options.trusted_proxies).value_or(std::vector<IpNetwork>{})) {}

std::optional<HttpResponse> RateLimiter::admit(const HttpRequest& request, const Principal& principal,
                                               RateCharge& charge) {
  if (principal.key) {
    if (!keys_.enabled()) return std::nullopt;
    charge.buckets = &keys_;
    charge.client = "key " + std::to_string(principal.key->id);
  } else {
    if (!anonymous_.enabled()) return std::nullopt;
    charge.buckets = &anonymous_;
    charge.client = client_address(request.client_address, request.header("x-forwarded-for"), trusted_proxies_);
  }
  charge.decision = charge.buckets->take(charge.client, RateClock::now());
  if (charge.decision.allowed) return std::nullopt;
  std::string who = principal.key ? "this API key" : "this client address";
  return problem(429, "Too many requests from " + who + ": at most " + std::to_string(charge.buckets->burst()) +
                          " at once and " + std::to_string(charge.buckets->per_second()) + " per second. Retry in " +
                          std::to_string(charge.decision.retry_after) + " s.")
      .with_header("Retry-After", std::to_string(charge.decision.retry_after));
}

void RateLimiter::refund(RateCharge& charge) {
  if (charge.buckets != nullptr && charge.decision.allowed) charge.buckets->refund(charge.client, RateClock::now());
  charge.buckets = nullptr;
}

void RateLimiter::settle(RateCharge& charge, HttpResponse& response) {
  if (charge.buckets == nullptr) return;
  if (response.status == 304) charge.decision = charge.buckets->refund(charge.client, RateClock::now());
  const RateDecision& d = charge.decision;
  int window = whole_seconds_up(static_cast<double>(charge.buckets->burst()) / charge.buckets->per_second());
  response.with_header("RateLimit-Limit", std::to_string(d.limit))
      .with_header("RateLimit-Remaining", std::to_string(d.remaining))
      .with_header("RateLimit-Reset", std::to_string(d.reset))
      .with_header("RateLimit-Policy", std::to_string(d.limit) + ";w=" + std::to_string(window));
}

}  // namespace zusammen::api
