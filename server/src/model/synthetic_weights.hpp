#pragma once

#include <cstdint>
#include <span>

#include "model/tensor_layout.hpp"
#include "model/thread_pool.hpp"
#include "model/weights.hpp"

namespace sbench::server::model {

// Fills one layer's slice of a tensor with the deterministic weights of
// (seed, tensor, layer): the same values on every platform and thread count.
void synthetic_tensor(std::uint64_t seed, const ModelConfig& config, const TensorShape& shape,
                      int layer, std::span<float> out, ThreadPool& pool);

// Every tensor of `config` generated from `seed`.
Weights synthetic_weights(const ModelConfig& config, std::uint64_t seed, ThreadPool& pool);

}  // namespace sbench::server::model
