#include "engine/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sbench::server::engine {

int Sampler::sample(std::span<const float> logits) {
  if (temperature_ <= 0.0f) {
    // max_element returns the first of equal maxima: the lowest index.
    return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  return sample_softmax(logits);
}

int Sampler::sample_softmax(std::span<const float> logits) {
  const double max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> weights(logits.size());
  double total = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    weights[i] = std::exp((logits[i] - max_logit) / temperature_);
    total += weights[i];
  }
  // 53 random bits scaled into [0, 1): the same double everywhere, which
  // std::uniform_real_distribution does not promise.
  const double uniform = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  const double target = uniform * total;
  double cumulative = 0;
  std::size_t last_possible = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0)
      continue;
    cumulative += weights[i];
    last_possible = i;
    if (cumulative > target)
      return static_cast<int>(i);
  }
  return static_cast<int>(last_possible);  // rounding left target at the very top
}

}  // namespace sbench::server::engine
