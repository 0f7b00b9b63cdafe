#include <gtest/gtest.h>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

TEST(MultiTurn, SecondTurnReusesTheCachedPrefixExactly) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::vector<int> first = text_tokens(engine, "User: hello there.\nAssistant:");
  const std::vector<int> second = text_tokens(engine, "\nUser: and again?\nAssistant:");
  constexpr int kTokens = 6;

  const std::string agent = engine.create_agent("conversation");
  const Outcome turn1 = generate_sync(engine, agent, greedy(first, kTokens));
  ASSERT_TRUE(turn1.ok());
  EXPECT_EQ(turn1.result->usage.cached_tokens, 0);
  const Outcome turn2 = generate_sync(engine, agent, greedy(second, kTokens));
  ASSERT_TRUE(turn2.ok());
  const int history = static_cast<int>(first.size()) + kTokens;
  EXPECT_EQ(turn2.result->usage.cached_tokens, history - 1)
      << "all of the first turn but its last sampled token is reused";
  EXPECT_EQ(turn2.result->usage.prompt_tokens, static_cast<int>(second.size()));

  const std::string fresh = engine.create_agent("whole-history");
  const Outcome whole =
      generate_sync(engine, fresh, greedy(concat(concat(first, turn1.tokens()), second), kTokens));
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(turn2.tokens(), whole.tokens()) << "prefix reuse changed the tokens";

  const EngineStats stats = engine.stats();
  EXPECT_EQ(stats.cached_tokens_total, static_cast<std::uint64_t>(history - 1));
  EXPECT_EQ(stats.prompt_tokens_total,
            first.size() + second.size() + first.size() + turn1.tokens().size() + second.size());
}

TEST(MultiTurn, EmptyPromptContinuesTheContext) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::vector<int> prompt = text_tokens(engine, "Counting: one two three");
  const std::string split = engine.create_agent("split");
  const Outcome part1 = generate_sync(engine, split, greedy(prompt, 4));
  const Outcome part2 = generate_sync(engine, split, greedy({}, 4));
  ASSERT_TRUE(part1.ok() && part2.ok());

  const std::string whole = engine.create_agent("whole");
  const Outcome all = generate_sync(engine, whole, greedy(prompt, 8));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(concat(part1.tokens(), part2.tokens()), all.tokens());
}

}  // namespace
}  // namespace sbench::server::testing
