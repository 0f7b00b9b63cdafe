#pragma once

#include <cstdint>
#include <random>
#include <span>

namespace sbench::server::engine {

// Picks the next token from one row of logits. Greedy (temperature 0) takes
// the lowest index among equal maxima; otherwise it draws from the softmax
// with its own generator, so a (seed, logits) pair gives the same token on
// every platform and whatever else is in the batch.
class Sampler {
 public:
  Sampler(float temperature, std::uint64_t seed) : temperature_(temperature), rng_(seed) {}

  int sample(std::span<const float> logits);

 private:
  int sample_softmax(std::span<const float> logits);

  float temperature_;
  std::mt19937_64 rng_;  // its output sequence is fixed by the standard, unlike the distributions
};

}  // namespace sbench::server::engine
