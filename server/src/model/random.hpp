#pragma once

#include <cstdint>

namespace sbench::server::model {

// splitmix64's output function. Used as a counter-based generator (value i of
// a stream is mix(key + i * gamma)), so any element can be produced on its
// own: tensors fill in parallel and identically on every platform, unlike
// the implementation-defined <random> distributions.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

class CounterRandom {
 public:
  constexpr explicit CounterRandom(std::uint64_t key) : key_(splitmix64(key)) {}
  constexpr std::uint64_t bits(std::uint64_t index) const {
    return splitmix64(key_ + (index + 1) * kGoldenGamma);
  }
  // Uniform in [-1, 1): the top 24 bits give every float step exactly.
  constexpr float symmetric(std::uint64_t index) const {
    return static_cast<float>(bits(index) >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }

 private:
  std::uint64_t key_;
};

}  // namespace sbench::server::model
