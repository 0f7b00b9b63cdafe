#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

using Kind = EngineError::Kind;

// tiny with an f16 cache: 2 KiB per token, 16 tokens per block
constexpr std::size_t kTinyBlockBytes = std::size_t{2048} * 16;

class Limits : public ::testing::Test {
 protected:
  TempCacheDir dir_;
  EngineOptions options_ = tiny_options(dir_.path());
};

// A pool of four blocks, three of them held by agent "holder" (43 tokens).
class KvWait : public Limits {
 protected:
  void SetUp() override { options_.kv_memory_bytes = 4 * kTinyBlockBytes; }

  static void fill_holder(Engine& engine) {
    engine.create_agent("holder");
    ASSERT_TRUE(generate_sync(engine, "holder", greedy(std::vector<int>(40, 70), 4)).ok());
    ASSERT_EQ(engine.stats().blocks_used, 3u);
  }
  // A 30-token prompt for a new agent: two blocks, one more than is free.
  static void start_starved(Engine& engine, const std::string& agent,
                            const PendingGeneration& pending) {
    engine.create_agent(agent);
    engine.generate(agent, greedy(std::vector<int>(30, 71), 4), pending.callbacks());
  }
  static void wait_for_waiting(const Engine& engine, int waiting) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (engine.stats().kv_waiting_requests != waiting &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_EQ(engine.stats().kv_waiting_requests, waiting);
  }
};

TEST_F(KvWait, ARequestWaitsForAFreedBlockThenRunsToTheEnd) {
  Engine engine(options_);
  fill_holder(engine);
  PendingGeneration starved;
  start_starved(engine, "starved", starved);
  wait_for_waiting(engine, 1);
  EXPECT_EQ(engine.stats().kv_waits_total, 1u);
  EXPECT_EQ(starved.streamed_so_far(), 0);

  engine.delete_agent("holder");
  const Outcome outcome = starved.wait();
  ASSERT_TRUE(outcome.ok()) << outcome.error->what();
  EXPECT_EQ(outcome.result->usage.completion_tokens, 4);
  EXPECT_EQ(engine.stats().kv_waiting_requests, 0);
}

TEST_F(KvWait, AnUnloadFreesBlocksForTheWaitingRequestToo) {
  Engine engine(options_);
  fill_holder(engine);
  PendingGeneration starved;
  start_starved(engine, "starved", starved);
  wait_for_waiting(engine, 1);
  engine.unload("holder");
  EXPECT_TRUE(starved.wait().ok());
}

TEST_F(KvWait, AWaitLongerThanTheTimeoutFailsWithCapacityAndKeepsTheAgentsContext) {
  options_.kv_wait_timeout_ms = 150;
  Engine engine(options_);
  fill_holder(engine);
  PendingGeneration starved;
  const auto start = std::chrono::steady_clock::now();
  start_starved(engine, "starved", starved);
  const Outcome outcome = starved.wait();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind(), Kind::kCapacity);
  EXPECT_NE(std::string(outcome.error->what()).find("--kv-wait-timeout-ms"), std::string::npos)
      << outcome.error->what();
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  const EngineStats stats = engine.stats();
  EXPECT_EQ(stats.kv_waiting_requests, 0);
  EXPECT_EQ(stats.blocks_used, 3u) << "the failed prompt gave its blocks back";
  EXPECT_EQ(stats.agents[1].tokens, 0) << "the failed prompt is not kept";
}

TEST_F(KvWait, OneRequestMoreThanTheWaitQueueHoldsFailsAtOnce) {
  options_.kv_wait_queue = 1;
  Engine engine(options_);
  fill_holder(engine);
  PendingGeneration first, second;
  start_starved(engine, "first", first);
  wait_for_waiting(engine, 1);
  start_starved(engine, "second", second);
  const Outcome refused = second.wait(std::chrono::seconds(10));
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->kind(), Kind::kCapacity);
  EXPECT_NE(std::string(refused.error->what()).find("--kv-wait-queue"), std::string::npos)
      << refused.error->what();
  EXPECT_EQ(engine.stats().kv_waiting_requests, 1) << "the first still waits";
  engine.delete_agent("holder");
  EXPECT_TRUE(first.wait().ok());
}

TEST_F(Limits, AgentIdsThatCouldEscapeTheCacheFolderAreRejected) {
  Engine engine(options_);
  for (const std::string& id :
       std::vector<std::string>{"../x", "", std::string(65, 'a'), "a/b", "a b", "a.kv"}) {
    EXPECT_FALSE(Engine::valid_agent_id(id)) << id;
    EXPECT_EQ(thrown_kind([&] { engine.load(id); }), Kind::kBadRequest) << id;
    if (!id.empty()) {
      EXPECT_EQ(thrown_kind([&] { engine.create_agent(id); }), Kind::kBadRequest) << id;
    }
  }
  EXPECT_TRUE(Engine::valid_agent_id(std::string(64, 'Z')));
  EXPECT_TRUE(Engine::valid_agent_id("Agent_7-b"));
  EXPECT_EQ(engine.create_agent(std::string()), "agent-1")
      << "an empty id asks for a generated one";
  EXPECT_EQ(engine.create_agent(std::nullopt), "agent-2");
  EXPECT_EQ(thrown_kind([&] { engine.create_agent("agent-1"); }), Kind::kConflict);
}

TEST_F(Limits, AgentCountIsCapped) {
  options_.max_agents = 3;
  Engine engine(options_);
  for (int i = 0; i < 3; ++i)
    engine.create_agent(std::nullopt);
  EXPECT_EQ(thrown_kind([&] { engine.create_agent("one-too-many"); }), Kind::kCapacity);
  engine.delete_agent("agent-1");
  EXPECT_EQ(engine.create_agent("one-more"), "one-more");
}

TEST_F(Limits, GenerationParametersAreChecked) {
  options_.max_new_tokens = 100;
  options_.max_context_tokens = 64;
  Engine engine(options_);
  const std::string agent = engine.create_agent("checked");
  const auto generate = [&](GenerateParams params) {
    return thrown_kind([&] { engine.generate(agent, params, {}); });
  };
  EXPECT_EQ(generate(greedy({65}, 0)), Kind::kBadRequest);
  EXPECT_EQ(generate(greedy({65}, 101)), Kind::kBadRequest);
  EXPECT_EQ(generate(greedy(std::vector<int>(60, 65), 10)), Kind::kBadRequest)
      << "context overflow";
  EXPECT_EQ(generate(greedy({}, 1)), Kind::kBadRequest) << "nothing to continue from";
  EXPECT_EQ(generate(greedy({-1}, 1)), Kind::kBadRequest);
  EXPECT_EQ(generate(greedy({engine.config().vocab_size}, 1)), Kind::kBadRequest);
  GenerateParams negative_temperature = greedy({65}, 1);
  negative_temperature.temperature = -1;
  EXPECT_EQ(generate(negative_temperature), Kind::kBadRequest);
  EXPECT_EQ(engine.stats().requests_total, 0u) << "rejected requests are not counted as accepted";

  EXPECT_TRUE(generate_sync(engine, agent, greedy(std::vector<int>(54, 65), 10)).ok())
      << "exactly at the limit is fine";
  EXPECT_EQ(generate(greedy({65}, 1)), Kind::kBadRequest) << "the context is full now";
}

TEST_F(Limits, UnknownBusyAndUnloadedAgents) {
  Engine engine(options_);
  EXPECT_EQ(thrown_kind([&] { engine.generate("ghost", greedy({65}, 1), {}); }), Kind::kNotFound);
  EXPECT_EQ(thrown_kind([&] { engine.delete_agent("ghost"); }), Kind::kNotFound);

  const std::string agent = engine.create_agent("busy");
  PendingGeneration pending;
  const RequestId request = engine.generate(agent, greedy({65, 66}, 2000), pending.callbacks());
  EXPECT_EQ(thrown_kind([&] { engine.generate(agent, greedy({67}, 1), {}); }), Kind::kConflict);
  EXPECT_EQ(thrown_kind([&] { engine.save(agent); }), Kind::kConflict);
  EXPECT_EQ(thrown_kind([&] { engine.unload(agent); }), Kind::kConflict);
  engine.cancel(request);
  EXPECT_TRUE(pending.wait().error.has_value());

  ASSERT_TRUE(generate_sync(engine, agent, greedy({68}, 1)).ok());
  engine.unload(agent);
  try {
    engine.generate(agent, greedy({69}, 1), {});
    FAIL() << "generated on an unloaded agent";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::kConflict);
    EXPECT_NE(std::string(error.what()).find("load it first"), std::string::npos) << error.what();
  }
}

TEST_F(Limits, ExhaustedKvPoolFailsTheRequestAndKeepsExistingContexts) {
  options_.kv_memory_bytes = 4 * kTinyBlockBytes;
  options_.kv_wait_timeout_ms = 0;  // no waiting: fail at once
  Engine engine(options_);
  ASSERT_EQ(engine.stats().blocks_total, 4u);

  const std::string holder = engine.create_agent("holder");
  const Outcome held = generate_sync(engine, holder, greedy(std::vector<int>(40, 70), 4));
  ASSERT_TRUE(held.ok());  // 43 tokens of KV: 3 blocks
  ASSERT_EQ(engine.stats().blocks_used, 3u);

  const std::string starved = engine.create_agent("starved");
  const Outcome failed = generate_sync(engine, starved, greedy(std::vector<int>(30, 71), 4));
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->kind(), Kind::kCapacity);

  const EngineStats stats = engine.stats();
  EXPECT_EQ(stats.blocks_used, 3u);
  EXPECT_EQ(stats.agents[1].id, "starved");
  EXPECT_EQ(stats.agents[1].tokens, 0) << "the failed prompt is not kept";
  EXPECT_FALSE(stats.agents[1].busy);
  EXPECT_EQ(stats.requests_failed, 1u);
  EXPECT_TRUE(generate_sync(engine, holder, greedy({72}, 2)).ok()) << "the holder still works";
}

}  // namespace
}  // namespace sbench::server::testing
