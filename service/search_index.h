// Full-text search in memory, with the database's answers: a q of words w1 w2 ... finds the
// documents that hold, for every word, a token beginning with it, as InnoDB's boolean mode does
// with "+w1* +w2*" (sql::fulltext_terms).
//
// What InnoDB does, and so what this does (tests/integration/catalogue_test.cc checks each
// point against MariaDB):
// - A document's tokens are the runs of word characters: letters, digits and '_' in the
//   charset's classification. Everything else separates: spaces, punctuation, „“ – … ' and -.
// - Tokens shorter than innodb_ft_min_token_size or longer than innodb_ft_max_token_size
//   characters are not indexed (the "l" of "l'eau" is not found by "l").
// - A word matches a token when the word's collation weights (utf8mb4_unicode_ci's primary
//   weights, WEIGHT_STRING) begin the token's: case and accents do not count, "ss" finds
//   "ß", and a word of any length may match.
// The classification and the weights of each character are MariaDB's: the word characters
// this knows (Latin, Cyrillic, Arabic letters and digits) get their weights from the server
// when the catalogue loads. A document or a word with a character it does not know, or a
// server with stopwords on, makes it decline, and the database answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace zusammen::service {

// The words of q: runs of ASCII [A-Za-z0-9_] and of bytes >= 0x80; every other ASCII byte
// separates (sql::fulltext_terms turns each into "+word*").
std::vector<std::string> search_words(std::string_view q);

struct FullTextRules {
  // Word characters → their primary weights, two bytes each (big-endian, so that bytes
  // compare as weights do).
  std::unordered_map<char32_t, std::string> weights;
  std::size_t min_token = 3;   // innodb_ft_min_token_size
  std::size_t max_token = 84;  // innodb_ft_max_token_size
  bool stopwords = false;      // innodb_ft_enable_stopword: then this declines every search

  // The characters known as word characters, whose weights the server is asked for.
  static std::vector<char32_t> word_characters();
  // True for a character known to separate words (ASCII but [A-Za-z0-9_], and known
  // punctuation, symbols and spaces beyond ASCII).
  static bool separator(char32_t c);
};

class SearchIndex {
 public:
  explicit SearchIndex(std::shared_ptr<const FullTextRules> rules);

  // Indexes a document's texts under id. A text with a character the rules do not know makes
  // the whole index unsure (it declines) until that document is removed.
  void add(long long id, const std::vector<std::string_view>& texts);
  // Forgets a document: texts must be those it was added with.
  void remove(long long id, const std::vector<std::string_view>& texts);

  // The ids (ascending) of the documents every word of q begins a token of; nullopt when this
  // cannot be sure: an unknown character in q or in a document, a word longer than the
  // longest token, stopwords, or no word at all.
  std::optional<std::vector<long long>> match(std::string_view q) const;

  std::size_t tokens() const { return postings_.size(); }
  // Gives back the spare capacity of the postings (after a load).
  void compact();

 private:
  // The distinct indexed tokens' weight keys of a document; nullopt for an unknown character.
  std::optional<std::vector<std::string>> tokens_of(const std::vector<std::string_view>& texts) const;

  std::shared_ptr<const FullTextRules> rules_;
  // Token weights → ids, ascending (32 bits: half the memory; a larger id makes its document unsure).
  std::map<std::string, std::vector<std::uint32_t>> postings_;
  std::unordered_set<long long> unsure_;  // documents with a character the rules do not know
};

}  // namespace zusammen::service
