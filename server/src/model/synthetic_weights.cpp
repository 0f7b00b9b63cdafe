#include "model/synthetic_weights.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/random.hpp"

namespace sbench::server::model {
namespace {

constexpr std::size_t kFloatsPerTask = std::size_t{1} << 18;

struct Distribution {
  float center;
  float half_width;  // uniform on [center - half_width, center + half_width)
};

// Uniform with variance 1/fan_in (half-width sqrt(3/fan_in)) keeps each
// projection's output at the scale of its input. The projections that write
// back into the residual stream are further scaled by 1/sqrt(2 n_layers)
// (as in GPT-2), so the stream stays O(1) through all layers instead of
// growing with depth. Norm gains sit near 1 like a trained model's.
Distribution distribution(const ModelConfig& config, const TensorShape& shape) {
  const float unit_variance = std::sqrt(3.0f / static_cast<float>(shape.cols));
  const float residual = 1.0f / std::sqrt(2.0f * static_cast<float>(config.n_layers));
  switch (shape.id) {
    case TensorId::kTokenEmbedding:
      return {0.0f, std::sqrt(3.0f)};
    case TensorId::kAttentionNorm:
    case TensorId::kFfnNorm:
    case TensorId::kFinalNorm:
      return {1.0f, 0.1f};
    case TensorId::kWo:
    case TensorId::kW2:
      return {0.0f, unit_variance * residual};
    default:
      return {0.0f, unit_variance};
  }
}

}  // namespace

void synthetic_tensor(std::uint64_t seed, const ModelConfig& config, const TensorShape& shape,
                      int layer, std::span<float> out, ThreadPool& pool) {
  const Distribution dist = distribution(config, shape);
  const auto stream =
      (static_cast<std::uint64_t>(shape.id) << 32) | static_cast<std::uint32_t>(layer);
  const CounterRandom random(seed ^ splitmix64(stream));
  const auto tasks = static_cast<int>((out.size() + kFloatsPerTask - 1) / kFloatsPerTask);
  pool.run(tasks, [&](int task, int) {
    const std::size_t begin = task * kFloatsPerTask;
    const std::size_t end = std::min(out.size(), begin + kFloatsPerTask);
    for (std::size_t i = begin; i < end; ++i)
      out[i] = dist.center + dist.half_width * random.symmetric(i);
  });
}

Weights synthetic_weights(const ModelConfig& config, std::uint64_t seed, ThreadPool& pool) {
  WeightsBuilder builder(config, pool);
  std::vector<float> slice;
  for (const TensorShape& shape : llama2c_tensor_order(config)) {
    slice.resize(shape.slice_floats());
    for (int layer = 0; layer < shape.layers; ++layer) {
      synthetic_tensor(seed, config, shape, layer, slice, pool);
      builder.add(shape, layer, slice.data());
    }
  }
  return builder.finish();
}

}  // namespace sbench::server::model
