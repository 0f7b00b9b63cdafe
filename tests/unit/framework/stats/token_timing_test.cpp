#include "sbench/stats/token_timing.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sbench::stats {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
const std::chrono::steady_clock::time_point t0{};
constexpr TokenCountSource kServer = TokenCountSource::server;

TokenChunk chunk(int at_ms, std::size_t tokens) {
  return {t0 + milliseconds(at_ms), tokens};
}

TEST(TokenTiming, TtftIsToFirstTokenNotFirstEvent) {
  // A role chunk with no token at 20 ms, then one token per chunk.
  const std::vector<TokenChunk> chunks{chunk(20, 0), chunk(100, 1), chunk(110, 1), chunk(130, 1)};
  const TokenTiming timing = time_tokens(t0, chunks, t0 + milliseconds(140), 3, kServer);
  ASSERT_TRUE(timing.time_to_first_token);
  EXPECT_EQ(*timing.time_to_first_token, milliseconds(100));
  EXPECT_EQ(timing.inter_token_latencies,
            (std::vector<nanoseconds>{milliseconds(10), milliseconds(20)}));
  EXPECT_EQ(timing.token_chunks, 3u);
  EXPECT_EQ(timing.tokens, 3u);
  EXPECT_TRUE(timing.usage_matches_stream());
  EXPECT_EQ(timing.total, milliseconds(140));
  EXPECT_DOUBLE_EQ(timing.decode_tokens_per_second, 2 / 0.030);
}

TEST(TokenTiming, MultiTokenChunkSpreadsItsGap) {
  const std::vector<TokenChunk> chunks{chunk(50, 1), chunk(80, 3)};
  const TokenTiming timing = time_tokens(t0, chunks, t0 + milliseconds(80), std::nullopt, kServer);
  EXPECT_EQ(timing.inter_token_latencies,
            (std::vector<nanoseconds>{milliseconds(10), milliseconds(10), milliseconds(10)}));
  EXPECT_EQ(timing.tokens, 4u);
}

TEST(TokenTiming, TokensSharingTheFirstChunkNeverInheritTtft) {
  const std::vector<TokenChunk> chunks{chunk(500, 2), chunk(510, 1)};
  const TokenTiming timing = time_tokens(t0, chunks, t0 + milliseconds(510), 3, kServer);
  EXPECT_EQ(*timing.time_to_first_token, milliseconds(500));
  EXPECT_EQ(timing.inter_token_latencies,
            (std::vector<nanoseconds>{nanoseconds(0), milliseconds(10)}));
}

TEST(TokenTiming, UsageCountWinsOverChunkCount) {
  const std::vector<TokenChunk> chunks{chunk(10, 1), chunk(20, 1)};
  const TokenTiming timing = time_tokens(t0, chunks, t0 + milliseconds(20), 5, kServer);
  EXPECT_EQ(timing.tokens, 5u);
  EXPECT_EQ(timing.streamed_tokens, 2u);
  EXPECT_FALSE(timing.usage_matches_stream());
}

TEST(TokenTiming, NoTokensMeansNoTtft) {
  const std::vector<TokenChunk> chunks{chunk(10, 0)};
  const TokenTiming timing = time_tokens(t0, chunks, t0 + milliseconds(10), std::nullopt, kServer);
  EXPECT_FALSE(timing.time_to_first_token);
  EXPECT_TRUE(timing.inter_token_latencies.empty());
  EXPECT_DOUBLE_EQ(timing.decode_tokens_per_second, 0);
}

TEST(TokenTiming, UsageWithinOneTokenOfTheStreamMatches) {
  const std::vector<TokenChunk> chunks{chunk(10, 1), chunk(20, 1), chunk(30, 1)};
  EXPECT_TRUE(time_tokens(t0, chunks, t0 + milliseconds(30), 4, kServer).usage_matches_stream());
  EXPECT_TRUE(time_tokens(t0, chunks, t0 + milliseconds(30), 2, kServer).usage_matches_stream());
  EXPECT_FALSE(time_tokens(t0, chunks, t0 + milliseconds(30), 5, kServer).usage_matches_stream());
  EXPECT_FALSE(time_tokens(t0, chunks, t0 + milliseconds(30), 1, kServer).usage_matches_stream());
}

TEST(TokenTiming, NonStreamedAnswersAreNeverAMismatch) {
  const TokenTiming timing = time_tokens(t0, {}, t0 + milliseconds(30), 7, std::nullopt);
  EXPECT_FALSE(timing.streamed());
  EXPECT_TRUE(timing.usage_matches_stream());
  EXPECT_EQ(timing.tokens, 7u);
}

TEST(TokenTiming, SourceNamesAreTheResultsWords) {
  EXPECT_EQ(to_string(TokenCountSource::server), "server");
  EXPECT_EQ(to_string(TokenCountSource::chunks_estimated), "chunks (estimated)");
}

}  // namespace
}  // namespace sbench::stats
