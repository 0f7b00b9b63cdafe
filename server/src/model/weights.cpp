#include "model/weights.hpp"

#include <utility>

namespace sbench::server::model {

std::size_t Weights::bytes() const {
  std::size_t total = (token_embedding.size() + final_norm.size()) * sizeof(float);
  for (const auto& layer : layers)
    total += (layer.attention_norm.size() + layer.ffn_norm.size()) * sizeof(float) +
             layer.qkv.bytes() + layer.attention_output.bytes() + layer.gate_up.bytes() +
             layer.down.bytes();
  return total + classifier.bytes();
}

WeightsBuilder::WeightsBuilder(const ModelConfig& config, ThreadPool& pool) : pool_(pool) {
  const ModelConfig& c = config;
  weights_.config = config;
  weights_.token_embedding.resize(static_cast<std::size_t>(c.vocab_size) * c.dim);
  weights_.final_norm.resize(c.dim);
  weights_.classifier = PackedMatrix(c.vocab_size, c.dim);
  weights_.layers.resize(c.n_layers);
  for (auto& layer : weights_.layers) {
    layer.attention_norm.resize(c.dim);
    layer.qkv = PackedMatrix(c.dim + 2 * c.kv_dim(), c.dim);
    layer.attention_output = PackedMatrix(c.dim, c.dim);
    layer.ffn_norm.resize(c.dim);
    layer.gate_up = PackedMatrix(2 * c.hidden_dim, c.dim);
    layer.down = PackedMatrix(c.dim, c.hidden_dim);
  }
}

void WeightsBuilder::add(const TensorShape& shape, int layer, const float* values) {
  const ModelConfig& c = weights_.config;
  const auto copy = [&](std::vector<float>& to) {
    to.assign(values, values + shape.slice_floats());
  };
  LayerWeights& l = weights_.layers.at(layer);  // layer is 0 for whole-model tensors
  switch (shape.id) {
    case TensorId::kTokenEmbedding:
      copy(weights_.token_embedding);
      if (c.shared_classifier)
        weights_.classifier.set_rows(0, values, c.vocab_size, pool_);
      break;
    case TensorId::kAttentionNorm:
      copy(l.attention_norm);
      break;
    case TensorId::kWq:
      l.qkv.set_rows(0, values, c.dim, pool_);
      break;
    case TensorId::kWk:
      l.qkv.set_rows(c.dim, values, c.kv_dim(), pool_);
      break;
    case TensorId::kWv:
      l.qkv.set_rows(c.dim + c.kv_dim(), values, c.kv_dim(), pool_);
      break;
    case TensorId::kWo:
      l.attention_output.set_rows(0, values, c.dim, pool_);
      break;
    case TensorId::kFfnNorm:
      copy(l.ffn_norm);
      break;
    case TensorId::kW1:
      l.gate_up.set_rows(0, values, c.hidden_dim, pool_);
      break;
    case TensorId::kW2:
      l.down.set_rows(0, values, c.dim, pool_);
      break;
    case TensorId::kW3:
      l.gate_up.set_rows(c.hidden_dim, values, c.hidden_dim, pool_);
      break;
    case TensorId::kFinalNorm:
      copy(weights_.final_norm);
      break;
    case TensorId::kClassifier:
      weights_.classifier.set_rows(0, values, c.vocab_size, pool_);
      break;
  }
}

Weights WeightsBuilder::finish() {
  return std::move(weights_);
}

}  // namespace sbench::server::model
