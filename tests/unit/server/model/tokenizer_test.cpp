#include "sbench/server/tokenizer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sbench::server {
namespace {

TEST(ByteTokenizer, Utf8TextRoundTripsThroughByteIds) {
  const ByteTokenizer tokenizer(259);
  const std::string text = "héllo wörld ✓ 日本語\n\t\x01";
  const std::vector<int> tokens = tokenizer.encode(text);
  ASSERT_EQ(tokens.size(), text.size());  // one token per byte, multi-byte characters included
  EXPECT_EQ(tokens[0], 'h' + 3);
  EXPECT_EQ(tokens[1], 0xC3 + 3);  // first byte of 'é'
  EXPECT_EQ(tokenizer.decode(tokens), text);
}

TEST(ByteTokenizer, IdsWithoutTextDecodeToPlaceholders) {
  const ByteTokenizer tokenizer(32000);
  EXPECT_EQ(tokenizer.decode(ByteTokenizer::kUnk), "<unk>");
  EXPECT_EQ(tokenizer.decode(ByteTokenizer::kBos), "<s>");
  EXPECT_EQ(tokenizer.decode(ByteTokenizer::kEos), "</s>");
  EXPECT_EQ(tokenizer.decode(259), "<tok:259>");
  EXPECT_EQ(tokenizer.decode(31999), "<tok:31999>");
  EXPECT_EQ(tokenizer.decode(std::vector<int>{3 + 'a', 1000, 3 + 'b'}), "a<tok:1000>b");
}

TEST(ByteTokenizer, RejectsVocabularyWithoutAllBytes) {
  EXPECT_THROW(ByteTokenizer(258), std::invalid_argument);
}

TEST(SyntheticPrompt, IsDeterministicPrintableAndExactlyAsLongAsAsked) {
  const std::vector<int> prompt = synthetic_prompt(500, 11);
  EXPECT_EQ(prompt.size(), 500u);
  EXPECT_EQ(prompt, synthetic_prompt(500, 11));
  EXPECT_NE(prompt, synthetic_prompt(500, 12));
  const std::string text = ByteTokenizer(259).decode(prompt);
  for (char c : text)
    EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << static_cast<int>(c);
  // A longer prompt from the same seed starts with the shorter one, so a
  // benchmark can grow a context without changing what it already holds.
  const std::vector<int> longer = synthetic_prompt(600, 11);
  EXPECT_TRUE(std::equal(prompt.begin(), prompt.end(), longer.begin()));
  EXPECT_TRUE(synthetic_prompt(0, 1).empty());
}

}  // namespace
}  // namespace sbench::server
