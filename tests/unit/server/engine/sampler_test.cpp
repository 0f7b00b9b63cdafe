#include "engine/sampler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace sbench::server::engine {
namespace {

TEST(Sampler, GreedyTakesTheLowestIndexAmongEqualMaxima) {
  Sampler sampler(0.0f, 1.0f, 1);
  const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(sampler.sample(logits), 1);
}

TEST(Sampler, GreedyMatchesTheFirstMaximumAcrossVocabularySizedRows) {
  // Rows of the vocabulary's size, whose maxima fall in different blocks of
  // the search, repeated, first, last, or all equal.
  Sampler sampler(0.0f, 1.0f, 1);
  for (const std::size_t size : {1u, 63u, 64u, 65u, 32000u}) {
    for (std::size_t seed = 0; seed < 20; ++seed) {
      std::vector<float> logits(size);
      for (std::size_t i = 0; i < size; ++i)
        logits[i] = static_cast<float>((i * 2654435761u + seed * 40503u) % 1000) / 100.0f - 5.0f;
      if (seed % 4 == 1)
        logits.back() = 6.0f;
      if (seed % 4 == 2)
        std::fill(logits.begin(), logits.end(), -2.0f);
      if (seed % 4 == 3)
        logits[size / 2] = logits[size - 1] = 7.0f;
      const auto expected = std::max_element(logits.begin(), logits.end()) - logits.begin();
      EXPECT_EQ(sampler.sample(logits), expected) << size << " logits, seed " << seed;
    }
  }
  const float infinity = std::numeric_limits<float>::infinity();
  EXPECT_EQ(sampler.sample(std::vector<float>{-infinity, -infinity}), 0);
  EXPECT_EQ(sampler.sample(std::vector<float>{1.0f, std::nanf(""), 3.0f}), 2) << "NaNs passed over";
}

TEST(Sampler, SameSeedSameTokens) {
  const std::vector<float> logits = {1.0f, 1.2f, 0.8f, 1.1f, 0.9f};
  Sampler a(1.0f, 1.0f, 42), b(1.0f, 1.0f, 42), c(1.0f, 1.0f, 43);
  std::vector<int> from_a, from_b, from_c;
  for (int i = 0; i < 64; ++i) {
    from_a.push_back(a.sample(logits));
    from_b.push_back(b.sample(logits));
    from_c.push_back(c.sample(logits));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
}

TEST(Sampler, FollowsTheSoftmaxAndTemperature) {
  const std::vector<float> logits = {0.0f, 0.0f, -100.0f};
  Sampler sampler(1.0f, 1.0f, 7);
  int first = 0;
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    const int token = sampler.sample(logits);
    ASSERT_NE(token, 2) << "a token with negligible probability was drawn";
    first += token == 0 ? 1 : 0;
  }
  EXPECT_NEAR(first, kDraws / 2, kDraws / 20);

  Sampler cold(0.01f, 1.0f, 7);
  const std::vector<float> close = {1.0f, 1.2f};
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(cold.sample(close), 1);
}

TEST(Sampler, TopPDrawsOnlyFromTheNucleus) {
  // Probabilities 0.5, 0.3, 0.2: top_p 0.7 keeps the first two.
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  Sampler nucleus(1.0f, 0.7f, 3);
  int first = 0;
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    const int token = nucleus.sample(logits);
    ASSERT_NE(token, 2) << "a token outside the nucleus was drawn";
    first += token == 0 ? 1 : 0;
  }
  EXPECT_NEAR(first, kDraws * 5 / 8, kDraws / 20);  // 0.5 / (0.5 + 0.3)

  Sampler tiny(1.0f, 0.01f, 3);  // only the most likely token is left
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(tiny.sample(logits), 0);
}

}  // namespace
}  // namespace sbench::server::engine
