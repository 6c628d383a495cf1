// The in-memory catalogue (service/catalogue.h) answers exactly what the database answers.
// Two InitiativeServices over one real database, one with the catalogue and one without, are
// asked the same things: every initiative by id, and lists over random filter combinations,
// every sort in both directions, random page sizes, walked page by page. Items, order and
// cursors must be identical. The titles are chosen to find collation mistakes: case and
// umlaut variants, ß and ss, trailing spaces and tabs, emoji, equal titles. Then the rows are
// changed behind the catalogue's back (another process, through the change feed) and in front
// of it (read-your-writes), and everything is compared again.
#include "service/catalogue.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../support/api_test.h"
#include "api/http.h"
#include "service/companies.h"
#include "service/encoding.h"
#include "service/initiatives.h"
#include "service/search_index.h"

namespace zusammen::testing {
namespace {

using service::Audience;
using service::Catalogue;
using service::Initiative;
using service::InitiativeFilter;
using service::PageRequest;

const std::vector<std::string> kTitles = {"Deutschkurs",
                                          "deutschkurs",
                                          "DEUTSCHKURS",
                                          "Deutschkurs ",
                                          "Deutschkurs\t",
                                          "Deutschkurs  ",
                                          "Ärger",
                                          "arger",
                                          "Arger",
                                          "Aerger",
                                          "Straße",
                                          "Strasse",
                                          "Strase",
                                          "Kurs 😀",
                                          "Kurs 🙂",
                                          "Kurs",
                                          "Kurs-A",
                                          "Kurs A",
                                          "Kurs_a",
                                          "Kurs\tA",
                                          "Übung",
                                          "Ubung",
                                          "Öl",
                                          "Zukunft",
                                          "zukunft",
                                          "Ausbildung",
                                          "Мост",
                                          "جسر",
                                          "1. Schritt",
                                          "10 Schritte",
                                          "2 Schritte",
                                          "ǅemal",
                                          "Ǆemal",
                                          "a",
                                          "A ",
                                          "ab"};
const std::vector<std::string> kCategories = {"language", "qualification", "mentoring", "return_support"};
const std::vector<std::string> kStates = {"DE-BE", "DE-BY", "DE-HB"};
// Pairs the collation (utf8mb4_unicode_ci) finds equal: case, accents.
const std::vector<std::string> kSectors = {"IT", "it", "Handwerk", "HANDWERK", "Pflege", "Pflége", "Gesundheit"};
const std::vector<std::string> kDates = {"2025-01-01", "2025-06-30", "2026-01-01", "2026-12-31"};

bool same(const Initiative& a, const Initiative& b) {
  return static_cast<const service::InitiativeInput&>(a) == static_cast<const service::InitiativeInput&>(b) &&
         a.id == b.id && a.created_at == b.created_at && a.updated_at == b.updated_at && a.version == b.version;
}

class CatalogueTest : public ApiTest<CatalogueTest> {
 public:
  // The services in process; servers made per test.
  static constexpr SuiteSettings kSuite = {.database = "catalogue", .server = false};

 protected:
  void SetUp() override {
    ApiTest::SetUp();
    catalogue_ = std::make_unique<Catalogue>(database_->pool(), 100000);
    through_catalogue_ = std::make_unique<service::InitiativeService>(database_->pool(), catalogue_.get());
    companies_through_catalogue_ = std::make_unique<service::CompanyService>(database_->pool(), catalogue_.get());
  }

  // Another process: writes that the catalogue learns of only through the change feed.
  service::CompanyService elsewhere_companies_{database_->pool()};
  service::InitiativeService elsewhere_{database_->pool()};
  service::InitiativeService database_only_{database_->pool()};

  long long add_company(const std::string& slug, const std::string& status) {
    service::CompanyInput input;
    input.slug = slug;
    input.name = "Firma " + slug;
    input.status = status;
    auto created = elsewhere_companies_.create(input);
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : 0;
  }

  service::InitiativeInput random_input(std::mt19937& random, const std::vector<long long>& companies) {
    auto pick = [&](const auto& list) { return list[random() % list.size()]; };
    service::InitiativeInput input;
    input.company_id = pick(companies);
    input.title = pick(kTitles);
    input.category = pick(kCategories);
    if (random() % 4 != 0) input.state = pick(kStates);
    if (random() % 3 != 0) input.start_date = kDates[random() % 2];
    if (random() % 3 != 0) input.end_date = kDates[2 + random() % 2];
    input.participants = static_cast<int>(random() % 8) * 5;
    input.published = random() % 5 != 0;
    return input;
  }

  // A published initiative of that company with that title, the rest random.
  service::InitiativeInput published(std::mt19937& random, long long company, const std::string& title) {
    auto input = random_input(random, {company});
    input.published = true;
    input.title = title;
    return input;
  }

  // Seeds companies (two of them former members) and count initiatives; returns the company ids.
  std::vector<long long> seed(std::mt19937& random, int count) {
    std::vector<long long> companies;
    companies.reserve(8);
    for (int i = 0; i < 8; ++i)
      companies.push_back(add_company("firma-" + std::to_string(i), i < 6 ? "active" : "former"));
    for (int i = 0; i < count; ++i) EXPECT_TRUE(elsewhere_.create(random_input(random, companies)).ok());
    return companies;
  }

  InitiativeFilter random_filter(std::mt19937& random, const std::vector<long long>& companies) {
    InitiativeFilter filter;
    if (random() % 4 == 0) filter.company_id = companies[random() % companies.size()];
    if (random() % 3 == 0) filter.category = kCategories[random() % kCategories.size()];
    if (random() % 4 == 0) filter.state = kStates[random() % kStates.size()];
    if (random() % 5 == 0) filter.active_on = kDates[random() % kDates.size()];
    if (random() % 8 == 0) filter.published = random() % 2 == 0;
    if (random() % 6 == 0) {
      // Everything, nothing, or a cut through the rows (their updated_at, spelled as the API does).
      auto cut = database_->scalar("SELECT CAST(updated_at AS CHAR) FROM initiatives ORDER BY RAND() LIMIT 1");
      std::vector<std::string> choices = {"2000-01-01 00:00:00", "2999-01-01 00:00:00.5", cut, cut.substr(0, 19),
                                          cut.substr(0, 22)};
      filter.updated_since = choices[random() % choices.size()];
    }
    return filter;
  }

  PageRequest random_page(std::mt19937& random) {
    PageRequest page;
    const auto& key = service::kInitiativeSortKeys[random() % service::kInitiativeSortKeys.size()];
    page.sort = {key, random() % 2 == 0};
    page.limit = std::vector<int>{1, 2, 7, 20, 100}[random() % 5];
    return page;
  }

  // Walks both services page by page; every page must be the same, cursors included.
  void compare_lists(const InitiativeFilter& filter, PageRequest page, int max_pages,
                     Audience audience = Audience::public_only) {
    for (int n = 0; n < max_pages; ++n) {
      auto expected = database_only_.list(filter, page, audience);
      auto before = catalogue_->stats();
      auto got = through_catalogue_->list(filter, page, audience);
      ASSERT_TRUE(expected.ok());
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(catalogue_->stats().answered, before.answered + 1) << "the catalogue declined a shape it serves";
      ASSERT_EQ(got->items.size(), expected->items.size())
          << "sort=" << page.sort.spelled() << " page " << n << (audience == Audience::internal ? " (keyed)" : "");
      for (std::size_t i = 0; i < got->items.size(); ++i) {
        ASSERT_TRUE(same(got->items[i], expected->items[i]))
            << "sort=" << page.sort.spelled() << " page " << n << " item " << i << ": id " << got->items[i].id << " (\""
            << got->items[i].title << "\") where the database has id " << expected->items[i].id << " (\""
            << expected->items[i].title << "\")";
      }
      ASSERT_EQ(got->next_cursor, expected->next_cursor);
      if (!got->next_cursor) return;
      auto cursor = service::decode_cursor(*got->next_cursor, page.sort);
      ASSERT_TRUE(cursor.ok());
      page.after = *cursor;
    }
  }

  // Both audiences: anonymous callers (published initiatives of active companies) and keys
  // (every row).
  void compare_everything(std::mt19937& random, const std::vector<long long>& companies, int lists) {
    auto top = database_->scalar("SELECT COALESCE(MAX(id), 0) + 3 FROM initiatives");
    for (Audience audience : {Audience::public_only, Audience::internal}) {
      for (long long id = 1; id <= std::stoll(top); ++id) {
        auto expected = database_only_.get(id, audience);
        auto got = through_catalogue_->get(id, audience);
        ASSERT_EQ(got.ok(), expected.ok()) << "id " << id;
        if (got.ok()) {
          EXPECT_TRUE(same(*got, *expected)) << "id " << id;
        }
      }
      for (int i = 0; i < lists; ++i) {
        compare_lists(random_filter(random, companies), random_page(random), 6, audience);
        if (HasFatalFailure()) return;
      }
      // Every order walked to its end.
      for (const auto& key : service::kInitiativeSortKeys) {
        for (bool descending : {false, true}) {
          PageRequest page;
          page.sort = {key, descending};
          page.limit = 13;
          compare_lists({}, page, 1000, audience);
          if (HasFatalFailure()) return;
        }
      }
    }
  }

  std::unique_ptr<Catalogue> catalogue_;
  std::unique_ptr<service::InitiativeService> through_catalogue_;
  std::unique_ptr<service::CompanyService> companies_through_catalogue_;
};

// The sort keys compare as MariaDB compares the texts themselves, PAD SPACE included.
TEST_F(CatalogueTest, WeightKeysCompareAsTheCollationDoes) {
  auto& reader = database_->reader();
  std::unique_ptr<::sql::Statement> statement(reader.createStatement());
  int checked = 0;
  for (const auto& a : kTitles) {
    for (const auto& b : kTitles) {
      auto quote = [](const std::string& s) { return "_utf8mb4'" + s + "' COLLATE utf8mb4_unicode_ci"; };
      std::unique_ptr<::sql::ResultSet> row(statement->executeQuery("SELECT HEX(WEIGHT_STRING(" + quote(a) +
                                                                    ")), HEX(WEIGHT_STRING(" + quote(b) +
                                                                    ")), STRCMP(" + quote(a) + ", " + quote(b) + ")"));
      ASSERT_TRUE(row->next());
      int expected = row->getInt(3);
      int got = service::compare_weights(service::weight_key(std::string(row->getString(1))),
                                         service::weight_key(std::string(row->getString(2))));
      EXPECT_EQ(got, expected) << "\"" << a << "\" vs \"" << b << "\"";
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(kTitles.size() * kTitles.size()));
}

TEST_F(CatalogueTest, AnswersWhatTheDatabaseAnswers) {
  std::mt19937 random(20261207);
  auto companies = seed(random, 400);
  ASSERT_TRUE(catalogue_->refresh().ok());
  auto stats = catalogue_->stats();
  ASSERT_TRUE(stats.serving);
  EXPECT_EQ(static_cast<long long>(stats.initiatives), 400);
  EXPECT_EQ(static_cast<long long>(stats.companies), 8);
  // Some are hidden from anonymous callers, so both audiences are compared on different rows.
  EXPECT_GT(database_->count("initiatives i JOIN companies c ON c.id = i.company_id",
                             "i.published = 0 OR c.status <> 'active'"),
            40);
  compare_everything(random, companies, 150);
}

// Writes of another process reach the catalogue through the change feed: new, changed, hidden,
// shown again, deleted, a company leaving and coming back.
TEST_F(CatalogueTest, FollowsTheChangeFeed) {
  std::mt19937 random(7);
  auto companies = seed(random, 150);
  ASSERT_TRUE(catalogue_->refresh().ok());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      long long id = 1 + static_cast<long long>(random() % 150);
      auto current = elsewhere_.get(id, Audience::internal);
      if (!current.ok()) continue;
      switch (random() % 4) {
        case 0:
          ASSERT_TRUE(elsewhere_.update(id, current->version, random_input(random, companies)).ok());
          break;
        case 1:
          ASSERT_TRUE(elsewhere_.remove(id, std::nullopt).ok());
          break;
        default:
          ASSERT_TRUE(elsewhere_.create(random_input(random, companies)).ok());
      }
    }
    long long company = companies[random() % 6];
    auto current = elsewhere_companies_.get(company, Audience::internal);
    ASSERT_TRUE(current.ok());
    service::CompanyInput input = *current;
    input.status = round % 2 == 0 ? "former" : "active";
    ASSERT_TRUE(elsewhere_companies_.update(company, current->version, input).ok());

    ASSERT_TRUE(catalogue_->refresh().ok());
    compare_everything(random, companies, 40);
    if (HasFatalFailure()) return;
  }
}

// A write through a service that has the catalogue is in it before the write returns.
TEST_F(CatalogueTest, ReadsItsOwnWrites) {
  std::mt19937 random(11);
  auto companies = seed(random, 20);
  ASSERT_TRUE(catalogue_->refresh().ok());
  auto input = published(random, companies[0], "Neu im Katalog");
  auto created = through_catalogue_->create(input);
  ASSERT_TRUE(created.ok());
  auto seen = through_catalogue_->get(created->id, Audience::public_only);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->title, "Neu im Katalog");

  input.published = false;
  ASSERT_TRUE(through_catalogue_->update(created->id, created->version, input).ok());
  EXPECT_FALSE(through_catalogue_->get(created->id, Audience::public_only).ok());

  auto company = companies_through_catalogue_->get(companies[1], Audience::internal);
  ASSERT_TRUE(company.ok());
  service::CompanyInput former = *company;
  former.status = "former";
  ASSERT_TRUE(companies_through_catalogue_->update(companies[1], company->version, former).ok());
  EXPECT_FALSE(companies_through_catalogue_->get(companies[1], Audience::public_only).ok());
  InitiativeFilter of_company;
  of_company.company_id = companies[1];
  PageRequest first;
  first.sort = {service::kInitiativeSortKeys.front(), false};
  auto listed = through_catalogue_->list(of_company, first, Audience::public_only);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());
  compare_everything(random, companies, 20);
}

// Keyed callers read what the database holds now, even another process's write that no refresh
// has taken in yet: the catalogue catches up first. Anonymous callers see it at the next refresh.
// A catalogue that follows a replica leaves keyed callers to the primary.
TEST_F(CatalogueTest, KeyedReadsAreAsCurrentAsTheDatabase) {
  std::mt19937 random(19);
  auto companies = seed(random, 30);
  ASSERT_TRUE(catalogue_->refresh().ok());
  auto input = published(random, companies[0], "Gerade eben");
  auto created = elsewhere_.create(input);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(through_catalogue_->get(created->id, Audience::public_only).ok());
  auto answered = catalogue_->stats().answered;
  auto keyed = through_catalogue_->get(created->id, Audience::internal);
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(keyed->title, "Gerade eben");
  EXPECT_EQ(catalogue_->stats().answered, answered + 1);
  EXPECT_TRUE(through_catalogue_->get(created->id, Audience::public_only).ok());

  auto current = elsewhere_.get(created->id, Audience::internal);
  ASSERT_TRUE(current.ok());
  service::InitiativeInput renamed = *current;
  renamed.title = "Umbenannt";
  ASSERT_TRUE(elsewhere_.update(created->id, current->version, renamed).ok());
  InitiativeFilter of_company;
  of_company.company_id = companies[0];
  PageRequest page;
  page.sort = {service::kInitiativeSortKeys.front(), false};
  page.limit = 100;
  auto listed = through_catalogue_->list(of_company, page, Audience::internal);
  ASSERT_TRUE(listed.ok());
  bool seen = false;
  for (const auto& item : listed->items) seen = seen || (item.id == created->id && item.title == "Umbenannt");
  EXPECT_TRUE(seen);

  Catalogue of_replica(database_->pool(), 100000, false);
  ASSERT_TRUE(of_replica.refresh().ok());
  EXPECT_TRUE(of_replica.initiative(created->id, Audience::public_only).has_value());
  EXPECT_FALSE(of_replica.initiative(created->id, Audience::internal).has_value());
}

// Where the catalogue cannot be sure, the database answers: a search, and a title cursor whose
// row has been renamed since (only the collation can weigh the cursor's text then).
TEST_F(CatalogueTest, LeavesToTheDatabaseWhatItCannotPlace) {
  std::mt19937 random(3);
  auto companies = seed(random, 60);
  ASSERT_TRUE(catalogue_->refresh().ok());
  PageRequest page;
  page.sort = {service::kInitiativeSortKeys.front(), false};
  page.limit = 5;
  auto first = through_catalogue_->list({}, page, Audience::public_only);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_cursor);
  auto cursor = service::decode_cursor(*first->next_cursor, page.sort);
  ASSERT_TRUE(cursor.ok());
  auto renamed = elsewhere_.get(cursor->id, Audience::internal);
  ASSERT_TRUE(renamed.ok());
  service::InitiativeInput input = *renamed;
  input.title = "Zwischendurch umbenannt";
  ASSERT_TRUE(elsewhere_.update(cursor->id, renamed->version, input).ok());
  ASSERT_TRUE(catalogue_->refresh().ok());

  page.after = *cursor;
  auto declined_before = catalogue_->stats().declined;
  auto expected = database_only_.list({}, page, Audience::public_only);
  auto got = through_catalogue_->list({}, page, Audience::public_only);
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(catalogue_->stats().declined, declined_before + 1);
  ASSERT_EQ(got->items.size(), expected->items.size());
  for (std::size_t i = 0; i < got->items.size(); ++i) {
    EXPECT_TRUE(same(got->items[i], expected->items[i]));
  }

  // A search with a character the search index does not know (the ligature ﬁ).
  InitiativeFilter search;
  search.q = "\xef\xac\x81sh";
  EXPECT_FALSE(catalogue_->initiatives(search, PageRequest{}, Audience::public_only).has_value());
}

// The characters of a UTF-8 text, each as its bytes.
std::vector<std::string> characters_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.push_back(text.substr(at, length));
    at += length;
  }
  return out;
}

// Every character the search index knows is classified as InnoDB's FULLTEXT parser classifies
// it, in a FULLTEXT index of this server: with a word character "qq" and "zzq" make one token,
// and "zzq*" finds nothing; with a separator "zzq" is a token of its own and is found.
TEST_F(CatalogueTest, SearchKnowsWordCharactersAndSeparatorsAsTheFullTextIndexDoes) {
  using service::FullTextRules;
  std::unique_ptr<::sql::Statement> statement(database_->reader().createStatement());
  statement->execute("DROP TABLE IF EXISTS fulltext_probe");
  statement->execute(
      "CREATE TABLE fulltext_probe (id INT PRIMARY KEY, body TEXT, FULLTEXT (body)) ENGINE=InnoDB "
      "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  auto words = FullTextRules::word_characters();
  std::set<char32_t> word(words.begin(), words.end());
  std::vector<char32_t> probed;
  for (char32_t c = 1; c < 0x20000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    if (word.count(c) > 0 || FullTextRules::separator(c)) probed.push_back(c);
  }
  for (std::size_t from = 0; from < probed.size(); from += 500) {
    std::string insert = "INSERT INTO fulltext_probe VALUES ";
    for (std::size_t i = from; i < std::min(probed.size(), from + 500); ++i) {
      std::string hex;
      for (unsigned char b : "qq" + service::utf8_encode(probed[i]) + "zzq") hex += fmt::format("{:02X}", b);
      insert += (i > from ? ",(" : "(") + std::to_string(i) + ", CONVERT(X'" + hex + "' USING utf8mb4))";
    }
    statement->execute(insert);
  }
  std::set<std::size_t> separated;
  std::unique_ptr<::sql::ResultSet> rows(
      statement->executeQuery("SELECT id FROM fulltext_probe WHERE MATCH (body) AGAINST ('+zzq*' IN BOOLEAN MODE)"));
  while (rows->next()) separated.insert(static_cast<std::size_t>(rows->getInt(1)));
  int wrong = 0;
  for (std::size_t i = 0; i < probed.size(); ++i) {
    bool is_separator = FullTextRules::separator(probed[i]);
    if ((separated.count(i) > 0) != is_separator && ++wrong <= 20) {
      ADD_FAILURE() << fmt::format("U+{:04X} is a {} to InnoDB", static_cast<std::uint32_t>(probed[i]),
                                   is_separator ? "word character" : "separator");
    }
  }
  EXPECT_EQ(wrong, 0) << "of " << probed.size() << " characters";
  EXPECT_GT(probed.size(), 2000u);
  statement->execute("DROP TABLE fulltext_probe");
}

// Searches (q) are answered in memory, with what MariaDB's FULLTEXT index finds: texts with
// umlauts and ß, apostrophes, dashes and typographic quotes, Cyrillic, Greek and Arabic, words
// of one character and digits; queries of one to three prefixes of those words in any case,
// with every sort, page size and filter, walked page by page.
TEST_F(CatalogueTest, SearchesFindWhatTheDatabaseFinds) {
  const std::vector<std::string> vocabulary = {"Sprachförderung",
                                               "sprachforderung",
                                               "SPRACHFÖRDERUNG",
                                               "Straße",
                                               "STRASSE",
                                               "Strassenfest",
                                               "Ärger",
                                               "Aerger",
                                               "arger",
                                               "l'eau",
                                               "don't",
                                               "O'Brien",
                                               "„Zitat“",
                                               "Kurs–A",
                                               "a_b",
                                               "_x",
                                               "x1",
                                               "2025",
                                               "20",
                                               "Мост",
                                               "мостик",
                                               "جسر",
                                               "بالعالم",
                                               "naïve",
                                               "Œuvre",
                                               "Æther",
                                               "µm",
                                               "Ǆemal",
                                               "ǆ",
                                               "ab",
                                               "Zukunft",
                                               "zukunftsorientiert",
                                               "Geflüchtete",
                                               "Ausbildung",
                                               "Ausbildungsplatz",
                                               "Mentoring",
                                               "Umschulung",
                                               "Café",
                                               "cafe",
                                               "Ελλάδα",
                                               "ελπίδα",
                                               "ß",
                                               "ss",
                                               "Kurs 😀",
                                               "5 €",
                                               "Übung",
                                               "ubung",
                                               "a",
                                               "Z"};
  const std::vector<std::string> separators = {" ",  ", ",  " – ", "…", "-", "/",  "\t",
                                               "\n", " « ", "»",   "·", "§", " → "};
  // Words of queries: the words of those texts (split at their separators), and a few more.
  std::vector<std::string> query_words = {"oe", "ae", "zz"};
  for (const auto& text : vocabulary) {
    std::string word;
    for (const auto& c : characters_of(text + " ")) {
      bool letter = c.size() > 1 ? c != "„" && c != "“" && c != "–" && c != "€" && c != "😀"
                                 : std::isalnum(static_cast<unsigned char>(c[0])) != 0 || c[0] == '_';
      if (letter) {
        word += c;
      } else if (!word.empty()) {
        query_words.push_back(word);
        word.clear();
      }
    }
  }
  std::mt19937 random(2026);
  auto pick = [&](const auto& list) { return list[random() % list.size()]; };
  auto text = [&](int words) {
    std::string out = pick(vocabulary);
    for (int i = 1; i < words; ++i) out += pick(separators) + pick(vocabulary);
    return out;
  };
  std::vector<long long> companies;
  companies.reserve(4);
  for (int i = 0; i < 4; ++i) companies.push_back(add_company("suche-" + std::to_string(i), "active"));
  for (int i = 0; i < 300; ++i) {
    auto input = random_input(random, companies);
    input.title = text(1 + static_cast<int>(random() % 3));
    if (random() % 4 != 0) input.summary = text(1 + static_cast<int>(random() % 5));
    if (random() % 3 != 0) input.description = text(1 + static_cast<int>(random() % 12));
    ASSERT_TRUE(elsewhere_.create(input).ok());
  }
  ASSERT_TRUE(catalogue_->refresh().ok());
  for (int n = 0; n < 250; ++n) {
    std::string q;
    int words = 1 + static_cast<int>(random() % 3);
    for (int w = 0; w < words; ++w) {
      auto characters = characters_of(pick(query_words));
      std::size_t length = 1 + random() % characters.size();
      std::string word;
      for (std::size_t i = 0; i < length; ++i) {
        std::string c = characters[i];
        if (c.size() == 1 && random() % 3 == 0) c[0] = static_cast<char>(std::toupper(c[0]));
        word += c;
      }
      q += (w == 0 ? "" : pick(std::vector<std::string>{" ", ", ", " +", " -", "* "})) + word;
    }
    InitiativeFilter filter;
    filter.q = q;
    if (random() % 3 == 0) filter.category = kCategories[random() % kCategories.size()];
    if (random() % 5 == 0) filter.state = kStates[random() % kStates.size()];
    Audience audience = random() % 3 == 0 ? Audience::internal : Audience::public_only;
    compare_lists(filter, random_page(random), 4, audience);
    if (HasFatalFailure()) {
      ADD_FAILURE() << "q=" << q << (audience == Audience::internal ? " (keyed)" : "");
      return;
    }
  }
}

// A text with a character the search index does not know (ﬁ) makes it leave every search to
// the database until that text is gone; the answers stay the database's.
TEST_F(CatalogueTest, SearchesWithACharacterItDoesNotKnowAreTheDatabases) {
  std::mt19937 random(5);
  auto companies = seed(random, 30);
  auto input = published(random, companies[0], "Kurs \xef\xac\x81sh");
  auto odd = elsewhere_.create(input);
  ASSERT_TRUE(odd.ok());
  ASSERT_TRUE(catalogue_->refresh().ok());
  InitiativeFilter filter;
  filter.q = "Kurs";
  PageRequest page;
  page.sort = {service::kInitiativeSortKeys.front(), false};
  EXPECT_FALSE(catalogue_->initiatives(filter, page, Audience::public_only).has_value());
  auto expected = database_only_.list(filter, page, Audience::public_only);
  auto got = through_catalogue_->list(filter, page, Audience::public_only);
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->items.size(), expected->items.size());
  ASSERT_FALSE(got->items.empty());

  ASSERT_TRUE(elsewhere_.remove(odd->id, std::nullopt).ok());
  ASSERT_TRUE(catalogue_->refresh().ok());
  compare_lists(filter, page, 10);
}

// The companies' lists too: names compared under the collation, every sort and filter walked.
TEST_F(CatalogueTest, CompanyListsAnswerWhatTheDatabaseAnswers) {
  std::mt19937 random(17);
  for (int i = 0; i < 80; ++i) {
    service::CompanyInput input;
    input.slug = "name-" + std::to_string(i);
    input.name = kTitles[random() % kTitles.size()];
    input.status = random() % 6 == 0 ? "former" : "active";
    if (random() % 4 != 0) input.state = kStates[random() % kStates.size()];
    if (random() % 3 != 0) {
      input.description = kTitles[random() % kTitles.size()] + ", " + kTitles[random() % kTitles.size()];
    }
    // Sectors the collation finds equal though their bytes differ (case, accents).
    if (i < static_cast<int>(kSectors.size())) {
      input.sector = kSectors[i];
    } else if (random() % 4 != 0) {
      input.sector = kSectors[random() % kSectors.size()];
    }
    ASSERT_TRUE(elsewhere_companies_.create(input).ok()) << input.name;
  }
  ASSERT_TRUE(catalogue_->refresh().ok());
  service::CompanyService database_only(database_->pool());
  int walked = 0;
  int searches_that_found = 0;
  for (int round = 0; round < 60; ++round) {
    service::CompanyFilter filter;
    if (random() % 3 == 0) filter.state = kStates[random() % kStates.size()];
    if (random() % 5 == 0) filter.status = random() % 2 == 0 ? "active" : "former";
    if (random() % 6 == 0) {
      filter.updated_since =
          database_->scalar("SELECT CAST(updated_at AS CHAR) FROM companies ORDER BY RAND() LIMIT 1");
    }
    // Searches over names and descriptions, in memory as in the FULLTEXT index.
    const std::vector<std::string> searches = {
        "Deutsch",          "kurs", "Ärg", "ar", "stras", "Strasse", "\xd0\x9c\xd0\xbe",
        "\xd8\xac\xd8\xb3", "zuk",  "1",   "ab", "dz",    "Firma",   "kurs a"};
    if (random() % 3 == 0) filter.q = searches[random() % searches.size()];
    if (random() % 3 == 0) filter.sector = kSectors[random() % kSectors.size()];
    PageRequest page;
    page.sort = {service::kCompanySortKeys[random() % service::kCompanySortKeys.size()], random() % 2 == 0};
    page.limit = std::vector<int>{1, 3, 20}[random() % 3];
    Audience audience = random() % 2 == 0 ? Audience::internal : Audience::public_only;
    for (int n = 0; n < 100; ++n, ++walked) {
      auto expected = database_only.list(filter, page, audience);
      auto answered = catalogue_->stats().answered;
      auto got = companies_through_catalogue_->list(filter, page, audience);
      ASSERT_TRUE(expected.ok());
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(catalogue_->stats().answered, answered + 1);
      ASSERT_EQ(got->items.size(), expected->items.size()) << "sort=" << page.sort.spelled();
      for (std::size_t i = 0; i < got->items.size(); ++i) {
        ASSERT_EQ(got->items[i].id, expected->items[i].id)
            << "sort=" << page.sort.spelled() << " page " << n << ": \"" << got->items[i].name
            << "\" where the database has \"" << expected->items[i].name << "\"";
        EXPECT_EQ(got->items[i].version, expected->items[i].version);
      }
      ASSERT_EQ(got->next_cursor, expected->next_cursor);
      if (n == 0 && filter.q && !got->items.empty()) ++searches_that_found;
      if (!got->next_cursor) break;
      auto cursor = service::decode_cursor(*got->next_cursor, page.sort);
      ASSERT_TRUE(cursor.ok());
      page.after = *cursor;
    }
  }
  EXPECT_GT(walked, 100);
  EXPECT_GT(searches_that_found, 5);
  // "it" and "IT" are one sector to the collation: the catalogue finds both companies for
  // either. A sector no company has as that very text ("iT") is left to the database.
  PageRequest first;
  first.sort = {service::kCompanySortKeys.front(), false};
  first.limit = 100;
  service::CompanyFilter by_sector;
  by_sector.sector = "it";
  auto lower = catalogue_->companies(by_sector, first, Audience::internal);
  by_sector.sector = "IT";
  auto upper = catalogue_->companies(by_sector, first, Audience::internal);
  ASSERT_TRUE(lower.has_value());
  ASSERT_TRUE(upper.has_value());
  auto ids_of = [](const std::vector<service::Company>& items) {
    std::vector<long long> out;
    out.reserve(items.size());
    for (const auto& c : items) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(ids_of(lower->items), ids_of(upper->items));
  EXPECT_EQ(static_cast<long long>(lower->items.size()),
            database_->count("companies", "sector = 'IT' COLLATE utf8mb4_unicode_ci"));
  EXPECT_GE(lower->items.size(), 2U);
  by_sector.sector = "iT";
  EXPECT_FALSE(catalogue_->companies(by_sector, first, Audience::public_only).has_value());
  // A company by id and the companies of an include, as each audience may see them.
  for (Audience audience : {Audience::public_only, Audience::internal}) {
    std::vector<long long> ids;
    for (long long id = 1; id <= 83; ++id) {
      ids.push_back(id);
      auto expected = database_only.get(id, audience);
      auto got = companies_through_catalogue_->get(id, audience);
      ASSERT_EQ(got.ok(), expected.ok()) << "company " << id;
      if (got.ok()) {
        EXPECT_EQ(got->version, expected->version);
      }
    }
    auto expected = database_only.get_many(ids, audience);
    auto got = companies_through_catalogue_->get_many(ids, audience);
    ASSERT_TRUE(expected.ok());
    ASSERT_TRUE(got.ok());
    std::set<long long> expected_ids;
    std::set<long long> got_ids;
    for (const auto& company : *expected) expected_ids.insert(company.id);
    for (const auto& company : *got) got_ids.insert(company.id);
    EXPECT_EQ(got_ids, expected_ids);
    EXPECT_EQ(got_ids.size(), audience == Audience::internal
                                  ? 80u
                                  : static_cast<std::size_t>(database_->count("companies", "status = 'active'")));
  }
}

// Above its bound the catalogue stays off and everything is the database's.
TEST_F(CatalogueTest, StaysOffAboveItsBound) {
  std::mt19937 random(5);
  seed(random, 30);
  Catalogue small(database_->pool(), 3);
  ASSERT_TRUE(small.refresh().ok());
  EXPECT_FALSE(small.stats().serving);
  EXPECT_FALSE(small.initiative(1, Audience::public_only).has_value());
  EXPECT_FALSE(small.initiative(1, Audience::internal).has_value());
}

// Over HTTP: a server with the catalogue and one without, on the same database, give the same
// bytes and ETags for every anonymous read the catalogue serves; writes through the first are
// visible to its next read, and writes through the second (another process) within the watch.
TEST_F(CatalogueTest, ServesTheSameBytesOverHttp) {
  std::mt19937 random(13);
  auto companies = seed(random, 120);
  TestServer database_side(*database_);
  api::AppOptions options;
  options.catalogue_max_rows = 100000;
  options.cache_watch = std::chrono::milliseconds(20);
  options.cache_ttl = std::chrono::milliseconds(1000);  // the response cache in front, as shipped
  TestServer memory_side(*database_, 4, options);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!memory_side.app().catalogue()->stats().serving && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(memory_side.app().catalogue()->stats().serving);

  auto expected_client = database_side.client();
  auto got_client = memory_side.client();
  int compared = 0;
  // Anonymous, or with a key (internal dashboards: every row, and fields anonymous callers do not get).
  std::string reader = database_side.key({"content:read"});
  auto compare = [&](const std::string& path, bool keyed = false) {
    Headers headers;
    if (keyed) headers = {{"Authorization", "Bearer " + reader}};
    auto expected = expected_client.get(path, headers);
    auto got = got_client.get(path, headers);
    EXPECT_EQ(got.status, expected.status) << path;
    EXPECT_EQ(got.body, expected.body) << path << (keyed ? " (keyed)" : "");
    EXPECT_EQ(got.header("etag"), expected.header("etag")) << path;
    ++compared;
    return got;
  };
  auto answered_before = memory_side.app().catalogue()->stats().answered;
  for (bool keyed : {false, true}) {
    for (int id = 1; id <= 125; ++id) {
      compare("/v1/initiatives/" + std::to_string(id), keyed);
      compare("/v1/initiatives/" + std::to_string(id) + "?include=company", keyed);
    }
    for (long long id : companies) compare("/v1/companies/" + std::to_string(id), keyed);
    for (const std::string& query :
         std::vector<std::string>{"", "sort=-name&limit=2", "sort=created_at&limit=3", "status=former",
                                  "state=DE-BY&sort=-updated_at", "q=firma&limit=2", "q=firma%201&sort=-name"}) {
      compare("/v1/companies?" + query, keyed);
    }
  }
  for (const std::string& query : std::vector<std::string>{
           "", "sort=-title&limit=7", "category=language&include=company", "sort=participants&limit=9&state=DE-BY",
           "sort=-updated_at&limit=3&active_on=2026-01-01", "company_id=" + std::to_string(companies[2]) + "&limit=5",
           "sort=created_at&limit=11&include=company", "published=false", "limit=0", "sort=nope", "q=Kurs&limit=4",
           "q=deutsch&sort=-title&limit=3&include=company", "q=%C3%A4r", "q=stras&category=language&limit=2",
           "q=%D0%BC%D0%BE", "q=kurs%20zu&sort=participants"}) {
    for (bool keyed : {false, true}) {
      std::string path = "/v1/initiatives?" + query;
      for (int page = 0; page < 4; ++page) {
        auto got = compare(path, keyed);
        if (got.status != 200) break;
        auto cursor = got.json()["next_cursor"];
        if (cursor.is_null()) break;
        path = "/v1/initiatives?" + query + "&cursor=" + api::url_encode(cursor.get<std::string>());
      }
    }
  }
  EXPECT_GT(compared, 560);
  // The catalogue answered them (declines would have passed the comparison too).
  EXPECT_GT(memory_side.app().catalogue()->stats().answered, answered_before + 540);
  auto metrics = got_client.get("/metrics").body;
  EXPECT_NE(metrics.find("\nzusammen_catalogue_serving 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nzusammen_catalogue_rows{kind=\"initiatives\"} " +
                         std::to_string(memory_side.app().catalogue()->stats().initiatives) + "\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("# TYPE zusammen_catalogue_reads_total counter\n"), std::string::npos);

  // Read-your-writes through the same process.
  std::string writer = memory_side.key({"content:write", "content:read"});
  nlohmann::json body = {
      {"company_id", companies[0]}, {"title", "Frisch geschrieben"}, {"category", "language"}, {"published", true}};
  auto created = got_client.post("/v1/initiatives", body, {{"Authorization", "Bearer " + writer}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/v1/initiatives/" + std::to_string(created.json()["id"].get<long long>());
  auto seen = got_client.get(path);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.json()["title"], "Frisch geschrieben");
  auto hidden = got_client.patch(path, {{"published", false}}, {{"Authorization", "Bearer " + writer}});
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(got_client.get(path).status, 404);

  // Another process's write arrives through the change feed's watch.
  std::string other_writer = database_side.key({"content:write"});
  body["title"] = "Anderswo geschrieben";
  auto elsewhere = expected_client.post("/v1/initiatives", body, {{"Authorization", "Bearer " + other_writer}});
  ASSERT_EQ(elsewhere.status, 201) << elsewhere.body;
  std::string other_path = "/v1/initiatives/" + std::to_string(elsewhere.json()["id"].get<long long>());
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = got_client.get(other_path).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
  compare(other_path);

  // A page after a title cursor whose row was renamed since: the catalogue cannot place it, the
  // reactor's attempt is dropped and a worker asks the database; the answer is the database's.
  auto first = got_client.get("/v1/initiatives?limit=3");
  ASSERT_EQ(first.status, 200);
  std::string cursor = first.json()["next_cursor"].get<std::string>();
  long long last_id = first.json()["items"][2]["id"].get<long long>();
  auto renamed = expected_client.patch("/v1/initiatives/" + std::to_string(last_id), {{"title", "Umbenannt"}},
                                       {{"Authorization", "Bearer " + other_writer}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  std::string renamed_path = "/v1/initiatives/" + std::to_string(last_id);
  for (int i = 0; i < 200 && got_client.get(renamed_path).json()["title"] != "Umbenannt"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto declined_before = memory_side.app().catalogue()->stats().declined;
  compare("/v1/initiatives?limit=3&cursor=" + api::url_encode(cursor));
  EXPECT_GT(memory_side.app().catalogue()->stats().declined, declined_before);
}

}  // namespace
}  // namespace zusammen::testing
