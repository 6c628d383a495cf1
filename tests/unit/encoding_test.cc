// base64url, hex, SHA-256, FNV-1a, random bytes and the UTF-8 check, against
// known vectors (RFC 4648, FIPS 180-2, the FNV reference) and edge cases.
#include "service/encoding.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace zusammen::service {
namespace {

TEST(SplitList, KeepsTheNonEmptyPartsInOrder) {
  using List = std::vector<std::string>;
  EXPECT_EQ(split_list("content:read,admin"), (List{"content:read", "admin"}));
  EXPECT_EQ(split_list(",a,,b,"), (List{"a", "b"}));
  EXPECT_EQ(split_list(""), List{});
  EXPECT_EQ(split_list(","), List{});
  EXPECT_EQ(split_list("eins"), (List{"eins"}));
  EXPECT_EQ(split_list("a b;c", ';'), (List{"a b", "c"}));
}

TEST(Base64Url, Rfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(text)).value_or("<none>"), text);
  }
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
  // Standard base64 would be "+/8" and "+/+/".
  EXPECT_EQ(base64url_encode("\xFB\xFF"), "-_8");
  EXPECT_EQ(base64url_encode("\xFB\xEF\xBE"), "----");
  EXPECT_EQ(base64url_encode("\xFF\xFF\xFF"), "____");
  EXPECT_EQ(base64url_decode("-_8").value_or("<none>"), "\xFB\xFF");
}

TEST(Base64Url, EveryByteValueRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string encoded = base64url_encode(all);
  EXPECT_EQ(encoded.size(), (256u * 4 + 2) / 3);
  EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(base64url_decode(encoded).value_or("<none>"), all);

  // Every single byte alone, and every length of a byte string up to 64.
  for (int b = 0; b < 256; ++b) {
    std::string one(1, static_cast<char>(b));
    EXPECT_EQ(base64url_decode(base64url_encode(one)).value_or("<none>"), one) << b;
  }
  for (std::size_t length = 0; length <= 64; ++length) {
    std::string bytes = random_bytes(length);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)).value_or("<none>"), bytes) << length;
  }
}

TEST(Base64Url, RejectsCharactersOutsideTheAlphabet) {
  for (const char* text : {"Zm9v=", "Zg==", "Zm+v", "Zm/v", "Zm9v Yg", "Zm9v\n", "Zm9v.", "Zm9v%", "Zm9ü", "\x80"}) {
    EXPECT_FALSE(base64url_decode(text).has_value()) << text;
  }
}

TEST(Base64Url, RejectsImpossibleLengthsAndNonZeroPaddingBits) {
  EXPECT_FALSE(base64url_decode("Z").has_value());        // 6 bits: not a byte
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());    // 4n+1 characters
  EXPECT_FALSE(base64url_decode("Zh").has_value());       // "f" is Zg; Zh leaves a 1 in the padding bits
  EXPECT_FALSE(base64url_decode("Zm9").has_value());      // "fo" is Zm8
  EXPECT_FALSE(base64url_decode("Zm9vYmF").has_value());  // "fooba" is Zm9vYmE
  EXPECT_TRUE(base64url_decode("Zg").has_value());
  EXPECT_TRUE(base64url_decode("Zm8").has_value());
}

TEST(Hex, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\x0f\x10\xab\xff", 6)), "00010f10abff");
}

TEST(Hex, DecodesEitherCaseAndRefusesWhatIsNoHex) {
  EXPECT_EQ(hex_decode(""), std::string());
  EXPECT_EQ(hex_decode("00010f10abFF"), std::string("\x00\x01\x0f\x10\xab\xff", 6));
  EXPECT_EQ(hex_decode("0209"), std::string("\x02\x09", 2));
  EXPECT_EQ(hex_decode("abc"), std::nullopt);
  EXPECT_EQ(hex_decode("0g"), std::nullopt);
  EXPECT_EQ(hex_decode(" 1"), std::nullopt);
  std::string every;
  for (int b = 0; b < 256; ++b) every.push_back(static_cast<char>(b));
  EXPECT_EQ(hex_decode(hex_encode(every)), every);
}

TEST(Utf8, EveryCodePointRoundTripsAndMalformedTextIsRefused) {
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string text = utf8_encode(c);
    std::size_t at = 0;
    auto decoded = next_code_point(text, at);
    ASSERT_EQ(decoded, std::optional<char32_t>(c));
    ASSERT_EQ(at, text.size());
  }
  for (std::string bad : {std::string("\xc0\x80"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
                          std::string("\xc3"), std::string("\x80"), std::string("\xff")}) {
    std::size_t at = 0;
    EXPECT_EQ(next_code_point(bad, at), std::nullopt);
    EXPECT_EQ(at, 0u);
    EXPECT_FALSE(is_valid_utf8(bad));
  }
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abc").size(), 64u);
}

TEST(Fnv1a64, KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);  // the offset basis
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_NE(fnv1a64("ab"), fnv1a64("ba"));
}

// No reference vectors exist for this hash (it is ours): what an ETag needs is checked instead.
// Deterministic, every length and tail byte counts, and a one-bit change anywhere changes it.
TEST(ContentHash64, EveryByteAndTheLengthCount) {
  EXPECT_EQ(content_hash64("Wir zusammen"), content_hash64(std::string("Wir ") + "zusammen"));
  std::set<std::uint64_t> seen;
  std::string text;
  for (int length = 0; length <= 40; ++length) {
    EXPECT_TRUE(seen.insert(content_hash64(text)).second) << "length " << length;
    text.push_back('\0');  // zeros only: the length alone must tell them apart
  }
  std::string body = R"({"items":[{"id":1,"title":"Sprachförderung für Geflüchtete"}],"next_cursor":null})";
  std::uint64_t original = content_hash64(body);
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = body;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      EXPECT_NE(content_hash64(changed), original) << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_NE(content_hash64("ab"), content_hash64("ba"));
  EXPECT_NE(content_hash64("abcdefgh12345678"), content_hash64("12345678abcdefgh"));
}

TEST(RandomBytes, SizeAndVariety) {
  EXPECT_EQ(random_bytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    std::string bytes = random_bytes(32);
    EXPECT_EQ(bytes.size(), 32u);
    seen.insert(bytes);
  }
  EXPECT_EQ(seen.size(), 16u);
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  for (const std::string& text :
       {std::string(""), std::string("Deutsche Bahn"), std::string("Grüße aus Köln, Straße"),
        std::string("„Gelungene Integration geht nur zusammen!“"), std::string("– … € ß"),
        std::string("\xF0\x9F\x98\x80 \xF0\x9F\x87\xA9\xF0\x9F\x87\xAA"),       // 😀 🇩🇪
        std::string("\x7F"), std::string("\xC2\x80"), std::string("\xDF\xBF"),  // U+0080, U+07FF
        std::string("\xE0\xA0\x80"), std::string("\xED\x9F\xBF"),               // U+0800, U+D7FF
        std::string("\xEE\x80\x80"), std::string("\xEF\xBF\xBD"),               // U+E000, U+FFFD
        std::string("\xF0\x90\x80\x80"), std::string("\xF4\x8F\xBF\xBF"),       // U+10000, U+10FFFF
        std::string("a\0b", 3)}) {
    EXPECT_TRUE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

TEST(IsValidUtf8, RejectsOverlongEncodings) {
  for (const std::string& text :
       {std::string("\xC0\x80"), std::string("\xC0\xAF"), std::string("\xC1\xBF"), std::string("\xE0\x80\x80"),
        std::string("\xE0\x9F\xBF"), std::string("\xF0\x80\x80\x80"), std::string("\xF0\x8F\xBF\xBF")}) {
    EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

TEST(IsValidUtf8, RejectsSurrogatesAndBeyondUnicode) {
  for (const std::string& text :
       {std::string("\xED\xA0\x80"), std::string("\xED\xAD\xBF"), std::string("\xED\xB0\x80"),
        std::string("\xED\xBF\xBF"), std::string("\xED\xA0\xBD\xED\xB8\x80"),  // CESU-8 of U+1F600
        std::string("\xF4\x90\x80\x80"), std::string("\xF7\xBF\xBF\xBF")}) {
    EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

TEST(IsValidUtf8, RejectsTruncatedAndBrokenSequences) {
  for (const std::string& text : {std::string("\xC3"), std::string("Gr\xC3"), std::string("\xE2\x80"),
                                  std::string("\xF0\x9F\x98"), std::string("\xC3\x28"), std::string("\xE2\x28\xA1"),
                                  std::string("\xE2\x82\x28"), std::string("\xF0\x28\x8C\xBC"), std::string("\x80"),
                                  std::string("\xBF"), std::string("a\x80z"), std::string("\xF8\x88\x80\x80\x80"),
                                  std::string("\xFC\x84\x80\x80\x80\x80"), std::string("\xFE"), std::string("\xFF"),
                                  std::string("Gr\xFC\xDF"
                                              "e")}) {  // Latin-1 "Grüße"
    EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

// ASCII is skipped eight bytes at a step: a character at any place in a long text, before,
// across and after such steps, is judged as it is alone.
TEST(IsValidUtf8, JudgesACharacterAtEveryPlaceInALongText) {
  const std::vector<std::string> good = {"\xC3\xBC", "\xE2\x80\x9E", "\xF0\x9F\x98\x80", "\x7F"};
  const std::vector<std::string> bad = {"\xC3",         "\xE2\x80", "\xF0\x9F\x98", "\x80",
                                        "\xED\xA0\x80", "\xC0\xAF", "\xFF",         "\xF4\x90\x80\x80"};
  for (std::size_t before = 0; before <= 19; ++before) {
    for (std::size_t after : {0u, 1u, 7u, 8u, 13u}) {
      std::string head(before, 'a');
      std::string tail(after, 'z');
      for (const auto& c : good) EXPECT_TRUE(is_valid_utf8(head + c + tail)) << before << " " << after;
      for (const auto& c : bad) {
        EXPECT_FALSE(is_valid_utf8(head + c + tail)) << testing::PrintToString(c) << " " << before << " " << after;
        EXPECT_FALSE(is_valid_utf8(head + "\xC3\xBC" + head + c + tail)) << testing::PrintToString(c);
      }
    }
  }
}

}  // namespace
}  // namespace zusammen::service
