#include "model_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sbench::server::testing {

SequenceStep append_step(KvBlockPool& pool, TestSequence& sequence, std::span<const int> tokens,
                         bool want_logits) {
  const std::size_t needed = pool.blocks_for_tokens(sequence.length + tokens.size());
  if (needed > sequence.blocks.size()) {
    EXPECT_TRUE(pool.allocate(needed - sequence.blocks.size(), sequence.blocks));
  }
  SequenceStep step{tokens, sequence.length, &sequence.blocks, want_logits};
  sequence.length += static_cast<int>(tokens.size());
  return step;
}

std::vector<float> forward_one(Model& model, KvBlockPool& pool, TestSequence& sequence,
                               std::span<const int> tokens) {
  const SequenceStep step = append_step(pool, sequence, tokens);
  std::vector<float> logits;
  model.forward(std::span(&step, 1), pool, logits);
  return logits;
}

int argmax(std::span<const float> logits) {
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace sbench::server::testing
