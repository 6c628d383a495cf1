// sql::fulltext_terms: q as InnoDB boolean-mode terms. The rule: every ASCII byte that is not
// [A-Za-z0-9_] separates words, bytes >= 0x80 stay in the word (the full-text tokenizer decides
// what a multi-byte character is), and each word becomes "+word*", joined by single spaces.
// No word at all: nullopt. Expected values are written out by hand from that rule.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "service/repositories/sql.h"

namespace zusammen::service::sql {
namespace {

using Terms = std::optional<std::string>;

TEST(FulltextTerms, OneWordBecomesARequiredPrefix) {
  EXPECT_EQ(fulltext_terms("Ausbildung"), Terms("+Ausbildung*"));
  EXPECT_EQ(fulltext_terms("x"), Terms("+x*"));
}

TEST(FulltextTerms, EveryWordIsRequiredInOrder) {
  EXPECT_EQ(fulltext_terms("Deutsche Bahn"), Terms("+Deutsche* +Bahn*"));
  EXPECT_EQ(fulltext_terms("Robert Bosch GmbH"), Terms("+Robert* +Bosch* +GmbH*"));
}

TEST(FulltextTerms, RunsOfSeparatorsAndOuterSeparatorsLeaveNoEmptyWords) {
  EXPECT_EQ(fulltext_terms("  a  ,, b  "), Terms("+a* +b*"));
  EXPECT_EQ(fulltext_terms("\tBahn\r\n"), Terms("+Bahn*"));
  EXPECT_EQ(fulltext_terms("...Bahn..."), Terms("+Bahn*"));
}

TEST(FulltextTerms, NothingButSeparatorsIsNoSearch) {
  EXPECT_EQ(fulltext_terms(""), std::nullopt);
  EXPECT_EQ(fulltext_terms(" "), std::nullopt);
  EXPECT_EQ(fulltext_terms("\t\n\r "), std::nullopt);
  EXPECT_EQ(fulltext_terms("%"), std::nullopt);
  EXPECT_EQ(fulltext_terms("%%%"), std::nullopt);
  EXPECT_EQ(fulltext_terms("+-<>()~*\"@"), std::nullopt);
  EXPECT_EQ(fulltext_terms(".,;:!?'/\\"), std::nullopt);
  EXPECT_EQ(fulltext_terms("&=#[]{}|^`$"), std::nullopt);
  EXPECT_EQ(fulltext_terms(std::string("\0\x01\x1f\x7f", 4)), std::nullopt);
}

TEST(FulltextTerms, BooleanOperatorsNeverReachTheParser) {
  EXPECT_EQ(fulltext_terms("+Bahn -Bus"), Terms("+Bahn* +Bus*"));
  EXPECT_EQ(fulltext_terms("<Bahn >Bus"), Terms("+Bahn* +Bus*"));
  EXPECT_EQ(fulltext_terms("(Bahn Bus)"), Terms("+Bahn* +Bus*"));
  EXPECT_EQ(fulltext_terms("~Bahn"), Terms("+Bahn*"));
  EXPECT_EQ(fulltext_terms("Bahn*"), Terms("+Bahn*"));
  EXPECT_EQ(fulltext_terms("Bahn**"), Terms("+Bahn*"));
  EXPECT_EQ(fulltext_terms("\"Deutsche Bahn\""), Terms("+Deutsche* +Bahn*"));
  EXPECT_EQ(fulltext_terms("\"Deutsche Bahn\"@3"), Terms("+Deutsche* +Bahn* +3*"));
  EXPECT_EQ(fulltext_terms("@home"), Terms("+home*"));
  EXPECT_EQ(fulltext_terms("a+b-c<d>e(f)g~h*i\"j@k"), Terms("+a* +b* +c* +d* +e* +f* +g* +h* +i* +j* +k*"));
}

TEST(FulltextTerms, PercentSeparatesWords) {
  // q=% was a MariaDB syntax error (1064): the boolean parser has no rule for '%'.
  EXPECT_EQ(fulltext_terms("a %"), Terms("+a*"));
  EXPECT_EQ(fulltext_terms("% a"), Terms("+a*"));
  EXPECT_EQ(fulltext_terms("50%"), Terms("+50*"));
  EXPECT_EQ(fulltext_terms("50%Rabatt"), Terms("+50* +Rabatt*"));
  EXPECT_EQ(fulltext_terms("%25"), Terms("+25*"));  // already decoded: "%25" is a percent sign and "25"
}

TEST(FulltextTerms, UnderscoreStaysInTheWord) {
  EXPECT_EQ(fulltext_terms("snake_case"), Terms("+snake_case*"));
  EXPECT_EQ(fulltext_terms("_"), Terms("+_*"));
  EXPECT_EQ(fulltext_terms("__init__"), Terms("+__init__*"));
  EXPECT_EQ(fulltext_terms("%_%"), Terms("+_*"));
}

TEST(FulltextTerms, DigitsAreWords) {
  EXPECT_EQ(fulltext_terms("2024"), Terms("+2024*"));
  EXPECT_EQ(fulltext_terms("0"), Terms("+0*"));
  EXPECT_EQ(fulltext_terms("13.11.2018"), Terms("+13* +11* +2018*"));
  EXPECT_EQ(fulltext_terms("A-17"), Terms("+A* +17*"));
}

TEST(FulltextTerms, QuotesBackslashesAndSqlLookalikesSeparate) {
  EXPECT_EQ(fulltext_terms("O'Brien"), Terms("+O* +Brien*"));
  EXPECT_EQ(fulltext_terms("a\\b"), Terms("+a* +b*"));
  EXPECT_EQ(fulltext_terms("'; DROP TABLE companies; --"), Terms("+DROP* +TABLE* +companies*"));
  EXPECT_EQ(fulltext_terms("' OR 1=1 -- "), Terms("+OR* +1* +1*"));
  // A lone surrogate written as an escape is plain ASCII text: a backslash, then a word.
  EXPECT_EQ(fulltext_terms("\\ud800"), Terms("+ud800*"));
  EXPECT_EQ(fulltext_terms("\\ud83d\\ude00x"), Terms("+ud83d* +ude00x*"));
}

TEST(FulltextTerms, UmlautsAndSharpSStayInTheWord) {
  EXPECT_EQ(fulltext_terms("Müller"), Terms("+Müller*"));
  EXPECT_EQ(fulltext_terms("Übergänge größer"), Terms("+Übergänge* +größer*"));
  EXPECT_EQ(fulltext_terms("Straße,Köln"), Terms("+Straße* +Köln*"));
}

TEST(FulltextTerms, TypographicQuotesAreNotAsciiSoTheyStayInTheWord) {
  // „ (E2 80 9E) and “ (E2 80 9C): bytes >= 0x80; the tokenizer decides what they are.
  EXPECT_EQ(fulltext_terms("„Integration“"), Terms("+„Integration“*"));
  EXPECT_EQ(fulltext_terms("„"), Terms("+„*"));
  EXPECT_EQ(fulltext_terms("„ Bahn “"), Terms("+„* +Bahn* +“*"));
}

TEST(FulltextTerms, ArabicCyrillicAndDariStayWhole) {
  EXPECT_EQ(fulltext_terms("مرحبا بكم"), Terms("+مرحبا* +بكم*"));
  EXPECT_EQ(fulltext_terms("Привет, мир!"), Terms("+Привет* +мир*"));
  EXPECT_EQ(fulltext_terms("سلام دوستان"), Terms("+سلام* +دوستان*"));
  EXPECT_EQ(fulltext_terms("Ausbildung-تدريب"), Terms("+Ausbildung* +تدريب*"));
}

TEST(FulltextTerms, FourByteCharactersStayWhole) {
  EXPECT_EQ(fulltext_terms("😀"), Terms("+😀*"));
  EXPECT_EQ(fulltext_terms("Team😀Bahn"), Terms("+Team😀Bahn*"));
  EXPECT_EQ(fulltext_terms("😀 %"), Terms("+😀*"));
}

TEST(FulltextTerms, AnyByteFrom0x80StaysEvenWhenNotUtf8) {
  // The service refuses such input before (400), but the rule is bytewise.
  EXPECT_EQ(fulltext_terms("a\xff"
                           "b"),
            Terms("+a\xff"
                  "b*"));
  EXPECT_EQ(fulltext_terms("\x80"), Terms("+\x80*"));
}

TEST(FulltextTerms, LongWordsAreKeptWhole) {
  std::string word(300, 'w');
  EXPECT_EQ(fulltext_terms(word), Terms("+" + word + "*"));
  EXPECT_EQ(fulltext_terms(word + "%" + word), Terms("+" + word + "* +" + word + "*"));
}

// Every ASCII byte between two letters: the 63 word bytes join them, the other 65 split them.
TEST(FulltextTerms, EachAsciiByteEitherJoinsOrSeparates) {
  const std::string word_bytes = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
  int joined = 0;
  for (int c = 0; c < 0x80; ++c) {
    std::string middle(1, static_cast<char>(c));
    auto terms = fulltext_terms("x" + middle + "y");
    if (word_bytes.find(static_cast<char>(c)) != std::string::npos) {
      EXPECT_EQ(terms, Terms("+x" + middle + "y*")) << "byte " << c;
      ++joined;
    } else {
      EXPECT_EQ(terms, Terms("+x* +y*")) << "byte " << c;
    }
  }
  EXPECT_EQ(joined, 63);
}

}  // namespace
}  // namespace zusammen::service::sql
