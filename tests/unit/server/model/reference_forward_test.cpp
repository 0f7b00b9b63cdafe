#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "model/model.hpp"
#include "model_test_support.hpp"
#include "reference_llama.hpp"
#include "sbench/server/llama2c.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::testing {
namespace {

constexpr std::uint64_t kSeed = 42;

// Largest error of the logits relative to their largest magnitude, about 7x
// what this test measured on the tiny preset (f32 cache: 4.6e-7 to 7.1e-7;
// f16: 4.3e-5 to 6.7e-5). An f16 cache rounds every stored key and value to
// 11 significant bits, and the error reaches the logits through every later
// layer.
double tolerance(KvDtype dtype) {
  return dtype == KvDtype::f16 ? 5e-4 : 5e-6;
}

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
class ReferenceForward : public ::testing::TestWithParam<KvDtype> {
 protected:
  void check_against_reference(const ModelConfig& config, int threads) {
    const double limit = tolerance(GetParam());
    write_llama2c(dir_.path("model.bin"), config, kSeed);
    ReferenceLlama reference(dir_.path("model.bin"));
    Model model = Model::from_preset(config.name, kSeed, threads);
    KvBlockPool pool(model.config(), GetParam(), kTestBlockSize, kTestPoolBlocks);
    TestSequence sequence;

    // A prompt spanning several KV blocks, prefilled in one step ...
    const std::vector<int> prompt = synthetic_prompt(37, 7);
    std::vector<double> expected;
    for (int token : prompt)
      expected = reference.step(token);
    std::vector<float> logits = forward_one(model, pool, sequence, prompt);
    ASSERT_EQ(logits.size(), expected.size());
    EXPECT_LE(relative_error(logits, expected), limit) << "after the prefill";

    // ... then greedy decode steps, each feeding back the model's own token.
    for (int step = 0; step < 6; ++step) {
      const int token = argmax(logits);
      expected = reference.step(token);
      logits = forward_one(model, pool, sequence, std::span(&token, 1));
      EXPECT_LE(relative_error(logits, expected), limit) << "decode step " << step;
    }
  }

  TempDir dir_;
};

TEST_P(ReferenceForward, TinyPresetMatchesNaiveImplementation) {
  check_against_reference(preset_config("tiny"), 2);
}

TEST_P(ReferenceForward, SingleThreadMatchesToo) {
  check_against_reference(preset_config("tiny"), 1);
}

INSTANTIATE_TEST_SUITE_P(BothKvDtypes, ReferenceForward,
                         ::testing::Values(KvDtype::f16, KvDtype::f32),
                         [](const auto& info) { return std::string(kv_dtype_name(info.param)); });

}  // namespace
}  // namespace sbench::server::testing
