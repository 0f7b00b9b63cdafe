#pragma once

#include <cstdint>
#include <random>
#include <span>

namespace sbench::server::engine {

// Picks the next token from one row of logits. Greedy (temperature 0) takes
// the lowest index among equal maxima; otherwise it draws from the softmax,
// cut to the nucleus of `top_p` of the probability mass (the most likely
// tokens first, ties by index), with its own generator, so a (seed, logits)
// pair gives the same token on every platform and whatever else is in the
// batch.
class Sampler {
 public:
  Sampler(float temperature, float top_p, std::uint64_t seed)
      : temperature_(temperature), top_p_(top_p), rng_(seed) {}

  int sample(std::span<const float> logits);

 private:
  int sample_softmax(std::span<const float> logits);

  float temperature_;
  float top_p_;
  std::mt19937_64 rng_;  // its output sequence is fixed by the standard, unlike the distributions
};

}  // namespace sbench::server::engine
