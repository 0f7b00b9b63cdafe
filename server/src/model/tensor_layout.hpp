#pragma once

#include <cstddef>
#include <vector>

#include "sbench/server/model_config.hpp"

namespace sbench::server::model {

enum class TensorId {
  kTokenEmbedding,
  kAttentionNorm,
  kWq,
  kWk,
  kWv,
  kWo,
  kFfnNorm,
  kW1,
  kW2,
  kW3,
  kFinalNorm,
  kClassifier,
};

// One tensor as llama2.c lays it out: `layers` slices (1 when not per layer)
// of a row-major [rows][cols] matrix (cols = 1 row for vectors).
struct TensorShape {
  TensorId id;
  int layers;
  int rows;
  int cols;
  std::size_t slice_floats() const { return static_cast<std::size_t>(rows) * cols; }
  std::size_t floats() const { return slice_floats() * layers; }
};

// The model's tensors in llama2.c file order. The file also holds RoPE tables
// between kFinalNorm and kClassifier, which the model does not use; the
// classifier is listed only when it is not tied to the embedding.
std::vector<TensorShape> llama2c_tensor_order(const ModelConfig& config);

}  // namespace sbench::server::model
