#include "engine/sampler.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace sbench::server::engine {
namespace {

// Zeroes every weight outside the smallest set of most likely tokens whose
// mass reaches `top_p` of `total`; returns the mass kept.
double keep_nucleus(std::vector<double>& weights, double total, float top_p) {
  std::vector<std::size_t> order(weights.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return weights[a] != weights[b] ? weights[a] > weights[b] : a < b;
  });
  const double wanted = static_cast<double>(top_p) * total;
  double kept = 0;
  std::size_t rank = 0;
  for (; rank < order.size() && kept < wanted; ++rank)
    kept += weights[order[rank]];
  for (; rank < order.size(); ++rank)
    weights[order[rank]] = 0;
  return kept;
}

// The lowest index of the largest logit. A vocabulary-sized row is read a
// block at a time: a block's max is taken in lanes without a carried index,
// which the compiler turns into vector maxima, and only the block holding the
// first largest value is searched for it. (std::max_element carries the
// index through every comparison, at most one a cycle: 1-2% of an 8-agent
// decode step's samples.) NaNs are passed over.
int greedy(std::span<const float> logits) {
  constexpr std::size_t kLanes = 16;
  constexpr std::size_t kBlock = 4 * kLanes;
  constexpr float kLowest = -std::numeric_limits<float>::infinity();
  float best = kLowest;
  std::size_t best_block = 0;
  for (std::size_t block = 0; block < logits.size(); block += kBlock) {
    const std::size_t end = std::min(logits.size(), block + kBlock);
    std::array<float, kLanes> lanes;
    lanes.fill(kLowest);
    std::size_t i = block;
    for (; i + kLanes <= end; i += kLanes)
      for (std::size_t lane = 0; lane < kLanes; ++lane)
        lanes[lane] = logits[i + lane] > lanes[lane] ? logits[i + lane] : lanes[lane];
    for (; i < end; ++i)
      lanes[0] = logits[i] > lanes[0] ? logits[i] : lanes[0];
    const float largest = *std::max_element(lanes.begin(), lanes.end());
    if (largest > best) {
      best = largest;
      best_block = block;
    }
  }
  const auto first = logits.begin() + static_cast<std::ptrdiff_t>(best_block);
  const auto found = std::find_if(first, logits.end(), [&](float x) { return x >= best; });
  return found == logits.end() ? 0 : static_cast<int>(found - logits.begin());
}

}  // namespace

int Sampler::sample(std::span<const float> logits) {
  return temperature_ <= 0.0f ? greedy(logits) : sample_softmax(logits);
}

int Sampler::sample_softmax(std::span<const float> logits) {
  const double max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> weights(logits.size());
  double total = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    weights[i] = std::exp((logits[i] - max_logit) / temperature_);
    total += weights[i];
  }
  if (top_p_ < 1.0f)
    total = keep_nucleus(weights, total, top_p_);
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
