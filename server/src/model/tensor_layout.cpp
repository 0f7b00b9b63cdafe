#include "model/tensor_layout.hpp"

namespace sbench::server::model {

std::vector<TensorShape> llama2c_tensor_order(const ModelConfig& c) {
  const int layers = c.n_layers;
  std::vector<TensorShape> order{
      {TensorId::kTokenEmbedding, 1, c.vocab_size, c.dim},
      {TensorId::kAttentionNorm, layers, 1, c.dim},
      {TensorId::kWq, layers, c.dim, c.dim},
      {TensorId::kWk, layers, c.kv_dim(), c.dim},
      {TensorId::kWv, layers, c.kv_dim(), c.dim},
      {TensorId::kWo, layers, c.dim, c.dim},
      {TensorId::kFfnNorm, layers, 1, c.dim},
      {TensorId::kW1, layers, c.hidden_dim, c.dim},
      {TensorId::kW2, layers, c.dim, c.hidden_dim},
      {TensorId::kW3, layers, c.hidden_dim, c.dim},
      {TensorId::kFinalNorm, 1, 1, c.dim},
  };
  if (!c.shared_classifier)
    order.push_back({TensorId::kClassifier, 1, c.vocab_size, c.dim});
  return order;
}

}  // namespace sbench::server::model
