// api::dump writes exactly what nlohmann's dump writes (compact, UTF-8 kept, invalid UTF-8
// replaced): checked against nlohmann itself on generated documents full of what escaping gets
// wrong: quotes, backslashes, every control byte, DEL, multi-byte UTF-8, invalid and truncated
// sequences, encoded surrogates, extreme integers, floats, empty and nested containers.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "api/json/json_util.h"

namespace zusammen::api {
namespace {

std::string reference(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const std::vector<std::string> kPieces = {"",
                                          "a",
                                          "Straße",
                                          "„Wir zusammen“",
                                          "\"",
                                          "\\",
                                          "/",
                                          "\b",
                                          "\f",
                                          "\n",
                                          "\r",
                                          "\t",
                                          std::string(1, '\0'),
                                          "\x1f",
                                          "\x7f",
                                          "😀",
                                          "Мост",
                                          "جسر",
                                          "\xc3",          // truncated
                                          "\xed\xa0\x80",  // an encoded surrogate
                                          "\xc0\xaf",      // overlong
                                          "\xff",
                                          "\xf4\x90\x80\x80",  // above U+10FFFF
                                          "u00e9",
                                          "\\u0041"};

std::string random_text(std::mt19937& random, bool valid_only) {
  std::string out;
  int pieces = static_cast<int>(random() % 6);
  for (int i = 0; i < pieces; ++i) {
    const std::string& piece = kPieces[random() % kPieces.size()];
    if (valid_only && nlohmann::json(piece).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) !=
                          nlohmann::json(piece).dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore)) {
      continue;
    }
    out += piece;
  }
  if (random() % 10 == 0) out += std::string(random() % 300, 'x');
  return out;
}

nlohmann::json random_value(std::mt19937& random, int depth, bool valid_only) {
  switch (random() % (depth > 3 ? 6 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2: {
      std::vector<long long> ints = {0,
                                     -1,
                                     1,
                                     42,
                                     std::numeric_limits<long long>::min(),
                                     std::numeric_limits<long long>::max(),
                                     static_cast<long long>(random())};
      return ints[random() % ints.size()];
    }
    case 3:
      return std::numeric_limits<std::uint64_t>::max() - random() % 3;
    case 4:
      return valid_only ? nlohmann::json(7) : nlohmann::json(static_cast<double>(random()) / 7.0);
    case 5:
      return random_text(random, valid_only);
    case 6: {
      nlohmann::json array = nlohmann::json::array();
      int n = static_cast<int>(random() % 4);
      for (int i = 0; i < n; ++i) array.push_back(random_value(random, depth + 1, valid_only));
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      int n = static_cast<int>(random() % 5);
      for (int i = 0; i < n; ++i) object[random_text(random, valid_only)] = random_value(random, depth + 1, valid_only);
      return object;
    }
  }
}

TEST(JsonDump, WritesWhatNlohmannWrites) {
  std::mt19937 random(20261207);
  for (int i = 0; i < 20000; ++i) {
    nlohmann::json value = random_value(random, 0, i % 2 == 0);
    ASSERT_EQ(dump(value), reference(value)) << "case " << i;
  }
}

TEST(JsonDump, EscapesAsJsonDemands) {
  nlohmann::json value = {{"text", std::string("a\"b\\c\n\x01\x7f") + "ü"}};
  EXPECT_EQ(dump(value), std::string("{\"text\":\"a\\\"b\\\\c\\n\\u0001\x7f") + "ü\"}");
  // Invalid UTF-8 is replaced, not thrown.
  EXPECT_EQ(dump(nlohmann::json("a\xff")), "\"a\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace zusammen::api
