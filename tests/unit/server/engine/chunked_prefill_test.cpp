#include <gtest/gtest.h>

#include <atomic>

#include "unit/server/engine/engine_test_support.hpp"

namespace sbench::server::testing {
namespace {

constexpr int kPromptTokens = 160;
constexpr int kGenerated = 8;

std::vector<int> long_prompt() {
  return synthetic_prompt(kPromptTokens, 7);
}

std::vector<int> generated_with_chunk(const std::filesystem::path& cache_dir, int chunk) {
  EngineOptions options = tiny_options(cache_dir);
  options.prefill_chunk = chunk;
  Engine engine(options);
  const std::string agent = engine.create_agent("long");
  const std::uint64_t steps_before = engine.stats().decode_steps_total;
  const Outcome outcome = generate_sync(engine, agent, greedy(long_prompt(), kGenerated));
  EXPECT_TRUE(outcome.ok());
  const std::uint64_t steps = engine.stats().decode_steps_total - steps_before;
  const std::uint64_t prefill_steps = (kPromptTokens + chunk - 1) / chunk;
  EXPECT_EQ(steps, prefill_steps + kGenerated - 1) << "chunk " << chunk;
  return outcome.tokens();
}

TEST(ChunkedPrefill, ChunkSizeDoesNotChangeTheTokens) {
  TempCacheDir dir;
  EXPECT_EQ(generated_with_chunk(dir.path(), 16), generated_with_chunk(dir.path(), 256));
}

TEST(ChunkedPrefill, DecodingAgentsKeepGoingWhileALongPromptPrefills) {
  TempCacheDir dir;
  EngineOptions options = tiny_options(dir.path());
  options.prefill_chunk = 16;
  Engine engine(options);
  const std::vector<int> expected = [&] {
    const std::string alone = engine.create_agent("alone");
    return generate_sync(engine, alone, greedy(long_prompt(), kGenerated)).tokens();
  }();

  const std::string decoder = engine.create_agent("decoder");
  PendingGeneration decoding;
  engine.generate(decoder, greedy({90, 91, 92}, 60), decoding.callbacks());
  while (decoding.streamed_so_far() == 0)
    std::this_thread::yield();

  // Callbacks run on the scheduler thread in step order, so the decoder's count
  // seen at the long prompt's first token says how many steps the prefill took
  // while the decoder kept streaming.
  const int decoded_at_submit = decoding.streamed_so_far();
  std::atomic<int> decoded_at_first_token{-1};
  PendingGeneration prefilling;
  GenerateCallbacks callbacks = prefilling.callbacks();
  callbacks.on_token = [&, forward = callbacks.on_token](int token) {
    int unset = -1;
    decoded_at_first_token.compare_exchange_strong(unset, decoding.streamed_so_far());
    forward(token);
  };
  const std::string reader = engine.create_agent("reader");
  engine.generate(reader, greedy(long_prompt(), kGenerated), callbacks);

  const Outcome long_outcome = prefilling.wait();
  ASSERT_TRUE(long_outcome.ok());
  EXPECT_EQ(long_outcome.tokens(), expected);
  const Outcome decoder_outcome = decoding.wait();
  ASSERT_TRUE(decoder_outcome.ok());
  const int prefill_steps = (kPromptTokens + 15) / 16;
  EXPECT_GE(decoded_at_first_token - decoded_at_submit, prefill_steps - 2)
      << "the decoder stalled while the long prompt was prefilled";
}

}  // namespace
}  // namespace sbench::server::testing
