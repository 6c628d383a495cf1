#include "service/catalogue.h"

#include <malloc.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "service/changes.h"
#include "service/encoding.h"
#include "service/repositories/company_repository.h"
#include "service/repositories/initiative_repository.h"
#include "service/repositories/sql.h"
#include "service/search_index.h"

namespace zusammen::service {

namespace {
constexpr std::string_view kSpaceWeight("\x02\x09", 2);
}  // namespace

int compare_weights(std::string_view a, std::string_view b) {
  std::size_t common = std::min(a.size(), b.size());
  if (int c = a.substr(0, common).compare(b.substr(0, common)); c != 0) return c < 0 ? -1 : 1;
  if (a.size() == b.size()) return 0;
  // The longer one's first weight that is not a space decides against the shorter's padding.
  bool a_longer = a.size() > b.size();
  std::string_view rest = (a_longer ? a : b).substr(common);
  for (std::size_t at = 0; at + 2 <= rest.size(); at += 2) {
    int c = rest.substr(at, 2).compare(kSpaceWeight);
    if (c != 0) return (c < 0) == a_longer ? -1 : 1;
  }
  return 0;
}

std::string weight_key(std::string_view hex) {
  std::string key = hex_decode(hex).value_or("");
  while (key.size() >= 2 && std::string_view(key).substr(key.size() - 2) == kSpaceWeight) key.resize(key.size() - 2);
  return key;
}

// The sort keys of both kinds: title (an initiative's title, a company's name), the two times,
// and participants (initiatives only).
enum class Key { title, created_at, updated_at, participants };
constexpr std::array<Key, 4> kKeys = {Key::title, Key::created_at, Key::updated_at, Key::participants};
constexpr std::array<Key, 3> kCompanyKeys = {Key::title, Key::created_at, Key::updated_at};

namespace {

std::optional<Key> key_named(const std::string& name) {
  if (name == "title" || name == "name") return Key::title;
  if (name == "created_at") return Key::created_at;
  if (name == "updated_at") return Key::updated_at;
  if (name == "participants") return Key::participants;
  return std::nullopt;
}

// "YYYY-MM-DD HH:MM:SS.ffffff", as CAST(DATETIME(6) AS CHAR) gives it: such texts order as their times.
bool is_canonical_datetime(std::string_view s) {
  if (s.size() != 26) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char expected = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 || i == 16 ? ':' : i == 19 ? '.' : '0';
    if (expected == '0' ? (s[i] < '0' || s[i] > '9') : s[i] != expected) return false;
  }
  return true;
}

// updated_since as timestamp_to_sql spells it ("...SS" or "...SS.f" to 6 digits) in that form.
std::optional<std::string> canonical_since(const std::string& since) {
  std::string out = since;
  if (out.size() == 19) out += ".";
  while (out.size() < 26) out += '0';
  if (!is_canonical_datetime(out)) return std::nullopt;
  return out;
}

}  // namespace

}  // namespace zusammen::service

namespace zusammen::service::catalogue_detail {

using service::Key;

const std::string& text_of(const InitiativeInput& i) { return i.title; }
const std::string& text_of(const CompanyInput& c) { return c.name; }
int number_of(const InitiativeInput& i) { return i.participants; }
int number_of(const CompanyInput&) { return 0; }

// What a row keeps of an item: its writable fields (the rest, id, version and times, beside them).
template <typename Item>
struct InputOf;
template <>
struct InputOf<Initiative> {
  using type = InitiativeInput;
};
template <>
struct InputOf<Company> {
  using type = CompanyInput;
};

// A DATETIME(6) as CAST(x AS CHAR) spells it, "YYYY-MM-DD HH:MM:SS.ffffff" (always 26
// characters: such texts order as their times), kept inline rather than on the heap.
class CastTime {
 public:
  CastTime() = default;
  explicit CastTime(std::string_view text) { text.copy(text_.data(), std::min(text.size(), text_.size())); }
  std::string_view view() const { return {text_.data(), text_.size()}; }
  int compare(const CastTime& other) const { return view().compare(other.view()); }
  // As the API spells it (sql::rfc3339: DATE_FORMAT(x, '%Y-%m-%dT%T') and a Z, the seconds
  // truncated): "YYYY-MM-DDTHH:MM:SSZ".
  std::string rfc3339() const {
    std::string out(view().substr(0, 19));
    out[10] = 'T';
    out.push_back('Z');
    return out;
  }

 private:
  std::array<char, 26> text_{};
};

// A row with the keys its lists order it by, exactly as the list queries compare them.
template <typename Item>
struct Keyed {
  using Input = typename InputOf<Item>::type;
  Input item;
  long long item_id = 0;
  int version = 0;
  std::string weight;  // the text key's (title, name) weight_key
  CastTime created_at;
  CastTime updated_at;
  bool visible = false;  // to anonymous callers

  // The item's times are kept once, as CastTimes (its own created_at and updated_at strings
  // took 64 bytes a row, 1.3 MiB at 20 000 initiatives, even when emptied).
  static Keyed of(Item row, std::string_view title_weight, std::string_view created, std::string_view updated,
                  bool visible) {
    Keyed out;
    out.item_id = row.id;
    out.version = row.version;
    out.item = std::move(static_cast<Input&>(row));
    out.weight = weight_key(title_weight);
    out.created_at = CastTime(created);
    out.updated_at = CastTime(updated);
    out.visible = visible;
    return out;
  }

  long long id() const { return item_id; }
  // The item as the database answers it (its times spelled from the CastTimes).
  Item copy() const {
    Item out;
    static_cast<Input&>(out) = item;
    out.id = item_id;
    out.version = version;
    out.created_at = created_at.rfc3339();
    out.updated_at = updated_at.rfc3339();
    return out;
  }
  // Compared on one key alone; ties are broken by id in ByKey.
  int compare(Key key, const Keyed& other) const {
    switch (key) {
      case Key::title:
        return compare_weights(weight, other.weight);
      case Key::created_at:
        return created_at.compare(other.created_at);
      case Key::updated_at:
        return updated_at.compare(other.updated_at);
      case Key::participants: {
        int a = number_of(item);
        int b = number_of(other.item);
        return a < b ? -1 : a > b ? 1 : 0;
      }
    }
    return 0;
  }
  // The value a cursor carries, as CAST(column AS CHAR) gives it.
  std::string sort_value(Key key) const {
    switch (key) {
      case Key::title:
        return text_of(item);
      case Key::created_at:
        return std::string(created_at.view());
      case Key::updated_at:
        return std::string(updated_at.view());
      case Key::participants:
        return std::to_string(number_of(item));
    }
    return {};
  }
};

// Whether the audience may see the row: anonymous callers only what is visible, keys everything.
template <typename Item>
bool sees(Audience audience, const Keyed<Item>& row) {
  return audience == Audience::internal || row.visible;
}

// (key, id) ascending, as ORDER BY column, id does.
struct ByKey {
  Key key;
  template <typename E>
  bool operator()(const E* a, const E* b) const {
    int c = a->compare(key, *b);
    return c != 0 ? c < 0 : a->id() < b->id();
  }
};

template <typename E>
using Order = std::vector<const E*>;

// One page of an order: the rows after the cursor that match, and the cursor after them.
// Nullopt when the cursor cannot be placed: a text cursor whose row is gone or renamed (only the
// collation can weigh arbitrary text), or a value the database would have to convert.
template <typename E, typename Item, typename Matches>
std::optional<Page<Item>> page_of(std::span<const E* const> order, Key key, const PageRequest& page,
                                  const std::unordered_map<long long, std::unique_ptr<E>>& by_id, Matches matches) {
  E probe;
  if (page.after) {
    const Cursor& cursor = *page.after;
    probe.item_id = cursor.id;
    switch (key) {
      case Key::title: {
        auto it = by_id.find(cursor.id);
        if (it == by_id.end() || text_of(it->second->item) != cursor.value) return std::nullopt;
        probe.weight = it->second->weight;
        break;
      }
      case Key::created_at:
      case Key::updated_at:
        if (!is_canonical_datetime(cursor.value)) return std::nullopt;
        (key == Key::created_at ? probe.created_at : probe.updated_at) = CastTime(cursor.value);
        break;
      case Key::participants: {
        int value = 0;
        const char* end = cursor.value.data() + cursor.value.size();
        auto [ptr, ec] = std::from_chars(cursor.value.data(), end, value);
        if (ec != std::errc{} || ptr != end || std::to_string(value) != cursor.value) return std::nullopt;
        if constexpr (requires { probe.item.participants; }) {
          probe.item.participants = value;
        } else {
          return std::nullopt;  // companies have no such order
        }
        break;
      }
    }
  }
  std::vector<const E*> rows;
  auto wanted = static_cast<std::size_t>(page.limit) + 1;  // one more tells whether a next page exists
  auto collect = [&](auto begin, auto end) {
    for (auto it = begin; it != end && rows.size() < wanted; ++it) {
      if (matches(**it)) rows.push_back(*it);
    }
  };
  ByKey by{key};
  if (!page.sort.descending) {
    collect(page.after ? std::upper_bound(order.begin(), order.end(), &probe, by) : order.begin(), order.end());
  } else {
    auto start = page.after ? std::make_reverse_iterator(std::lower_bound(order.begin(), order.end(), &probe, by))
                            : order.rbegin();
    collect(start, order.rend());
  }
  Page<Item> out;
  if (rows.size() > static_cast<std::size_t>(page.limit)) {
    rows.resize(static_cast<std::size_t>(page.limit));
    out.next_cursor = encode_cursor({page.sort.spelled(), rows.back()->sort_value(key), rows.back()->id()});
  }
  out.items.reserve(rows.size());
  for (const E* row : rows) out.items.push_back(row->copy());
  return out;
}

// The tail of an order in updated_at that holds the rows updated since `since` (canonical): a
// list with updated_since in that order reads only them, from either end, instead of passing
// over every older row (40 ms for a page of the recent ones at 1 000 000 initiatives).
template <typename E>
std::span<const E* const> updated_since(std::span<const E* const> order, const std::string& since) {
  E floor;  // (since, id 0): before every row updated at that very time
  floor.updated_at = CastTime(since);
  auto from = std::lower_bound(order.begin(), order.end(), &floor, ByKey{Key::updated_at});
  return order.subspan(static_cast<std::size_t>(from - order.begin()));
}

template <typename E>
void insert_sorted(Order<E>& order, Key key, const E* entry) {
  order.insert(std::upper_bound(order.begin(), order.end(), entry, ByKey{key}), entry);
}

template <typename E>
void erase_sorted(Order<E>& order, Key key, const E* entry) {
  auto at = std::lower_bound(order.begin(), order.end(), entry, ByKey{key});
  if (at != order.end() && *at == entry) order.erase(at);
}

}  // namespace zusammen::service::catalogue_detail

namespace zusammen::service {

using catalogue_detail::ByKey;
using catalogue_detail::CastTime;
using catalogue_detail::Keyed;
using catalogue_detail::sees;

struct Catalogue::Entry : Keyed<Initiative> {
  // Its place in each order of all initiatives (State::rank): the rows a search finds
  // are put in order by these numbers instead of by comparing their keys again.
  mutable std::array<std::uint32_t, kKeys.size()> rank{};
};
struct Catalogue::CompanyEntry : Keyed<Company> {
  std::optional<std::string> sector_weight;  // weight_key of the sector, which sector = ? compares
};

// Every entry is listed in each sort order (kKeys) of each partition it falls in: all of them,
// its category, its state, its category and state, its company. A list reads the narrowest
// partition its filters name, from the cursor on, so it visits about the rows it returns
// rather than a whole order. Sorted vectors: compact and fast to scan; a write moves pointers.
struct Catalogue::State {
  using Orders = std::array<catalogue_detail::Order<Entry>, kKeys.size()>;
  std::unordered_map<long long, std::unique_ptr<Entry>> initiatives;
  std::unordered_map<std::string, Orders> partitions;
  std::unordered_map<std::string, long long> slugs;  // of the initiatives that have one
  // The active companies, in each order of their lists (a few hundred: no partitions).
  std::unordered_map<long long, std::unique_ptr<CompanyEntry>> companies;
  std::array<catalogue_detail::Order<CompanyEntry>, kCompanyKeys.size()> company_orders;
  // The words of the initiatives (title, summary, description) and of the companies (name,
  // description): the columns of their FULLTEXT indexes. None before the first load.
  std::unique_ptr<SearchIndex> search;
  std::unique_ptr<SearchIndex> company_search;

  static std::vector<std::string_view> texts_of(const InitiativeInput& i) {
    return {i.title, i.summary ? std::string_view(*i.summary) : std::string_view(),
            i.description ? std::string_view(*i.description) : std::string_view()};
  }
  static std::vector<std::string_view> texts_of(const CompanyInput& c) {
    return {c.name, c.description ? std::string_view(*c.description) : std::string_view()};
  }

  static std::vector<std::string> partitions_of(const InitiativeInput& i) {
    std::vector<std::string> out = {"", "c:" + i.category, "o:" + std::to_string(i.company_id)};
    if (i.state) {
      out.push_back("s:" + *i.state);
      out.push_back("cs:" + i.category + "|" + *i.state);
    }
    for (const auto& group : i.page->target_groups) out.push_back("g:" + group);
    for (const auto& language : i.page->languages_offered) out.push_back("l:" + language);
    return out;
  }
  // The partition of the narrowest equality filter: a company's, a target group's, a language's, a
  // category and state's, ...
  const Orders* partition_for(const InitiativeFilter& filter) const {
    std::string name;
    if (filter.company_id) {
      name = "o:" + std::to_string(*filter.company_id);
    } else if (filter.target_group) {
      name = "g:" + *filter.target_group;
    } else if (filter.language_offered) {
      name = "l:" + *filter.language_offered;
    } else if (filter.category && filter.state) {
      name = "cs:" + *filter.category + "|" + *filter.state;
    } else if (filter.category) {
      name = "c:" + *filter.category;
    } else if (filter.state) {
      name = "s:" + *filter.state;
    }
    auto it = partitions.find(name);
    return it == partitions.end() ? nullptr : &it->second;
  }

  void erase(long long id) {
    auto it = initiatives.find(id);
    if (it == initiatives.end()) return;
    const Entry* entry = it->second.get();
    for (const auto& name : partitions_of(entry->item)) {
      auto& orders = partitions[name];
      for (Key key : kKeys) catalogue_detail::erase_sorted(orders[static_cast<std::size_t>(key)], key, entry);
      if (orders.front().empty()) partitions.erase(name);
    }
    if (search) search->remove(id, texts_of(entry->item));
    if (entry->item.slug) slugs.erase(*entry->item.slug);
    initiatives.erase(it);
  }
  // One row, in place (a catch-up).
  void put(initiative_repository::CatalogueRow row) {
    erase(row.initiative.id);
    const Entry* entry = add(std::move(row));
    for (const auto& name : partitions_of(entry->item)) {
      auto& orders = partitions[name];
      for (Key key : kKeys) catalogue_detail::insert_sorted(orders[static_cast<std::size_t>(key)], key, entry);
    }
  }
  // Many rows at once (a load): appended unordered, then sort() orders everything once.
  void append(std::vector<initiative_repository::CatalogueRow> rows) {
    for (auto& row : rows) {
      const Entry* entry = add(std::move(row));
      for (const auto& name : partitions_of(entry->item)) {
        for (auto& order : partitions[name]) order.push_back(entry);
      }
    }
  }
  void sort() {
    for (auto& [name, orders] : partitions) {
      for (Key key : kKeys) {
        auto& order = orders[static_cast<std::size_t>(key)];
        std::sort(order.begin(), order.end(), ByKey{key});
        order.shrink_to_fit();
      }
    }
    if (search) search->compact();
    rank();
  }
  // Numbers every entry's place in the orders of all of them: after a load, and after every
  // catch-up (a write shifts the places after it).
  void rank() {
    auto all = partitions.find("");
    if (all == partitions.end()) return;
    for (std::size_t k = 0; k < kKeys.size(); ++k) {
      const auto& order = all->second[k];
      for (std::size_t at = 0; at < order.size(); ++at) order[at]->rank[k] = static_cast<std::uint32_t>(at);
    }
  }
  // A company's change: it and its initiatives go (put_company and put bring them back, with
  // what anonymous callers may see of them now).
  void erase_company(long long company_id) {
    std::vector<long long> ids;
    if (auto it = partitions.find("o:" + std::to_string(company_id)); it != partitions.end()) {
      for (const Entry* entry : it->second.front()) ids.push_back(entry->id());
    }
    for (long long id : ids) erase(id);
    erase_company_only(company_id);
  }
  // The weights of a sector as the collation compares it, from a company whose sector is this
  // very text; nullopt when none is (the catalogue cannot weigh a text it has not been given).
  std::optional<std::string> sector_weight(const std::string& sector) const {
    for (const auto& [id, entry] : companies) {
      if (entry->item.sector == sector) return entry->sector_weight;
    }
    return std::nullopt;
  }
  void put_company(company_repository::CatalogueRow row) {
    erase_company_only(row.company.id);
    auto entry = std::make_unique<CompanyEntry>(CompanyEntry{
        Keyed<Company>::of(std::move(row.company), row.name_weight, row.created_at, row.updated_at, row.visible),
        std::nullopt});
    if (row.sector_weight) entry->sector_weight = weight_key(*row.sector_weight);
    for (Key key : kCompanyKeys) {
      catalogue_detail::insert_sorted(company_orders[static_cast<std::size_t>(key)], key, entry.get());
    }
    long long id = entry->id();
    if (company_search) company_search->add(id, texts_of(entry->item));
    companies.emplace(id, std::move(entry));
  }

 private:
  void erase_company_only(long long company_id) {
    auto it = companies.find(company_id);
    if (it == companies.end()) return;
    for (Key key : kCompanyKeys) {
      catalogue_detail::erase_sorted(company_orders[static_cast<std::size_t>(key)], key, it->second.get());
    }
    if (company_search) company_search->remove(company_id, texts_of(it->second->item));
    companies.erase(it);
  }
  const Entry* add(initiative_repository::CatalogueRow row) {
    auto entry = std::make_unique<Entry>(Entry{Keyed<Initiative>::of(std::move(row.initiative), row.title_weight,
                                                                     row.created_at, row.updated_at, row.visible)});
    const Entry* out = entry.get();
    long long id = entry->id();
    if (search) search->add(id, texts_of(out->item));
    if (out->item.slug) slugs[*out->item.slug] = id;
    initiatives.emplace(id, std::move(entry));
    return out;
  }
};

void catch_up(Catalogue* catalogue) {
  if (catalogue == nullptr) return;
  if (auto done = catalogue->refresh(); !done.ok()) spdlog::warn("catalogue: {}", done.error().detail);
}

Catalogue::Catalogue(Pool& pool, std::size_t max_initiatives, bool follows_primary)
    : pool_(pool),
      feed_position_([&pool] { return ChangeService(pool).last_sequence(); }),
      max_initiatives_(max_initiatives),
      follows_primary_(follows_primary),
      state_(std::make_unique<State>()) {}

Catalogue::~Catalogue() = default;

Status Catalogue::refresh() {
  std::lock_guard refreshing(refresh_mutex_);
  if (oversized_) return ok_status();
  Status done = loads_.load() == 0 || !serving() ? load() : catch_up();
  if (!done.ok()) {
    if (serving()) spdlog::warn("catalogue: a refresh failed; the database answers until one succeeds");
    serving_.store(false, std::memory_order_release);
    refresh_failures_.fetch_add(1);
  }
  return done;
}

Status Catalogue::reload() {
  std::lock_guard refreshing(refresh_mutex_);
  if (oversized_) return ok_status();
  serving_.store(false, std::memory_order_release);
  Status done = load();
  if (!done.ok()) refresh_failures_.fetch_add(1);
  return done;
}

// The feed's position first, then the rows: what changes in between is applied again by the
// next catch-up, and applying a change twice gives the same state.
Status Catalogue::load() {
  auto position = ChangeService(pool_).last_sequence();
  if (!position.ok()) return position.error();
  // Null when the initiatives are more than the bound.
  auto built = with_session<std::unique_ptr<State>>(pool_, [&](soci::session& sql) -> Result<std::unique_ptr<State>> {
    long long count = initiative_repository::count_all(sql);
    if (count > static_cast<long long>(max_initiatives_)) return std::unique_ptr<State>();
    auto state = std::make_unique<State>();
    auto rules = std::make_shared<const FullTextRules>(sql::fulltext_rules(sql, FullTextRules::word_characters()));
    state->search = std::make_unique<SearchIndex>(rules);
    state->company_search = std::make_unique<SearchIndex>(rules);
    for (long long after = 0;;) {
      auto batch = initiative_repository::catalogue_rows(sql, initiative_repository::RowScope::after_id, {after});
      if (batch.empty()) break;
      after = batch.back().initiative.id;
      state->append(std::move(batch));
    }
    state->sort();
    for (auto& row : company_repository::catalogue_rows(sql, {})) state->put_company(std::move(row));
    return state;
  });
  if (!built.ok()) return built.error();
  if (!*built) {
    oversized_ = true;
    serving_.store(false, std::memory_order_release);
    spdlog::warn(
        "catalogue: more than {} initiatives (ZUSAMMEN_CATALOGUE_MAX_ROWS); the database answers "
        "every read until a restart with a higher bound",
        max_initiatives_);
    return ok_status();
  }
  std::size_t initiatives = (*built)->initiatives.size();
  std::size_t companies = (*built)->companies.size();
  {
    std::unique_lock writing(state_mutex_);
    state_.swap(*built);
  }
  built->reset();  // the state it replaces, if any
  // The load's garbage (rows read in batches, orders and word lists before they were
  // compacted) is free but held by malloc between the rows kept; handing its free pages back
  // takes 4.5 of 64 MiB off the resident size at 20 000 initiatives.
  malloc_trim(0);
  applied_ = *position;
  current_to_ = *position;
  loads_.fetch_add(1);
  serving_.store(true, std::memory_order_release);
  spdlog::info("catalogue: {} initiatives and {} companies loaded at change {}", initiatives, companies,
               applied_.load());
  return ok_status();
}

// Every change to a company or an initiative since applied_, a batch at a time: the rows it
// names are read again and replace what the catalogue held (a company's change can hide or show
// all its initiatives to anonymous callers).
Status Catalogue::catch_up() {
  constexpr int kBatch = 1000;
  ChangeService changes(pool_);
  for (;;) {
    auto page = changes.list(encode_change_cursor(applied_.load()), {"company", "initiative"}, kBatch);
    if (!page.ok()) return page.error();
    if (page->items.empty()) return ok_status();
    std::vector<long long> initiative_ids;
    std::vector<long long> company_ids;
    for (const auto& change : page->items)
      (change.type == "company" ? company_ids : initiative_ids).push_back(change.id);
    struct Fresh {
      std::vector<initiative_repository::CatalogueRow> rows;
      std::vector<company_repository::CatalogueRow> companies;
    };
    auto fresh = with_session<Fresh>(pool_, [&](soci::session& sql) -> Result<Fresh> {
      using initiative_repository::RowScope;
      Fresh out;
      out.rows = initiative_repository::catalogue_rows(sql, RowScope::ids, initiative_ids);
      auto of_companies = initiative_repository::catalogue_rows(sql, RowScope::companies, company_ids);
      std::move(of_companies.begin(), of_companies.end(), std::back_inserter(out.rows));
      if (!company_ids.empty()) out.companies = company_repository::catalogue_rows(sql, company_ids);
      return out;
    });
    if (!fresh.ok()) return fresh.error();
    {
      std::unique_lock writing(state_mutex_);
      for (long long id : initiative_ids) state_->erase(id);
      for (long long id : company_ids) state_->erase_company(id);
      for (auto& row : fresh->rows) state_->put(std::move(row));
      for (auto& company : fresh->companies) state_->put_company(std::move(company));
      state_->rank();
    }
    applied_ = page->items.back().seq;
    if (page->items.size() < static_cast<std::size_t>(kBatch)) return ok_status();
  }
}

bool Catalogue::current_for(Audience audience) {
  if (audience == Audience::public_only) return true;
  if (!follows_primary_ || !serving()) return false;
  auto last = feed_position_.get();
  if (!last.ok()) return false;
  if (*last <= current_to_.load()) return true;
  if (!refresh().ok()) return false;
  // The refresh began after `last` was read: every change up to it is in.
  long long seen = current_to_.load();
  while (seen < *last && !current_to_.compare_exchange_weak(seen, *last)) {
  }
  return serving();
}

template <typename T>
std::optional<T> Catalogue::decline() const {
  declined_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

template <typename Item, typename Entries>
std::optional<std::optional<Item>> Catalogue::find(Entries State::*kind, long long id, Audience audience) {
  if (!current_for(audience)) return decline<std::optional<Item>>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<std::optional<Item>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  const Entries& entries = (*state_).*kind;
  auto it = entries.find(id);
  if (it == entries.end() || !sees(audience, *it->second)) return std::optional<Item>();
  return std::optional<Item>(it->second->copy());
}

std::optional<std::optional<Initiative>> Catalogue::initiative(long long id, Audience audience) {
  return find<Initiative>(&State::initiatives, id, audience);
}

// What a filter selects among the initiatives (the audience's visibility included), made once
// per request under the state's lock.
struct Catalogue::Selection {
  const InitiativeFilter& filter;
  Audience audience;
  std::optional<std::string> since;             // updated_since, canonical
  std::optional<std::vector<long long>> found;  // the ids q finds, ascending
  std::vector<bool> found_bits;                 // the same as one bit each, when ids are dense

  bool was_found(long long id) const {
    if (!found_bits.empty())
      return id < static_cast<long long>(found_bits.size()) && found_bits[static_cast<std::size_t>(id)];
    return std::binary_search(found->begin(), found->end(), id);
  }
  bool matches(const Entry& e) const {
    const InitiativeInput& i = e.item;
    if (!sees(audience, e)) return false;
    if (found && !was_found(e.id())) return false;
    if (filter.company_id && i.company_id != *filter.company_id) return false;
    if (filter.category && i.category != *filter.category) return false;
    if (filter.state && i.state != filter.state) return false;
    if (filter.active_on) {
      if (i.start_date && *i.start_date > *filter.active_on) return false;
      if (i.end_date && *i.end_date < *filter.active_on) return false;
    }
    if (filter.published && i.published != *filter.published) return false;
    if (since && e.updated_at.view() < *since) return false;
    auto has = [](const std::vector<std::string>& values, const std::string& value) {
      return std::find(values.begin(), values.end(), value) != values.end();
    };
    if (filter.target_group && !has(i.page->target_groups, *filter.target_group)) return false;
    if (filter.language_offered && !has(i.page->languages_offered, *filter.language_offered)) return false;
    return true;
  }
};

// A city is compared under the collation (case and accents), which the catalogue cannot weigh; a
// company slug is the service's to resolve; an updated_since must be read as the database reads it.
bool Catalogue::answerable(const InitiativeFilter& filter, Audience audience) {
  if (filter.city || filter.company_slug) return false;
  if (filter.updated_since && !canonical_since(*filter.updated_since)) return false;
  return current_for(audience);
}

std::optional<Catalogue::Selection> Catalogue::select(const InitiativeFilter& filter, Audience audience) const {
  Selection out{filter, audience, std::nullopt, std::nullopt, {}};
  if (filter.updated_since) out.since = canonical_since(*filter.updated_since);
  if (filter.q) {
    if (state_->search) out.found = state_->search->match(*filter.q);
    if (!out.found) return std::nullopt;
    // Ids are dense: a bit map is a few KiB.
    if (!out.found->empty() && out.found->back() < (1LL << 24)) {
      out.found_bits.resize(static_cast<std::size_t>(out.found->back()) + 1);
      for (long long id : *out.found) out.found_bits[static_cast<std::size_t>(id)] = true;
    }
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, long long>>> Catalogue::facet_counts(const InitiativeFilter& filter,
                                                                                      Facet facet, Audience audience) {
  using Counts = std::vector<std::pair<std::string, long long>>;
  if (!answerable(filter, audience)) return decline<Counts>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<Counts>();
  auto selection = select(filter, audience);
  if (!selection) return decline<Counts>();
  std::unordered_map<std::string, long long> counts;
  auto count = [&](const Entry& e) {
    if (!selection->matches(e)) return;
    const InitiativeInput& i = e.item;
    switch (facet) {
      case Facet::category:
        ++counts[i.category];
        break;
      case Facet::state:
        if (i.state) ++counts[*i.state];
        break;
      case Facet::company:
        ++counts[std::to_string(i.company_id)];
        break;
      case Facet::target_group:
        for (const auto& group : i.page->target_groups) ++counts[group];
        break;
      case Facet::language:
        for (const auto& language : i.page->languages_offered) ++counts[language];
        break;
    }
  };
  // The rows q found, or the narrowest partition the filters name.
  if (selection->found) {
    for (long long id : *selection->found) {
      if (auto it = state_->initiatives.find(id); it != state_->initiatives.end()) count(*it->second);
    }
  } else if (const State::Orders* partition = state_->partition_for(filter)) {
    for (const Entry* e : partition->front()) count(*e);
  }
  answered_.fetch_add(1, std::memory_order_relaxed);
  return Counts(counts.begin(), counts.end());
}

std::optional<Page<Initiative>> Catalogue::initiatives(const InitiativeFilter& filter, const PageRequest& page,
                                                       Audience audience) {
  auto key = key_named(page.sort.key.name);
  if (!key || !answerable(filter, audience)) return decline<Page<Initiative>>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<Page<Initiative>>();
  auto selection = select(filter, audience);
  if (!selection) return decline<Page<Initiative>>();
  const auto& found = selection->found;
  const auto& since = selection->since;
  auto matches = [&](const Entry& e) { return selection->matches(e); };
  static const catalogue_detail::Order<Entry> kNone;
  // What anonymous callers cannot see at all is not scanned for: unpublished initiatives, and
  // those of a company that is not active.
  bool hidden = false;
  if (audience == Audience::public_only) {
    if (filter.published && !*filter.published) hidden = true;
    if (filter.company_id) {
      auto company = state_->companies.find(*filter.company_id);
      hidden = hidden || company == state_->companies.end() || !company->second->visible;
    }
  }
  const State::Orders* partition = hidden ? nullptr : state_->partition_for(filter);
  std::span<const Entry* const> order(partition ? (*partition)[static_cast<std::size_t>(*key)] : kNone);
  if (since && *key == Key::updated_at) order = catalogue_detail::updated_since(order, *since);
  std::optional<Page<Initiative>> out;
  // Scanning the order visits about (limit + 1) × order / found rows to fill a page; ordering the
  // found rows costs each of them a lookup. The cheaper one is taken.
  auto wanted = static_cast<std::size_t>(page.limit) + 1;
  if (found && !hidden && found->size() * found->size() < wanted * order.size()) {
    catalogue_detail::Order<Entry> few;
    for (long long id : *found) {
      auto it = state_->initiatives.find(id);
      if (it != state_->initiatives.end() && matches(*it->second)) few.push_back(it->second.get());
    }
    auto k = static_cast<std::size_t>(*key);
    std::sort(few.begin(), few.end(), [k](const Entry* a, const Entry* b) { return a->rank[k] < b->rank[k]; });
    out = catalogue_detail::page_of<Entry, Initiative>(std::span<const Entry* const>(few), *key, page,
                                                       state_->initiatives, matches);
  } else {
    out = catalogue_detail::page_of<Entry, Initiative>(order, *key, page, state_->initiatives, matches);
  }
  if (!out) return decline<Page<Initiative>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  return out;
}

std::optional<Page<Company>> Catalogue::companies(const CompanyFilter& filter, const PageRequest& page,
                                                  Audience audience) {
  auto key = key_named(page.sort.key.name);
  std::optional<std::string> since;
  if (filter.updated_since) since = canonical_since(*filter.updated_since);
  if (!key || *key == Key::participants || (filter.updated_since && !since) || !current_for(audience)) {
    return decline<Page<Company>>();
  }
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<Page<Company>>();
  // sector is free text that the database compares under the collation (case, accents, trailing
  // spaces): equal weights. A sector no company has as this very text is left to the database.
  std::optional<std::string> sector;
  if (filter.sector) {
    sector = state_->sector_weight(*filter.sector);
    if (!sector) return decline<Page<Company>>();
  }
  std::optional<std::vector<long long>> found;  // the ids q finds, ascending
  if (filter.q) {
    if (state_->company_search) found = state_->company_search->match(*filter.q);
    if (!found) return decline<Page<Company>>();
  }
  std::span<const CompanyEntry* const> order(state_->company_orders[static_cast<std::size_t>(*key)]);
  if (since && *key == Key::updated_at) order = catalogue_detail::updated_since(order, *since);
  auto matches = [&](const CompanyEntry& e) {
    if (!sees(audience, e)) return false;
    if (found && !std::binary_search(found->begin(), found->end(), e.id())) return false;
    if (filter.status && e.item.status != *filter.status) return false;
    if (filter.state && e.item.state != filter.state) return false;
    if (sector && (!e.sector_weight || compare_weights(*e.sector_weight, *sector) != 0)) return false;
    if (since && e.updated_at.view() < *since) return false;
    return true;
  };
  auto out = catalogue_detail::page_of<CompanyEntry, Company>(order, *key, page, state_->companies, matches);
  if (!out) return decline<Page<Company>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  return out;
}

std::optional<std::optional<long long>> Catalogue::initiative_slug(const std::string& slug, Audience audience) {
  if (!current_for(audience)) return decline<std::optional<long long>>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<std::optional<long long>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  auto it = state_->slugs.find(slug);
  return it == state_->slugs.end() ? std::optional<long long>() : std::optional<long long>(it->second);
}

std::optional<std::optional<long long>> Catalogue::company_slug(const std::string& slug, Audience audience) {
  if (!current_for(audience)) return decline<std::optional<long long>>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<std::optional<long long>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  for (const auto& [id, entry] : state_->companies) {
    if (entry->item.slug == slug) return std::optional<long long>(id);
  }
  return std::optional<long long>();
}

std::optional<std::optional<Company>> Catalogue::company(long long id, Audience audience) {
  return find<Company>(&State::companies, id, audience);
}

std::optional<std::vector<Company>> Catalogue::companies(const std::vector<long long>& ids, Audience audience) {
  if (!current_for(audience)) return decline<std::vector<Company>>();
  std::shared_lock reading(state_mutex_);
  if (!serving()) return decline<std::vector<Company>>();
  answered_.fetch_add(1, std::memory_order_relaxed);
  std::vector<Company> out;
  std::unordered_set<long long> seen;
  for (long long id : ids) {
    auto it = state_->companies.find(id);
    if (it != state_->companies.end() && sees(audience, *it->second) && seen.insert(id).second) {
      out.push_back(it->second->copy());
    }
  }
  return out;
}

Catalogue::Stats Catalogue::stats() const {
  Stats out;
  {
    std::shared_lock reading(state_mutex_);
    out.initiatives = state_->initiatives.size();
    out.companies = state_->companies.size();
  }
  out.serving = serving();
  out.applied = applied_.load();
  out.answered = answered_.load(std::memory_order_relaxed);
  out.declined = declined_.load(std::memory_order_relaxed);
  out.loads = loads_.load();
  out.refresh_failures = refresh_failures_.load();
  return out;
}

}  // namespace zusammen::service
