#include <gtest/gtest.h>

#include <fstream>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

using Kind = EngineError::Kind;

constexpr int kTurnTokens = 8;

class CachePersistence : public ::testing::Test {
 protected:
  std::vector<int> first_prompt(const Engine& engine) const {
    return text_tokens(engine, "The agent remembers this first turn.");
  }
  std::vector<int> second_prompt(const Engine& engine) const {
    return text_tokens(engine, " And then continues.");
  }
  // Both turns on an agent that never leaves memory: what a resumed agent must match.
  std::vector<int> reference_second_turn(Engine& engine) const {
    const std::string agent = engine.create_agent("stays-in-memory");
    EXPECT_TRUE(generate_sync(engine, agent, greedy(first_prompt(engine), kTurnTokens)).ok());
    return generate_sync(engine, agent, greedy(second_prompt(engine), kTurnTokens)).tokens();
  }

  TempCacheDir dir_;
};

TEST_F(CachePersistence, SavedUnloadedLoadedAgentContinuesExactly) {
  Engine engine(tiny_options(dir_.path()));
  const std::vector<int> expected = reference_second_turn(engine);

  const std::string agent = engine.create_agent("travels");
  ASSERT_TRUE(generate_sync(engine, agent, greedy(first_prompt(engine), kTurnTokens)).ok());
  const std::size_t blocks_with_both = engine.stats().blocks_used;
  const CacheFileResult saved = engine.save(agent);
  EXPECT_EQ(saved.path, dir_.path() / "travels.kv");
  EXPECT_EQ(saved.bytes, std::filesystem::file_size(saved.path));
  const int context = static_cast<int>(first_prompt(engine).size()) + kTurnTokens;
  EXPECT_EQ(saved.tokens, context);

  const std::size_t freed = engine.unload(agent);
  EXPECT_GT(freed, 0u);
  const EngineStats unloaded = engine.stats();
  const std::size_t block_bytes =
      unloaded.kv_bytes_per_token * static_cast<std::size_t>(unloaded.block_size);
  EXPECT_EQ((blocks_with_both - unloaded.blocks_used) * block_bytes, freed);
  ASSERT_EQ(unloaded.agents.size(), 2u);
  EXPECT_EQ(unloaded.agents[1].id, "travels");
  EXPECT_FALSE(unloaded.agents[1].resident);
  EXPECT_EQ(unloaded.agents[1].blocks, 0u);

  const CacheFileResult loaded = engine.load(agent);
  EXPECT_EQ(loaded.tokens, context);
  EXPECT_EQ(loaded.bytes, saved.bytes);
  EXPECT_EQ(engine.stats().blocks_used, blocks_with_both);

  const Outcome resumed = generate_sync(engine, agent, greedy(second_prompt(engine), kTurnTokens));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed.tokens(), expected);
  // The last sampled token of the first turn has no KV yet: everything before it is reused.
  EXPECT_EQ(resumed.result->usage.cached_tokens, context - 1);
  EXPECT_EQ(resumed.result->usage.prompt_tokens, static_cast<int>(second_prompt(engine).size()));
}

TEST_F(CachePersistence, AgentResumesInANewEngineAfterRestart) {
  {
    Engine before_restart(tiny_options(dir_.path()));
    const std::string agent = before_restart.create_agent("survivor");
    ASSERT_TRUE(
        generate_sync(before_restart, agent, greedy(first_prompt(before_restart), kTurnTokens))
            .ok());
    before_restart.save(agent);
  }
  Engine engine(tiny_options(dir_.path()));
  const std::vector<int> expected = reference_second_turn(engine);
  const CacheFileResult loaded = engine.load("survivor");
  const Outcome resumed =
      generate_sync(engine, "survivor", greedy(second_prompt(engine), kTurnTokens));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed.tokens(), expected);
  EXPECT_EQ(resumed.result->usage.cached_tokens, loaded.tokens - 1);
}

TEST_F(CachePersistence, LoadingAnotherModelsCacheIsRejected) {
  {
    Engine writer(tiny_options(dir_.path()));
    const std::string agent = writer.create_agent("foreign");
    ASSERT_TRUE(generate_sync(writer, agent, greedy(first_prompt(writer), 2)).ok());
    writer.save(agent);
  }
  EngineOptions other_weights = tiny_options(dir_.path());
  other_weights.seed = 99;
  Engine engine(other_weights);
  try {
    engine.load("foreign");
    FAIL() << "loaded a cache written by another model";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::kCorruptCache);
    EXPECT_NE(std::string(error.what()).find("fingerprint mismatch"), std::string::npos);
  }
  EXPECT_TRUE(engine.stats().agents.empty()) << "a failed load must not leave an agent behind";
  EXPECT_EQ(engine.stats().blocks_used, 0u);
}

TEST_F(CachePersistence, DamagedOrMissingFilesAreErrorsNotCrashes) {
  Engine engine(tiny_options(dir_.path()));
  EXPECT_EQ(thrown_kind([&] { engine.load("nobody"); }), Kind::kNotFound);

  const std::string agent = engine.create_agent("damaged");
  ASSERT_TRUE(generate_sync(engine, agent, greedy(first_prompt(engine), 4)).ok());
  const CacheFileResult saved = engine.save(agent);
  engine.unload(agent);
  {
    std::fstream file(saved.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(saved.bytes / 2));
    file.put('\x7f');
  }
  EXPECT_EQ(thrown_kind([&] { engine.load(agent); }), Kind::kCorruptCache);
  EXPECT_EQ(engine.stats().blocks_used, 0u);
  EXPECT_EQ(thrown_kind([&] { engine.generate(agent, greedy({65}, 1), {}); }), Kind::kConflict)
      << "after a failed load the agent is still not in memory";
}

TEST_F(CachePersistence, OperationsRequireTheRightState) {
  Engine engine(tiny_options(dir_.path()));
  const std::string agent = engine.create_agent("stateful");
  ASSERT_TRUE(generate_sync(engine, agent, greedy(first_prompt(engine), 2)).ok());
  EXPECT_EQ(thrown_kind([&] { engine.load(agent); }), Kind::kConflict) << "already in memory";
  engine.save(agent);
  engine.unload(agent);
  EXPECT_EQ(thrown_kind([&] { engine.save(agent); }), Kind::kConflict) << "not in memory";
  EXPECT_EQ(thrown_kind([&] { engine.unload(agent); }), Kind::kConflict) << "not in memory";
  EXPECT_EQ(thrown_kind([&] { engine.save("unknown"); }), Kind::kNotFound);
  EXPECT_EQ(thrown_kind([&] { engine.unload("unknown"); }), Kind::kNotFound);
  EXPECT_EQ(thrown_kind([&] { engine.load("../escape"); }), Kind::kBadRequest);
}

TEST_F(CachePersistence, SaveIntoAnUnwritableFolderIsAnIoError) {
  std::ofstream(dir_.path() / "regular-file") << "x";
  EngineOptions options = tiny_options(dir_.path() / "regular-file" / "cache");
  Engine engine(options);
  const std::string agent = engine.create_agent("homeless");
  ASSERT_TRUE(generate_sync(engine, agent, greedy({70, 71, 72}, 2)).ok());
  EXPECT_EQ(thrown_kind([&] { engine.save(agent); }), Kind::kIo);
  EXPECT_TRUE(generate_sync(engine, agent, greedy({73}, 1)).ok())
      << "a failed save leaves the agent usable";
}

}  // namespace
}  // namespace sbench::server::testing
