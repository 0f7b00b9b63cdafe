#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "model/model.hpp"
#include "model_test_support.hpp"
#include "reference_llama.hpp"
#include "sbench/server/llama2c.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::testing {
namespace {

constexpr std::uint64_t kSeed = 42;
constexpr double kTolerance = 1e-4;

double relative_error(std::span<const float> actual, const std::vector<double>& expected) {
  double max_diff = 0, max_ref = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(actual[i] - expected[i]));
    max_ref = std::max(max_ref, std::abs(expected[i]));
  }
  return max_diff / max_ref;
}

// The preset's weights through the file writer, read back by the naive
// reference, against the optimised model generated directly from the preset.
class ReferenceForward : public ::testing::Test {
 protected:
  void check_against_reference(const ModelConfig& config, int threads) {
    write_llama2c(dir_.path("model.bin"), config, kSeed);
    ReferenceLlama reference(dir_.path("model.bin"));
    Model model = Model::from_preset(config.name, kSeed, threads);
    KvBlockPool pool(model.config(), kTestBlockSize, kTestPoolBlocks);
    TestSequence sequence;

    // A prompt spanning several KV blocks, prefilled in one step ...
    const std::vector<int> prompt = synthetic_prompt(37, 7);
    std::vector<double> expected;
    for (int token : prompt)
      expected = reference.step(token);
    std::vector<float> logits = forward_one(model, pool, sequence, prompt);
    ASSERT_EQ(logits.size(), expected.size());
    EXPECT_LE(relative_error(logits, expected), kTolerance) << "after the prefill";

    // ... then greedy decode steps, each feeding back the model's own token.
    for (int step = 0; step < 6; ++step) {
      const int token = argmax(logits);
      expected = reference.step(token);
      logits = forward_one(model, pool, sequence, std::span(&token, 1));
      EXPECT_LE(relative_error(logits, expected), kTolerance) << "decode step " << step;
    }
  }

  TempDir dir_;
};

TEST_F(ReferenceForward, TinyPresetMatchesNaiveImplementation) {
  check_against_reference(preset_config("tiny"), 2);
}

TEST_F(ReferenceForward, SingleThreadMatchesToo) {
  check_against_reference(preset_config("tiny"), 1);
}

}  // namespace
}  // namespace sbench::server::testing
