// The catalogue in memory: every initiative and company, each marked with whether anonymous
// callers may see it, loaded once and kept current by the change feed, so that the partner
// websites' reads and the internal dashboards' (by id, lists in every order and filter,
// searches (q) included, include=company, and the companies' lists) need no
// database round trip for their rows.
//
// It answers exactly what the database would: the same rows, the same order (titles compare
// by the collation's own sort keys, WEIGHT_STRING), the same cursors, which both sides accept.
// Where it cannot be sure it declines and the database answers: before the first load, after
// a refresh failed (until one succeeds), above its size bound, for a q with a character its
// search index does not know (service/search_index.h), for a city (compared under the collation),
// for a cursor whose row it cannot
// place, and for a company sector no company has as that very text (it cannot weigh a new
// text). tests/integration/catalogue_test.cc compares both on every shape.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/companies.h"
#include "service/database.h"
#include "service/fresh_read.h"
#include "service/initiatives.h"
#include "service/model/listing.h"
#include "service/status.h"

namespace zusammen::service {

class Catalogue {
 public:
  // Above max_initiatives initiatives the catalogue stays off (a memory bound: about
  // 2.3 KiB each with the benchmark's texts, words included); the database answers everything then.
  // pool is the one it loads and follows; follows_primary says whether that is the primary's:
  // only then does it answer keyed callers, who read their own writes from the primary.
  Catalogue(Pool& pool, std::size_t max_initiatives, bool follows_primary = true);
  ~Catalogue();
  Catalogue(const Catalogue&) = delete;
  Catalogue& operator=(const Catalogue&) = delete;

  // Loads everything the first time, then applies the change feed since the last call. One
  // refresh runs at a time. Called by the App's change watcher, and by the services after
  // every write of this process, before it is answered (read-your-writes). A failure leaves
  // the catalogue declining until a refresh succeeds.
  Status refresh();
  // Loads everything again (the change feed went backwards: a restore, or a test's truncation).
  Status reload();

  // nullopt: the catalogue cannot answer, ask the database. Otherwise the answer, as the
  // audience may see it (anonymous callers: published initiatives of active companies, active
  // companies): an initiative or company that is not there does not exist for the audience.
  //
  // Anonymous answers are as current as the last refresh (the App's watch keeps it within its
  // interval). A keyed (internal) answer is as current as the database: the catalogue first
  // asks the change feed's last sequence number (one primary-key read, shared by the keyed
  // reads that arrived while the one before it ran: FreshRead) and catches up if a change of
  // any process has committed since; it declines when it follows a replica.
  std::optional<std::optional<Initiative>> initiative(long long id, Audience audience);
  std::optional<Page<Initiative>> initiatives(const InitiativeFilter& filter, const PageRequest& page,
                                              Audience audience);
  // ?facets=: how many initiatives the filter selects per value of the facet (company: its id).
  std::optional<std::vector<std::pair<std::string, long long>>> facet_counts(const InitiativeFilter& filter,
                                                                             Facet facet, Audience audience);
  std::optional<std::optional<Company>> company(long long id, Audience audience);
  // The id of the initiative or company with this slug (nullopt inside: none has it), whether or
  // not the audience may see it.
  std::optional<std::optional<long long>> initiative_slug(const std::string& slug, Audience audience);
  std::optional<std::optional<long long>> company_slug(const std::string& slug, Audience audience);
  // The companies among ids the audience may see (absent ones left out, each once).
  std::optional<std::vector<Company>> companies(const std::vector<long long>& ids, Audience audience);
  // A page of the companies list (every filter and sort; a sector only when some company has
  // that very text, whose weights then say which sectors the collation finds equal).
  std::optional<Page<Company>> companies(const CompanyFilter& filter, const PageRequest& page, Audience audience);

  // True while it answers (loaded, current, within its bound).
  bool serving() const { return serving_.load(std::memory_order_acquire); }

  struct Stats {
    bool serving = false;
    std::size_t initiatives = 0;
    std::size_t companies = 0;
    long long applied = 0;  // the change feed's sequence number the catalogue is current with
    std::uint64_t answered = 0;
    std::uint64_t declined = 0;
    std::uint64_t loads = 0;
    std::uint64_t refresh_failures = 0;
  };
  Stats stats() const;

 private:
  struct Entry;
  struct CompanyEntry;
  struct State;
  struct Selection;
  // Whether the filter is one the catalogue can answer for the audience now.
  bool answerable(const InitiativeFilter& filter, Audience audience);
  // What the filter selects; nullopt when it cannot tell (a q it cannot search). Under the lock.
  std::optional<Selection> select(const InitiativeFilter& filter, Audience audience) const;
  Status load();
  Status catch_up();
  template <typename T>
  std::optional<T> decline() const;
  // By id, in one kind of entry of the state (read under the lock: a load replaces the state).
  template <typename Item, typename Entries>
  std::optional<std::optional<Item>> find(Entries State::*kind, long long id, Audience audience);
  // Whether it may answer the audience now (for keys: after catching up with the primary).
  bool current_for(Audience audience);

  Pool& pool_;
  // The change feed's last sequence number for keyed reads: concurrent ones share a read.
  FreshRead<long long> feed_position_;
  std::size_t max_initiatives_;
  bool follows_primary_;
  std::mutex refresh_mutex_;  // one refresh at a time; taken before state_mutex_
  mutable std::shared_mutex state_mutex_;
  std::unique_ptr<State> state_;
  std::atomic<long long> applied_{0};  // written under refresh_mutex_
  // The feed's last sequence number when a refresh began that then succeeded: every change up
  // to it is in the catalogue.
  std::atomic<long long> current_to_{0};
  bool oversized_ = false;
  std::atomic<bool> serving_{false};
  mutable std::atomic<std::uint64_t> answered_{0};
  mutable std::atomic<std::uint64_t> declined_{0};
  std::atomic<std::uint64_t> loads_{0};
  std::atomic<std::uint64_t> refresh_failures_{0};
};

// After a write of this process has committed: the catalogue, if any, takes it in before the
// write is answered. A failure is logged and leaves the catalogue declining (see refresh).
void catch_up(Catalogue* catalogue);

// The sort key of a text from HEX(WEIGHT_STRING(x)) of utf8mb4_unicode_ci: its weights as bytes
// (two per weight), trailing space weights dropped ("a" and "a  " are equal under PAD SPACE).
std::string weight_key(std::string_view hex);
// Two weight_keys compared as the collation's PAD SPACE comparison does: the shorter key goes on
// with the space's weight, 0x0209. <0, 0, >0 like memcmp.
int compare_weights(std::string_view a, std::string_view b);

}  // namespace zusammen::service
