#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "model/model.hpp"
#include "support/temp_dir.hpp"

namespace sbench::server::testing {

// A sequence's KV blocks and length, for driving Model::forward directly.
struct TestSequence {
  std::vector<BlockId> blocks;
  int length = 0;
};

// Grows `sequence` to hold `tokens` and returns the step that appends them.
SequenceStep append_step(KvBlockPool& pool, TestSequence& sequence, std::span<const int> tokens,
                         bool want_logits = true);

// One forward step of a single sequence; returns its logits.
std::vector<float> forward_one(Model& model, KvBlockPool& pool, TestSequence& sequence,
                               std::span<const int> tokens);

int argmax(std::span<const float> logits);

using ::sbench::testing::TempDir;

constexpr int kTestBlockSize = 16;
constexpr std::size_t kTestPoolBlocks = 256;

}  // namespace sbench::server::testing
