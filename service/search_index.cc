#include "service/search_index.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "service/encoding.h"

namespace zusammen::service {

namespace {

bool ascii_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

struct Range {
  char32_t first;
  char32_t last;
};

// Letters and digits beyond ASCII whose classification as word characters has been checked
// against MariaDB (catalogue_test: every one of them, in a FULLTEXT index).
constexpr Range kWordRanges[] = {
    {0x00B5, 0x00B5},                                      // µ
    {0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x024F},  // Latin-1 letters, Latin Extended-A and -B
    {0x0386, 0x0386}, {0x0388, 0x038A}, {0x038C, 0x038C}, {0x038E, 0x03A1}, {0x03A3, 0x03CE},  // Greek
    {0x0400, 0x0481}, {0x048A, 0x0513},  // Cyrillic (as MariaDB's Unicode data has it)
    {0x0621, 0x063A}, {0x0640, 0x064A}, {0x0660, 0x0669}, {0x066E, 0x066F}, {0x0671, 0x06D3},  // Arabic letters, digits
    {0x06D5, 0x06D5}, {0x06EE, 0x06FC}, {0x06FF, 0x06FF},
};

// Separators beyond ASCII: spaces, punctuation and symbols, checked the same way.
constexpr Range kSeparatorRanges[] = {
    {0x00A0, 0x00A9},
    {0x00AB, 0x00B1},
    {0x00B4, 0x00B4},
    {0x00B6, 0x00B8},
    {0x00BB, 0x00BB},
    {0x00BF, 0x00BF},
    {0x00D7, 0x00D7},
    {0x00F7, 0x00F7},  // Latin-1: « » § ° · ¿ × ÷ ...
    {0x2010, 0x2027},
    {0x2030, 0x205E},  // dashes, quotes „ “ ‚ ‘, …, bullets
    {0x20A0, 0x20BF},  // currency signs, €
    {0x2190, 0x23FF},
    {0x25A0, 0x26FF},
    {0x2700, 0x2767},  // arrows, mathematical and technical signs, shapes,
                       // dingbats
    {0x1F300, 0x1F5FF},
    {0x1F600, 0x1F64F},
    {0x1F680, 0x1F6FF},
    {0x1F900, 0x1F9FF},  // emoji
    {0x060C, 0x060C},
    {0x061B, 0x061B},
    {0x061F, 0x061F},
    {0x066A, 0x066D},  // Arabic punctuation
};

template <std::size_t N>
bool in(const Range (&ranges)[N], char32_t c) {
  return std::any_of(std::begin(ranges), std::end(ranges), [c](Range r) { return c >= r.first && c <= r.last; });
}

}  // namespace

std::vector<std::string> search_words(std::string_view q) {
  std::vector<std::string> out;
  std::string word;
  for (char c : q) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80 || ascii_word_byte(b)) {
      word.push_back(c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::vector<char32_t> FullTextRules::word_characters() {
  std::vector<char32_t> out;
  for (char32_t c = 0; c < 0x80; ++c) {
    if (ascii_word_byte(static_cast<unsigned char>(c))) out.push_back(c);
  }
  for (Range r : kWordRanges) {
    for (char32_t c = r.first; c <= r.last; ++c) out.push_back(c);
  }
  return out;
}

bool FullTextRules::separator(char32_t c) {
  if (c < 0x80) return !ascii_word_byte(static_cast<unsigned char>(c));
  return in(kSeparatorRanges, c);
}

SearchIndex::SearchIndex(std::shared_ptr<const FullTextRules> rules) : rules_(std::move(rules)) {}

std::optional<std::vector<std::string>> SearchIndex::tokens_of(const std::vector<std::string_view>& texts) const {
  std::vector<std::string> out;
  std::string token;
  std::size_t characters = 0;
  auto end_token = [&] {
    if (characters >= rules_->min_token && characters <= rules_->max_token) out.push_back(token);
    token.clear();
    characters = 0;
  };
  for (std::string_view text : texts) {
    for (std::size_t at = 0; at < text.size();) {
      auto c = next_code_point(text, at);
      if (!c) return std::nullopt;
      if (auto weight = rules_->weights.find(*c); weight != rules_->weights.end()) {
        token += weight->second;
        ++characters;
      } else if (FullTextRules::separator(*c)) {
        end_token();
      } else {
        return std::nullopt;
      }
    }
    end_token();
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void SearchIndex::add(long long id, const std::vector<std::string_view>& texts) {
  auto tokens = tokens_of(texts);
  if (!tokens || id < 0 || id > static_cast<long long>(UINT32_MAX)) {
    unsure_.insert(id);
    return;
  }
  auto small = static_cast<std::uint32_t>(id);
  for (auto& token : *tokens) {
    auto& ids = postings_[std::move(token)];
    ids.insert(std::upper_bound(ids.begin(), ids.end(), small), small);
  }
}

void SearchIndex::compact() {
  for (auto& [token, ids] : postings_) ids.shrink_to_fit();
}

void SearchIndex::remove(long long id, const std::vector<std::string_view>& texts) {
  if (unsure_.erase(id) > 0) return;
  auto tokens = tokens_of(texts);
  if (!tokens) return;
  for (const auto& token : *tokens) {
    auto it = postings_.find(token);
    if (it == postings_.end()) continue;
    auto& ids = it->second;
    auto at = std::lower_bound(ids.begin(), ids.end(), static_cast<std::uint32_t>(id));
    if (at != ids.end() && *at == id) ids.erase(at);
    if (ids.empty()) postings_.erase(it);
  }
}

std::optional<std::vector<long long>> SearchIndex::match(std::string_view q) const {
  if (rules_->stopwords || !unsure_.empty()) return std::nullopt;
  auto words = search_words(q);
  if (words.empty()) return std::nullopt;
  std::optional<std::vector<long long>> out;
  for (const auto& word : words) {
    std::string key;
    std::size_t characters = 0;
    for (std::size_t at = 0; at < word.size();) {
      auto c = next_code_point(word, at);
      if (!c) return std::nullopt;
      auto weight = rules_->weights.find(*c);
      if (weight == rules_->weights.end()) return std::nullopt;  // a separator InnoDB would split at, or unknown
      key += weight->second;
      ++characters;
    }
    if (characters > rules_->max_token || key.empty()) return std::nullopt;
    std::vector<long long> found;
    std::size_t tokens = 0;
    for (auto it = postings_.lower_bound(key); it != postings_.end() && it->first.starts_with(key); ++it) {
      found.insert(found.end(), it->second.begin(), it->second.end());
      ++tokens;
    }
    if (tokens > 1) {
      std::sort(found.begin(), found.end());
      found.erase(std::unique(found.begin(), found.end()), found.end());
    }
    if (out) {
      std::vector<long long> both;
      std::set_intersection(out->begin(), out->end(), found.begin(), found.end(), std::back_inserter(both));
      out->swap(both);
    } else {
      out = std::move(found);
    }
    if (out->empty()) break;
  }
  return out;
}

}  // namespace zusammen::service
