#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model_test_support.hpp"
#include "sbench/server/llama2c.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::testing {
namespace {

constexpr std::uint64_t kSeed = 3;
constexpr int kDecodeSteps = 10;

// Greedy decoding of one sequence alone: the logits after the prompt and after
// each generated token.
std::vector<std::vector<float>> decode_alone(Model& model, KvDtype dtype,
                                             const std::vector<int>& prompt) {
  KvBlockPool pool(model.config(), dtype, kTestBlockSize, kTestPoolBlocks);
  TestSequence sequence;
  std::vector<std::vector<float>> history{forward_one(model, pool, sequence, prompt)};
  for (int step = 0; step < kDecodeSteps; ++step) {
    const int token = argmax(history.back());
    history.push_back(forward_one(model, pool, sequence, std::span(&token, 1)));
  }
  return history;
}

// Every test holds for both KV element types (f16 rounds each stored key and
// value once, in the same way whatever the batch), and for grouped queries
// (the tiny preset: two query heads per KV head) as for one query head per
// KV head (as in stories110M), whose decode steps score and weigh the cache
// in place.
struct Attention {
  KvDtype dtype;
  bool grouped;
};

std::string name(const Attention& attention) {
  return std::string(kv_dtype_name(attention.dtype)) +
         (attention.grouped ? "_grouped" : "_ungrouped");
}

void PrintTo(const Attention& attention, std::ostream* out) {
  *out << name(attention);
}

class BatchInvariance : public ::testing::TestWithParam<Attention> {
 protected:
  KvDtype dtype() const { return GetParam().dtype; }

  // The tiny preset's shape with the parameter's attention, `threads` wide.
  Model model(int threads) {
    if (GetParam().grouped)
      return Model::from_preset("tiny", kSeed, threads);
    ModelConfig config = preset_config("tiny");
    config.n_kv_heads = config.n_heads;
    const auto file = dir_.path("ungrouped.bin");
    if (!std::filesystem::exists(file))
      write_llama2c(file, config, kSeed);
    return Model::from_llama2c(file, threads);
  }

 private:
  TempDir dir_;
};

TEST_P(BatchInvariance, StaggeredBatchGivesEachSequenceItsSoloLogitsBitForBit) {
  Model model = this->model(2);
  const std::vector<int> lengths{3, 17, 40, 1, 64};
  std::vector<std::vector<int>> prompts;
  for (std::size_t i = 0; i < lengths.size(); ++i)
    prompts.push_back(synthetic_prompt(lengths[i], 100 + i));

  // Sequence i joins at step i, so prefills of some mix with decodes of others
  // (continuous batching) and the batch size changes every step.
  KvBlockPool pool(model.config(), dtype(), kTestBlockSize, kTestPoolBlocks);
  const int count = static_cast<int>(prompts.size());
  std::vector<TestSequence> sequences(count);
  std::vector<std::vector<std::vector<float>>> batched(count);
  std::vector<int> next_token(count);
  for (int step = 0; step < count + kDecodeSteps; ++step) {
    std::vector<SequenceStep> batch;
    std::vector<int> members;
    for (int i = 0; i < count && i <= step; ++i) {
      if (step - i > kDecodeSteps)
        continue;
      const std::span<const int> tokens =
          step == i ? std::span<const int>(prompts[i]) : std::span<const int>(&next_token[i], 1);
      batch.push_back(append_step(pool, sequences[i], tokens));
      members.push_back(i);
    }
    std::vector<float> logits;
    model.forward(batch, pool, logits);
    const std::size_t vocab = model.config().vocab_size;
    ASSERT_EQ(logits.size(), members.size() * vocab);
    for (std::size_t m = 0; m < members.size(); ++m) {
      const std::span<const float> row(logits.data() + m * vocab, vocab);
      batched[members[m]].emplace_back(row.begin(), row.end());
      next_token[members[m]] = argmax(row);
    }
  }

  for (int i = 0; i < count; ++i) {
    const auto alone = decode_alone(model, dtype(), prompts[i]);
    ASSERT_EQ(batched[i].size(), alone.size());
    for (std::size_t step = 0; step < alone.size(); ++step)
      EXPECT_EQ(batched[i][step], alone[step]) << "sequence " << i << ", step " << step;
  }
}

// The logits after `prompt` and after one more token (which reads every
// cached key and value the chunks wrote), the prompt run whole and in chunks
// of 1, 7 and 64 tokens: all the same bits.
void expect_chunking_changes_nothing(Model& model, KvDtype dtype, const std::vector<int>& prompt) {
  const int probe = ByteTokenizer::kByteOffset + 'x';
  const auto run = [&](std::size_t chunk) {
    KvBlockPool pool(model.config(), dtype, kTestBlockSize, kTestPoolBlocks);
    TestSequence sequence;
    std::vector<float> after_prompt;
    for (std::size_t first = 0; first < prompt.size(); first += chunk) {
      const std::size_t size = std::min(chunk, prompt.size() - first);
      after_prompt = forward_one(model, pool, sequence, std::span(prompt).subspan(first, size));
    }
    return std::pair(after_prompt, forward_one(model, pool, sequence, std::span(&probe, 1)));
  };

  const auto whole = run(prompt.size());
  for (std::size_t chunk : {1, 7, 64}) {
    const auto chunked = run(chunk);
    EXPECT_EQ(chunked.first, whole.first) << "chunks of " << chunk;
    EXPECT_EQ(chunked.second, whole.second) << "chunks of " << chunk;
  }
}

TEST_P(BatchInvariance, ChunkedPrefillMatchesWholePromptBitForBit) {
  Model model = this->model(2);
  // Whole, 49 tokens make a tile of 48 queries and a tile of one in the same
  // pass (with a KV head per query head), and 400 more than one pass of
  // tiles with either model.
  for (int length : {49, 100, 400}) {
    SCOPED_TRACE("a prompt of " + std::to_string(length) + " tokens");
    expect_chunking_changes_nothing(model, dtype(), synthetic_prompt(length, 9));
  }
}

TEST_P(BatchInvariance, ThreadCountDoesNotChangeLogits) {
  const std::vector<int> prompt = synthetic_prompt(70, 5);
  Model one_thread = model(1);
  Model three_threads = model(3);
  EXPECT_EQ(decode_alone(one_thread, dtype(), prompt),
            decode_alone(three_threads, dtype(), prompt));
}

TEST_P(BatchInvariance, EntriesWithoutLogitsAreSkippedInTheOutput) {
  Model model = this->model(2);
  KvBlockPool pool(model.config(), dtype(), kTestBlockSize, kTestPoolBlocks);
  const std::vector<int> a = synthetic_prompt(5, 1), b = synthetic_prompt(9, 2);
  TestSequence first, second;
  const std::vector<SequenceStep> batch{append_step(pool, first, a, false),
                                        append_step(pool, second, b, true)};
  std::vector<float> logits;
  model.forward(batch, pool, logits);
  EXPECT_EQ(logits, decode_alone(model, dtype(), b).front());
}

INSTANTIATE_TEST_SUITE_P(BothKvDtypesBothAttentions, BatchInvariance,
                         ::testing::Values(Attention{KvDtype::f16, true},
                                           Attention{KvDtype::f32, true},
                                           Attention{KvDtype::f16, false},
                                           Attention{KvDtype::f32, false}),
                         [](const auto& info) { return name(info.param); });

TEST(GreedyDecode, DoesNotCollapseIntoOneRepeatedToken) {
  Model model = Model::from_preset("tiny", kSeed, 2);
  KvBlockPool pool(model.config(), KvDtype::f16, kTestBlockSize, kTestPoolBlocks);
  TestSequence sequence;
  std::vector<float> logits = forward_one(model, pool, sequence, synthetic_prompt(12, 4));
  std::set<int> distinct;
  for (int step = 0; step < 32; ++step) {
    const int token = argmax(logits);
    distinct.insert(token);
    logits = forward_one(model, pool, sequence, std::span(&token, 1));
  }
  EXPECT_GE(distinct.size(), 4u);
}

TEST(ForwardErrors, RejectsInvalidSteps) {
  Model model = Model::from_preset("tiny", kSeed, 1);
  KvBlockPool pool(model.config(), KvDtype::f16, kTestBlockSize, kTestPoolBlocks);
  std::vector<float> logits;
  TestSequence sequence;
  const std::vector<int> bad_token{model.config().vocab_size};
  SequenceStep step = append_step(pool, sequence, bad_token);
  EXPECT_THROW(model.forward(std::span(&step, 1), pool, logits), std::invalid_argument);

  const std::vector<int> ok{5, 6};
  step = SequenceStep{ok, 0, &sequence.blocks, true};
  step.start_pos = kTestBlockSize * static_cast<int>(sequence.blocks.size());  // no room left
  EXPECT_THROW(model.forward(std::span(&step, 1), pool, logits), std::invalid_argument);

  step = SequenceStep{{}, 0, &sequence.blocks, true};
  EXPECT_THROW(model.forward(std::span(&step, 1), pool, logits), std::invalid_argument);
}

}  // namespace
}  // namespace sbench::server::testing
