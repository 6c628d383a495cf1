// Free-text query parameters against the real database: a seeded property test. Random strings built
// from hostile pieces (the FULLTEXT operators, %, _, quotes, backslashes, "\ud800"-style escapes,
// Arabic, Cyrillic, Dari, emoji, German with umlauts and „…“, very long words, stopwords, invalid
// UTF-8 now and then) go, percent-encoded, to every q and every free-text filter of every list.
// Every answer must be 200, or 400 (422 where openapi.yaml lists it) as application/problem+json;
// never a 5xx. q=% used to be a 500 (MariaDB 1064, a FULLTEXT syntax error).
//
// Two paths, both over the same App and database:
//  - real HTTP: the fixed regression cases, and every fifth generated string, on a keep-alive
//    connection of this file (HttpClient opens one connection per request: 20 000 of them would
//    exhaust ephemeral ports in TIME_WAIT and take far longer);
//  - in-process: the other generated strings, through App::handle with an HttpRequest built as
//    server.cc builds it (parse_query_string; a query it refuses is the server's 400 before routing).
//
// ZUSAMMEN_SEARCH_SEED=<n> replays a run (the seed is printed); ZUSAMMEN_SEARCH_CASES=<n> is the
// number of requests in the random part (default 20000; 5000 in a Debug or sanitizer build).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/api_test.h"
#include "../support/raw_connection.h"
#include "api/http.h"

namespace zusammen::testing {
namespace {

using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr long long kDefaultCases = 5000;
constexpr const char* kBuildKind = "Debug or sanitizer build";
#else
constexpr long long kDefaultCases = 20000;
constexpr const char* kBuildKind = "optimized build";
#endif

// ---------------------------------------------------------------------------------------------
// Text helpers.

// Printable ASCII as it is, everything else (and the backslash) as \xNN: a failing input, exactly.
std::string escaped(const std::string& bytes) {
  std::string out;
  char buffer[5];
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(buffer, sizeof buffer, "\\x%02X", c);
      out += buffer;
    }
  }
  return out;
}

long long env_number(const char* name, long long fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  long long number = std::strtoll(value, &end, 10);
  if (*end != '\0' || number < 0) throw std::runtime_error(std::string(name) + " must be a non-negative integer");
  return number;
}

// ---------------------------------------------------------------------------------------------
// The generator. Only rng() and modulo: the same seed gives the same strings with any standard library.

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  const std::string& pick(const std::vector<std::string>& from) { return from[below(from.size())]; }

  // One to eight pieces, sometimes glued together, sometimes apart.
  std::string text() {
    std::string out;
    std::size_t pieces = 1 + below(8);
    for (std::size_t i = 0; i < pieces; ++i) {
      if (i > 0 && chance(40)) out += pick(kWhitespace);
      out += piece();
    }
    return out;
  }

 private:
  std::string piece() {
    std::size_t draw = below(16);
    switch (draw) {
      case 11:
        return digits();
      case 14:
        return chance(50) ? long_word() : pick(kWords);
      case 15:
        // Rare: bytes that are no UTF-8 (the server's 400 before routing), and control bytes.
        return chance(25) ? pick(kInvalidUtf8) : pick(kControl);
      default:
        return pick(*kPieceLists.at(draw));
    }
  }

  std::string digits() {
    if (chance(30)) return pick(kNumbers);
    std::string out;
    std::size_t n = 1 + below(8);
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + below(10)));
    return out;
  }

  // 100 to 300 characters: ASCII letters, now and then an umlaut or an operator inside.
  std::string long_word() {
    static const std::vector<std::string> letters = {"a", "e", "n", "r", "s", "t", "B",
                                                     "K", "ä", "ö", "ü", "ß", "_", "%"};
    std::string out;
    std::size_t n = 100 + below(201);
    for (std::size_t i = 0; i < n; ++i)
      out += chance(90) ? std::string(1, static_cast<char>('a' + below(26))) : pick(letters);
    return out;
  }

  inline static const std::vector<std::string> kOperators = {"+", "-",  "<",  ">",  "(",    ")",  "~",  "*",  "\"",
                                                             "@", "+-", "-+", "**", "\"\"", "()", "@3", "~*", "<>"};
  inline static const std::vector<std::string> kPunctuation = {
      "%", "%%", "_", "__", "'", "''", "\"", "\\", "\\\\", "`", "%25", "%2", "%ZZ", "%u00e4", "&", "=",
      "#", "?",  "/", ";",  ",", ".",  ":",  "!",  "$",    "^", "|",   "[",  "]",   "{",      "}", "%_%"};
  inline static const std::vector<std::string> kEscapes = {"\\ud800", "\\udfff", "\\ud83d\\ude00",
                                                           "\\ud83d", "\\u0000", "\\u00e4",
                                                           "\\u201e", "\\x00",   "\\xff",
                                                           "\\n",     "\\t",     "\\0",
                                                           "\\'",     "\\\"",    "\\%",
                                                           "\\_",     "\\\\u"};
  inline static const std::vector<std::string> kArabic = {"مرحبا", "التدريب", "العمل", "شركة", "بكم", "ال", "تدريب"};
  inline static const std::vector<std::string> kCyrillic = {"Привет",   "работа", "обучение", "мир",
                                                            "компания", "й",      "Ё"};
  inline static const std::vector<std::string> kDari = {"سلام", "دوستان", "کار", "آموزش", "زبان", "گفتگو", "چطور"};
  inline static const std::vector<std::string> kEmoji = {"😀", "👩‍🔧", "🇩🇪", "🚆", "🤝🏽", "𝔘", "🙂🙂"};
  inline static const std::vector<std::string> kGerman = {
      "Müller", "Übergänge", "größer", "Straße", "Ausbildungsplätze", "„Integration“",   "„", "“", "‚", "‘",
      "Öl",     "ä",         "ß",      "ÄÖÜ",    "Schülerpraktikum",  "„Deutsche Bahn“", "»", "«", "–", "…"};
  inline static const std::vector<std::string> kWhitespace = {" ",    "  ",     "\t",     "\n",
                                                              "\r\n", "\u00a0", "\u2003", "\u200b"};
  inline static const std::vector<std::string> kNumbers = {"2024", "0",    "13.11.2018", "1e10",
                                                           "-1",   "3,14", "007",        "+49"};
  inline static const std::vector<std::string> kWords = {"a", "ab",   "Bahn",        "Ausbildung", "Netzwerk", "Bosch",
                                                         "x", "GmbH", "Integration", "Sprachkurs", "Berlin",   "AG"};
  inline static const std::vector<std::string> kStopwords = {"the", "and", "und", "der", "die",  "das", "of",  "to",
                                                             "in",  "is",  "a",   "an",  "with", "www", "com", "de",
                                                             "en",  "la",  "for", "it",  "was",  "will"};
  inline static const std::vector<std::string> kInvalidUtf8 = {"\xED\xA0\x80", "\xED\xBF\xBF", "\xC3", "\xFF",
                                                               "\xC0\xAF",     "\xE2\x80",     "\x80"};
  inline static const std::vector<std::string> kControl = {std::string(1, '\0'), "\x01", "\x1b", "\x7f", "\x0b"};
  // What piece() picks from for a draw of below(16) (11, 14 and 15 draw otherwise): operators and German
  // twice as often as the rest.
  inline static const std::array<const std::vector<std::string>*, 14> kPieceLists = {
      &kOperators, &kOperators, &kPunctuation, &kEscapes,    &kArabic, &kCyrillic, &kDari,
      &kEmoji,     &kGerman,    &kGerman,      &kWhitespace, nullptr,  &kWords,    &kStopwords};

  std::mt19937_64 rng_;
};

// ---------------------------------------------------------------------------------------------
// A keep-alive HTTP/1.1 connection (tests/support's Connection): many requests, one socket; a new
// one when the server closed it.

class KeepAliveClient {
 public:
  explicit KeepAliveClient(int port) : port_(port) {}

  HttpResult get(const std::string& target, const Headers& headers) {
    std::string bytes = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) bytes.append(name).append(": ").append(value).append("\r\n");
    bytes += "\r\n";
    // A server that closed an idle connection shows up as an end of stream before any byte: once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connection_) {
        connection_ = std::make_unique<Connection>(port_);
        ++connections_;
      }
      if (connection_->send(bytes)) {
        if (auto result = connection_->read_response(30000)) {
          auto connection = result->header("connection").value_or("");
          if (connection == "Close" || connection == "close") connection_.reset();
          return *result;
        }
      }
      connection_.reset();
    }
    throw std::runtime_error("no complete HTTP response to GET " + target);
  }

  int connections() const { return connections_; }

 private:
  int port_;
  std::unique_ptr<Connection> connection_;
  int connections_ = 0;
};

// ---------------------------------------------------------------------------------------------

// One free-text parameter of one list, and the key it is read with.
struct Target {
  std::string path;
  std::string param;
  enum class Key { content, registrations, feed, admin } key;
  bool accepts_422 = false;  // openapi.yaml lists 422 for this operation
};

struct Outcome {
  int status = 0;
  std::string content_type;
  std::string body;
};

class SearchInputTest : public ApiTest<SearchInputTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "search_input"};

  // The default AppOptions{}: no response cache and no rate limits (both off by default), so every
  // request reaches the database and none is refused with 429.
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    content_writer_ = server_->key({"content:write"});
    registrations_writer_ = server_->key({"registrations:write"});
    content_reader_ = server_->key({"content:read"});
    registrations_reader_ = server_->key({"registrations:read"});
    feed_reader_ = server_->key({"content:read", "registrations:read"});
    admin_ = server_->key({"admin"});
    seed();
  }

 protected:
  // The rows are seeded once for the suite: no truncation between its tests.
  void SetUp() override {}

  static json post(const std::string& path, const json& body, const std::string& key) {
    return post_created(client(), path, body, bearer(key));
  }

  // A few rows in every searched table (via the API), so that searches run against data.
  static void seed() {
    struct Company {
      const char* slug;
      const char* name;
      const char* sector;
      const char* description;
    };
    const Company companies[] = {
        {"bahn", "Deutsche Bahn AG", "Verkehr", "Ausbildung und Übergänge in den Beruf, „Integration“ durch Arbeit"},
        {"bosch", "Robert Bosch GmbH", "Industrie", "Sprachkurse für Geflüchtete; Schülerpraktikum 2024"},
        {"aref", "شركة التدريب", "تدريب", "التدريب المهني والعمل — مرحبا بكم"},
        {"mir", "Компания Мир", "Логистика", "обучение и работа для всех"},
        {"dari", "کار و آموزش", "آموزش", "سلام دوستان، زبان و کار"},
        {"emoji", "Team 🚆 Rail", "Verkehr", "Netzwerk 🤝🏽 mit 100% Einsatz_für alle"},
    };
    std::vector<long long> company_ids;
    for (const auto& c : companies) {
      json body = {{"slug", c.slug},
                   {"name", c.name},
                   {"sector", c.sector},
                   {"description", c.description},
                   {"status", "active"},
                   {"city", "Berlin"},
                   {"contact_email", std::string("kontakt@") + c.slug + ".example"}};
      company_ids.push_back(post("/v1/companies", body, content_writer_).at("id").get<long long>());
    }
    const char* titles[] = {"Ausbildungsplätze für Geflüchtete",
                            "Sprachkurs Deutsch „B2“",
                            "برنامج التدريب",
                            "Обучение работе",
                            "آموزش زبان",
                            "Mentoring 😀 Müller"};
    for (std::size_t i = 0; i < std::size(titles); ++i) {
      json body = {{"company_id", company_ids[i % company_ids.size()]},
                   {"title", titles[i]},
                   {"summary", "Übergänge größer denken"},
                   {"description", std::string("Beschreibung ") + titles[i]},
                   {"category", "qualification"},
                   {"published", i % 2 == 0}};
      post("/v1/initiatives", body, content_writer_);
    }
    const char* cities[] = {"Berlin", "Köln", "Frankfurt am Main", "کابل", "Москва"};
    for (std::size_t i = 0; i < std::size(cities); ++i) {
      json body = {{"title", std::string("Netzwerktreffen ") + cities[i]},
                   {"kind", "network_meeting"},
                   {"starts_at", "2099-11-13T08:00:00Z"},
                   {"ends_at", "2099-11-13T16:00:00Z"},
                   {"venue", {{"city", cities[i]}}},
                   {"description", "Ausbildung, Integration und „Arbeit“ — مرحبا"},
                   {"registration_open", true},
                   {"published", i != 1}};
      meeting_ids_.push_back(post("/v1/meetings", body, content_writer_).at("id").get<long long>());
    }
    const char* quotes[] = {"Integration gelingt nur gemeinsam.", "„Die Ausbildung hat mir Türen geöffnet.“",
                            "التدريب غير حياتي", "Работа — это мир", "کار و زبان 😀"};
    for (std::size_t i = 0; i < std::size(quotes); ++i) {
      json body = {{"quote", quotes[i]}, {"author_name", "Jürgen Müller"}, {"published", i % 2 == 0}};
      post("/v1/testimonials", body, content_writer_);
    }
    const char* names[][2] = {{"Jürgen", "Müller"}, {"Amina", "Ahmadi"}, {"Ольга", "Иванова"}, {"O'Brien", "100%_x"}};
    for (std::size_t i = 0; i < std::size(names); ++i) {
      json body = {{"meeting_id", meeting_ids_[0]},
                   {"first_name", names[i][0]},
                   {"last_name", names[i][1]},
                   {"email", "person" + std::to_string(i) + "@beispiel.example"},
                   {"organization", "Deutsche Bahn AG"}};
      post("/v1/registrations", body, registrations_writer_);
    }
  }

  static std::vector<Target> targets() {
    using K = Target::Key;
    std::string nested = "/v1/meetings/" + std::to_string(meeting_ids_.at(0)) + "/registrations";
    // Every query.text(...) of api/handlers/*.cc that a list reads.
    return {{"/v1/companies", "q", K::content},
            {"/v1/companies", "sector", K::content},
            {"/v1/initiatives", "q", K::content},
            {"/v1/meetings", "q", K::content},
            {"/v1/meetings", "city", K::content},
            {"/v1/testimonials", "q", K::content},
            {"/v1/registrations", "q", K::registrations, true},
            {nested, "q", K::registrations, true},
            {"/v1/changes", "since", K::feed},
            {"/v1/changes", "types", K::feed},
            {"/v1/people", "email", K::admin}};
  }

  // The Authorization of a request; content lists go anonymous (published rows only) or with a
  // reader's key (everything), which take different queries.
  static std::string key_for(const Target& target, bool anonymous) {
    switch (target.key) {
      case Target::Key::content:
        return anonymous ? "" : content_reader_;
      case Target::Key::registrations:
        return registrations_reader_;
      case Target::Key::feed:
        return feed_reader_;
      case Target::Key::admin:
        return admin_;
    }
    return "";
  }

  static Outcome over_http(KeepAliveClient& client, const std::string& path, const std::string& raw_query,
                           const std::string& key) {
    Headers headers;
    if (!key.empty()) headers = bearer(key);
    auto result = client.get(path + "?" + raw_query, headers);
    return {result.status, result.header("content-type").value_or(""), result.body};
  }

  // As server.cc's build() and onRequest() do it, without the socket.
  static Outcome in_process(const std::string& path, const std::string& raw_query, const std::string& key) {
    api::HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.raw_query = raw_query;
    request.client_address = "127.0.0.1";
    request.request_id = "search-input-test";
    request.headers["host"] = "127.0.0.1";
    if (!key.empty()) request.headers["authorization"] = "Bearer " + key;
    auto pairs = api::parse_query_string(raw_query);
    if (!pairs) return {400, "application/problem+json (the server's answer before routing)", ""};
    for (auto& [name, value] : *pairs) request.query[name] = std::move(value);
    std::string route;
    auto response = server_->app().handle(request, route);
    return {response.status, response.content_type, response.body};
  }

  // Whether an answer keeps the contract; failures are counted, the first ones printed in full.
  void check(const Target& target, const std::string& input, const std::string& raw_query, bool anonymous,
             const char* via, const Outcome& outcome) {
    ++requests_;
    ++statuses_[outcome.status];
    bool is_problem = outcome.content_type.rfind("application/problem+json", 0) == 0;
    bool json_body = outcome.content_type.rfind("application/json", 0) == 0;
    bool ok = (outcome.status == 200 && json_body) ||
              ((outcome.status == 400 || (outcome.status == 422 && target.accepts_422)) && is_problem);
    if (ok) return;
    ++failures_;
    if (failures_ > 25) return;
    ADD_FAILURE() << "GET " << target.path << "?" << raw_query << " (" << via << ", "
                  << (anonymous ? "anonymous" : "with a key") << ")\n  " << target.param << " = \"" << escaped(input)
                  << "\"\n  answered " << outcome.status << " " << outcome.content_type << ": "
                  << outcome.body.substr(0, 600);
  }

  static inline std::string content_writer_, registrations_writer_, content_reader_, registrations_reader_,
      feed_reader_, admin_;
  static inline std::vector<long long> meeting_ids_;

  long long requests_ = 0;
  long long failures_ = 0;
  std::map<int, long long> statuses_;
};

std::string summary(const std::map<int, long long>& statuses) {
  std::string out;
  for (const auto& [status, count] : statuses) out += " " + std::to_string(status) + "x" + std::to_string(count);
  return out;
}

// Fixed inputs, as raw (already encoded) query values, each to every target over real HTTP and
// in-process, anonymous and with a key.
TEST_F(SearchInputTest, RegressionInputsNeverFailTheServer) {
  const std::vector<std::string> raw_values = {
      "%25",        // q=% was 500: MariaDB 1064
      "a%20%25",    // a word and a percent sign
      "%2B%2D",     // + -
      "%22",        // "
      "%40",        // @
      "%2A",        // *
      "2024",       // only digits
      "%E2%80%9E",  // „
      "%E2%80%9EIntegration%E2%80%9C",
      "%25%25",
      "%5F",
      "%25%5F%25",
      "a%25b",
      "50%25Rabatt",
      "%3C%3E",
      "%28%29",
      "%7E",
      "a%2A",
      "%22a%22",
      "%40a",
      "a%40b",
      "%40%33",
      "%27",
      "%27%27",
      "%5C",
      "a%5Cb",
      "%5Cud800",
      "%5Cud83d%5Cude00",
      "%27%20OR%201%3D1%20--%20",
      "%2B",
      "-",
      "%2D%2D",
      "%2B%2B%2Bx",
      "%F0%9F%98%80",
      "%C3%A4",
      "%D9%85%D8%B1%D8%AD%D8%A8%D8%A7",
      "%D0%B9",
      "%DA%A9%D8%A7%D8%B1",
      "+",
      "%20",
      "%09",
      "%0A",
      "%00",
      "a%00b",
      "%C2%A0",
      "%E2%80%8B",
      "the",
      "und",
      "a",
      "x",
      "Ausbildung",
      "Bahn%2A",
      "%ED%A0%80",  // a surrogate as UTF-8 bytes (CESU): not UTF-8, 400 before routing
      "%FF",
      "%C3",
      "%",
      "%2",
      "%ZZ",
      "%%25",
      std::string(200, 'a'),
      std::string(201, 'a'),
      "%C3%A4" + std::string(199, 'b')};
  KeepAliveClient client(server_->port());
  for (const auto& target : targets()) {
    for (const auto& raw : raw_values) {
      std::string raw_query = target.param + "=" + raw;
      auto decoded = api::parse_query_string(raw_query);
      std::string input = decoded && !decoded->empty() ? decoded->back().second : "(not decodable) " + raw;
      for (bool anonymous : {true, false}) {
        if (anonymous && target.key != Target::Key::content) continue;
        std::string key = key_for(target, anonymous);
        check(target, input, raw_query, anonymous, "HTTP", over_http(client, target.path, raw_query, key));
        check(target, input, raw_query, anonymous, "in-process", in_process(target.path, raw_query, key));
      }
    }
  }
  std::cout << "[ regressions ] " << requests_ << " requests on " << client.connections()
            << " connection(s); statuses:" << summary(statuses_) << "\n";
  EXPECT_EQ(failures_, 0) << "of " << requests_ << " requests";
}

// The searches run against the seeded rows: a plain word finds them, also next to a percent sign.
TEST_F(SearchInputTest, SearchesFindTheSeededRows) {
  HttpClient client = server_->client();
  auto count = [&](const std::string& target, const std::string& key) {
    auto response = client.get(target, key.empty() ? Headers{} : bearer(key));
    if (response.status != 200) return -1 * response.status;
    return static_cast<int>(response.json().at("items").size());
  };
  EXPECT_GE(count("/v1/companies?q=Ausbildung", ""), 1);
  EXPECT_GE(count("/v1/companies?q=Ausbildung%20%25", ""), 1);
  EXPECT_GE(count("/v1/companies?sector=Verkehr", ""), 1);
  EXPECT_GE(count("/v1/initiatives?q=Sprachkurs", content_reader_), 1);
  EXPECT_GE(count("/v1/meetings?q=Netzwerktreffen", ""), 1);
  EXPECT_GE(count("/v1/meetings?city=Berlin", ""), 1);
  EXPECT_GE(count("/v1/testimonials?q=Integration", content_reader_), 1);
  EXPECT_GE(count("/v1/registrations?q=M%C3%BCller", registrations_reader_), 1);
  EXPECT_GE(count("/v1/registrations?q=100%25_", registrations_reader_), 1);
}

TEST_F(SearchInputTest, RandomInputsNeverFailTheServer) {
  std::uint64_t seed = std::random_device{}();
  seed = (seed << 32) ^ std::random_device{}();
  if (const char* value = std::getenv("ZUSAMMEN_SEARCH_SEED"); value != nullptr && *value != '\0') {
    seed = std::strtoull(value, nullptr, 10);
  }
  long long cases = env_number("ZUSAMMEN_SEARCH_CASES", kDefaultCases);
  std::cout << "[ search seed ] ZUSAMMEN_SEARCH_SEED=" << seed << " ZUSAMMEN_SEARCH_CASES=" << cases << " ("
            << (std::getenv("ZUSAMMEN_SEARCH_CASES") ? "from the environment" : kBuildKind) << ")" << std::endl;
  RecordProperty("search_seed", std::to_string(seed));

  Generator generator(seed);
  const auto all = targets();
  KeepAliveClient client(server_->port());
  long long over_http_count = 0;
  auto started = std::chrono::steady_clock::now();
  // Each string goes to every target (one request each) until the requests reach `cases`;
  // every fifth string over real HTTP, the others in-process.
  for (long long string_index = 0; requests_ < cases; ++string_index) {
    std::string input = generator.text();
    bool http = string_index % 5 == 0;
    for (const auto& target : all) {
      if (requests_ >= cases) break;
      std::string value = input;
      // Now and then an address around the input, so that /v1/people searches too.
      if (target.key == Target::Key::admin && generator.chance(50)) value = input + "@beispiel.example";
      bool anonymous = target.key == Target::Key::content && generator.chance(50);
      std::string raw_query = target.param + "=" + api::url_encode(value);
      // A second parameter now and then: q with the other filters of the list.
      if (target.path == "/v1/companies" && target.param == "q" && generator.chance(10)) {
        raw_query += "&sector=" + api::url_encode(input);
      }
      std::string key = key_for(target, anonymous);
      if (http) {
        ++over_http_count;
        check(target, value, raw_query, anonymous, "HTTP", over_http(client, target.path, raw_query, key));
      } else {
        check(target, value, raw_query, anonymous, "in-process", in_process(target.path, raw_query, key));
      }
    }
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ search ] " << requests_ << " requests (" << over_http_count << " over HTTP on "
            << client.connections() << " connection(s)) in " << seconds << " s; statuses:" << summary(statuses_)
            << std::endl;
  EXPECT_EQ(failures_, 0) << "of " << requests_ << " requests; replay with ZUSAMMEN_SEARCH_SEED=" << seed;

  // The server still answers.
  auto health = server_->client().get("/healthz");
  EXPECT_EQ(health.status, 200) << health.body;
}

}  // namespace
}  // namespace zusammen::testing
