#include <gtest/gtest.h>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

TEST(Batching, ConcurrentAgentsGetExactlyTheTokensTheyGetAlone) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::vector<std::string> prompts = {
      "Once upon a time", "The quick brown fox jumps over the lazy dog", "x",
      "Semantic caching keeps each agent's context", "1 2 3 4 5 6 7 8 9 10 11 12 13"};
  constexpr int kMaxTokens = 8;

  std::vector<std::vector<int>> alone;
  std::uint64_t alone_steps = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const std::string agent = engine.create_agent("alone-" + std::to_string(i));
    const std::uint64_t before = engine.stats().decode_steps_total;
    const Outcome outcome =
        generate_sync(engine, agent, greedy(text_tokens(engine, prompts[i]), kMaxTokens));
    ASSERT_TRUE(outcome.ok()) << (outcome.error ? outcome.error->what() : "timed out");
    alone_steps += engine.stats().decode_steps_total - before;
    alone.push_back(outcome.tokens());
  }

  std::vector<PendingGeneration> pending(prompts.size());
  std::vector<std::string> agents;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    agents.push_back(engine.create_agent("together-" + std::to_string(i)));
  }
  const std::uint64_t before = engine.stats().decode_steps_total;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    engine.generate(agents[i], greedy(text_tokens(engine, prompts[i]), kMaxTokens),
                    pending[i].callbacks());
  }
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const Outcome outcome = pending[i].wait();
    ASSERT_TRUE(outcome.ok()) << "agent " << i;
    EXPECT_EQ(outcome.tokens(), alone[i]) << "agent " << i << " changed tokens when batched";
    EXPECT_EQ(outcome.streamed, alone[i]) << "agent " << i << " streamed other tokens";
  }
  const std::uint64_t together_steps = engine.stats().decode_steps_total - before;
  EXPECT_LT(together_steps, alone_steps / 2)
      << "the agents did not share forward steps (" << together_steps << " steps together, "
      << alone_steps << " alone)";
}

}  // namespace
}  // namespace sbench::server::testing
