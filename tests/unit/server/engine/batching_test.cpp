#include <gtest/gtest.h>

#include <string>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

class BatchingPerKvDtype : public ::testing::TestWithParam<KvDtype> {};

TEST_P(BatchingPerKvDtype, ConcurrentAgentsGetExactlyTheTokensTheyGetAlone) {
  TempCacheDir dir;
  EngineOptions options = tiny_options(dir.path());
  options.kv_dtype = GetParam();
  Engine engine(options);
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

INSTANTIATE_TEST_SUITE_P(BothKvDtypes, BatchingPerKvDtype,
                         ::testing::Values(KvDtype::f16, KvDtype::f32),
                         [](const auto& info) { return std::string(kv_dtype_name(info.param)); });

// Greedy tokens of every prompt, and the decode steps they took, generated
// all at once on an engine with this max_batch.
struct TogetherRun {
  std::vector<std::vector<int>> tokens;
  std::uint64_t steps = 0;
};

TogetherRun generate_together(int max_batch, const std::vector<std::string>& prompts) {
  TempCacheDir dir;
  EngineOptions options = tiny_options(dir.path());
  options.max_batch = max_batch;
  Engine engine(options);
  std::vector<PendingGeneration> pending(prompts.size());
  std::vector<std::string> agents;
  for (std::size_t i = 0; i < prompts.size(); ++i)
    agents.push_back(engine.create_agent("agent-" + std::to_string(i)));
  const std::uint64_t before = engine.stats().decode_steps_total;
  for (std::size_t i = 0; i < prompts.size(); ++i)
    engine.generate(agents[i], greedy(text_tokens(engine, prompts[i]), 8), pending[i].callbacks());
  TogetherRun run;
  for (PendingGeneration& generation : pending) {
    const Outcome outcome = generation.wait();
    EXPECT_TRUE(outcome.ok());
    run.tokens.push_back(outcome.tokens());
  }
  run.steps = engine.stats().decode_steps_total - before;
  return run;
}

TEST(Batching, MaxBatchCapsHowManySequencesShareAStep) {
  const std::vector<std::string> prompts = {"Once upon a time", "The quick brown fox", "x",
                                            "Semantic caching", "1 2 3 4"};
  const TogetherRun unlimited = generate_together(0, prompts);
  const TogetherRun pairs = generate_together(2, prompts);
  const TogetherRun serial = generate_together(1, prompts);
  // The same answers whatever the batching.
  EXPECT_EQ(pairs.tokens, unlimited.tokens);
  EXPECT_EQ(serial.tokens, unlimited.tokens);
  // One at a time takes a step per token of every prompt; pairs about half
  // that; everything together about one prompt's worth.
  EXPECT_GT(serial.steps, pairs.steps);
  EXPECT_GT(pairs.steps, unlimited.steps);
  EXPECT_GE(serial.steps, 5u * 8u);
}

}  // namespace
}  // namespace sbench::server::testing
