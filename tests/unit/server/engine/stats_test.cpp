#include <gtest/gtest.h>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

TEST(Stats, AnF32CacheTakesTwiceTheBytesPerTokenAndHalfTheBlocks) {
  TempCacheDir dir;
  EngineOptions options = tiny_options(dir.path());
  const EngineStats half = Engine(options).stats();
  options.kv_dtype = KvDtype::f32;
  const EngineStats full = Engine(options).stats();
  EXPECT_EQ(full.kv_bytes_per_token, 2 * half.kv_bytes_per_token);
  EXPECT_EQ(full.blocks_total, half.blocks_total / 2);
}

TEST(Stats, MemoryNumbersFollowTheBlockMath) {
  TempCacheDir dir;
  EngineOptions options = tiny_options(dir.path());
  options.block_size = 16;
  Engine engine(options);
  const EngineStats empty = engine.stats();
  const ModelConfig& config = engine.config();
  // Keys and values of every layer, two bytes each: f16 is the default.
  const std::size_t per_token = std::size_t{2} * config.n_layers * config.kv_dim() * 2;
  const std::size_t block_bytes = per_token * 16;
  EXPECT_EQ(empty.kv_bytes_per_token, per_token);
  EXPECT_EQ(empty.block_size, 16);
  EXPECT_EQ(empty.blocks_total, options.kv_memory_bytes / block_bytes);
  EXPECT_EQ(empty.padding_overhead_pct, 0.0);
  EXPECT_EQ(empty.model, "tiny");
  EXPECT_EQ(empty.parameters, engine.config().parameter_count());
  EXPECT_GT(empty.model_bytes, 0u);

  // 20 prompt + 5 generated = 25 tokens; the last one's KV is not computed
  // yet, so 24 tokens are held in 2 blocks (32 slots): 25% padding.
  const std::string agent = engine.create_agent("measured");
  ASSERT_TRUE(generate_sync(engine, agent, greedy(std::vector<int>(20, 100), 5)).ok());
  const EngineStats stats = engine.stats();
  EXPECT_EQ(stats.blocks_used, 2u);
  EXPECT_EQ(stats.kv_bytes_theoretical, 24 * per_token);
  EXPECT_EQ(stats.kv_bytes_allocated, 2 * block_bytes);
  EXPECT_DOUBLE_EQ(stats.padding_overhead_pct, 25.0);
  ASSERT_EQ(stats.agents.size(), 1u);
  const AgentStats& entry = stats.agents[0];
  EXPECT_EQ(entry.id, "measured");
  EXPECT_TRUE(entry.resident);
  EXPECT_FALSE(entry.busy);
  EXPECT_EQ(entry.tokens, 25);
  EXPECT_EQ(entry.blocks, 2u);
  EXPECT_EQ(entry.kv_bytes_theoretical, 24 * per_token);
  EXPECT_EQ(entry.kv_bytes_allocated, 2 * block_bytes);
  EXPECT_EQ(stats.requests_total, 1u);
  EXPECT_EQ(stats.prompt_tokens_total, 20u);
  EXPECT_EQ(stats.generated_tokens_total, 5u);
  EXPECT_EQ(stats.decode_steps_total, 5u) << "one prefill step, then four decode steps";
  EXPECT_EQ(stats.running_requests, 0);
  EXPECT_EQ(stats.queued_requests, 0);

  EXPECT_EQ(engine.unload(agent), 2 * block_bytes);
  const EngineStats unloaded = engine.stats();
  EXPECT_EQ(unloaded.kv_bytes_allocated, 0u);
  EXPECT_EQ(unloaded.kv_bytes_theoretical, 0u);
  EXPECT_EQ(unloaded.padding_overhead_pct, 0.0);
  EXPECT_FALSE(unloaded.agents[0].resident);
}

}  // namespace
}  // namespace sbench::server::testing
