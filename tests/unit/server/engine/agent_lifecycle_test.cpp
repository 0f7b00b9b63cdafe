#include <gtest/gtest.h>

#include <thread>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

using Kind = EngineError::Kind;
using namespace std::chrono_literals;

// Waits until a long generation has streamed a token, so it is surely running.
void wait_until_streaming(const PendingGeneration& pending) {
  for (int i = 0; i < 6000 && pending.streamed_so_far() == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GT(pending.streamed_so_far(), 0) << "the generation never started";
}

TEST(AgentLifecycle, HundredCreateGenerateDeleteCyclesReturnEveryBlock) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  for (int cycle = 0; cycle < 100; ++cycle) {
    const std::string agent = engine.create_agent(std::nullopt);
    const Outcome outcome =
        generate_sync(engine, agent, greedy({40 + cycle % 50, 41, 42, 43, 44}, 2));
    ASSERT_TRUE(outcome.ok()) << "cycle " << cycle;
    EXPECT_GT(engine.stats().blocks_used, 0u);
    engine.delete_agent(agent);
  }
  const EngineStats stats = engine.stats();
  EXPECT_EQ(stats.blocks_used, 0u);
  EXPECT_EQ(stats.kv_bytes_allocated, 0u);
  EXPECT_EQ(stats.kv_bytes_theoretical, 0u);
  EXPECT_TRUE(stats.agents.empty());
  EXPECT_EQ(stats.requests_total, 100u);
  EXPECT_EQ(stats.requests_failed, 0u);
  EXPECT_EQ(stats.generated_tokens_total, 200u);
}

TEST(AgentLifecycle, DeletingAGeneratingAgentFailsItsRequestAndFreesItsBlocks) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::string agent = engine.create_agent("doomed");
  PendingGeneration pending;
  engine.generate(agent, greedy({50, 51, 52}, 2000), pending.callbacks());
  wait_until_streaming(pending);
  engine.delete_agent(agent);
  const Outcome outcome = pending.wait();
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind(), Kind::kConflict);
  EXPECT_EQ(engine.stats().blocks_used, 0u);
  EXPECT_EQ(engine.create_agent("doomed"), "doomed") << "the id is free again";
}

TEST(AgentLifecycle, CancelFailsTheRequestAndKeepsThePreviousContext) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::string agent = engine.create_agent("patient");
  ASSERT_TRUE(generate_sync(engine, agent, greedy({60, 61, 62, 63}, 4)).ok());
  const EngineStats before = engine.stats();

  PendingGeneration pending;
  const RequestId request = engine.generate(agent, greedy({64, 65}, 2000), pending.callbacks());
  wait_until_streaming(pending);
  engine.cancel(request);
  const Outcome outcome = pending.wait();
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind(), Kind::kConflict);

  const EngineStats after = engine.stats();
  EXPECT_EQ(after.agents[0].tokens, before.agents[0].tokens);
  EXPECT_EQ(after.blocks_used, before.blocks_used);
  EXPECT_FALSE(after.agents[0].busy);
  EXPECT_TRUE(generate_sync(engine, agent, greedy({66}, 1)).ok());
  engine.cancel(request);  // finished long ago: nothing to do
}

TEST(AgentLifecycle, CompletionUsesATemporarySequenceFreedAtTheEnd) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  PendingGeneration pending;
  engine.complete(greedy({70, 71, 72, 73}, 5), pending.callbacks());
  const Outcome outcome = pending.wait();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.tokens().size(), 5u);
  EXPECT_EQ(outcome.result->usage.cached_tokens, 0);
  EXPECT_EQ(engine.stats().blocks_used, 0u);
  EXPECT_TRUE(engine.stats().agents.empty());
}

TEST(AgentLifecycle, ShutdownFailsRunningAndLaterRequests) {
  TempCacheDir dir;
  Engine engine(tiny_options(dir.path()));
  const std::string agent = engine.create_agent("interrupted");
  PendingGeneration pending;
  engine.generate(agent, greedy({80, 81}, 2000), pending.callbacks());
  wait_until_streaming(pending);
  engine.shutdown();
  const Outcome outcome = pending.wait();
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind(), Kind::kShuttingDown);
  try {
    engine.generate(agent, greedy({82}, 1), {});
    FAIL() << "generate accepted after shutdown";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::kShuttingDown);
  }
  engine.shutdown();  // idempotent
}

}  // namespace
}  // namespace sbench::server::testing
