#pragma once

#include <cstddef>
#include <vector>

#include "model/packed_matrix.hpp"
#include "model/tensor_layout.hpp"
#include "model/thread_pool.hpp"
#include "sbench/server/model_config.hpp"

namespace sbench::server::model {

// Projections that read the same input are fused into one packed matrix, so
// a step runs one GEMM (one parallel region, one pass over the input) for
// them: qkv = [wq; wk; wv] and gate_up = [w1; w3].
struct LayerWeights {
  std::vector<float> attention_norm;
  PackedMatrix qkv;
  PackedMatrix attention_output;  // wo
  std::vector<float> ffn_norm;
  PackedMatrix gate_up;
  PackedMatrix down;  // w2
};

struct Weights {
  ModelConfig config;
  std::vector<float> token_embedding;  // [vocab][dim], row-major for lookups
  std::vector<LayerWeights> layers;
  std::vector<float> final_norm;
  PackedMatrix classifier;  // the embedding again when tied

  std::size_t bytes() const;
};

// Assembles Weights from tensors given in their llama2.c layout (one layer's
// slice at a time, any order), whatever their source: generated or a file.
class WeightsBuilder {
 public:
  WeightsBuilder(const ModelConfig& config, ThreadPool& pool);
  void add(const TensorShape& shape, int layer, const float* values);
  Weights finish();

 private:
  Weights weights_;
  ThreadPool& pool_;
};

}  // namespace sbench::server::model
