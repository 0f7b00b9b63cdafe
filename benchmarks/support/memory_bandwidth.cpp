#include "memory_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

namespace sbench::bench {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 30;
constexpr int kPasses = 5;

using Floats8 = float __attribute__((vector_size(32)));

// Four independent vector sums, so the loop waits on memory, not on adds.
// The load width matters: a scalar loop measured half the bandwidth the
// model's AVX2 kernels reach, which would make the "roofline" a floor.
inline float sum_floats(const float* begin, const float* end) {
  constexpr std::size_t kLanes = 8;
  Floats8 a{}, b{}, c{}, d{};
  for (const float* p = begin; p + 4 * kLanes <= end; p += 4 * kLanes) {
    a += *reinterpret_cast<const Floats8*>(p);
    b += *reinterpret_cast<const Floats8*>(p + kLanes);
    c += *reinterpret_cast<const Floats8*>(p + 2 * kLanes);
    d += *reinterpret_cast<const Floats8*>(p + 3 * kLanes);
  }
  const Floats8 sum = a + b + c + d;
  return sum[0];
}

__attribute__((target("avx2"))) float sum_floats_avx2(const float* begin, const float* end) {
  return sum_floats(begin, end);
}

float sum_floats_portable(const float* begin, const float* end) {
  return sum_floats(begin, end);
}

}  // namespace

double measure_read_bandwidth(int threads) {
  const unsigned workers = threads > 0 ? static_cast<unsigned>(threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t floats = kBufferBytes / sizeof(float);
  auto* buffer = static_cast<float*>(std::aligned_alloc(64, kBufferBytes));
  if (buffer == nullptr)
    throw std::bad_alloc();
  std::fill_n(buffer, floats, 1.0f);  // the pages must exist before the clock starts
  const std::size_t share = floats / workers / 64 * 64;
  const auto sum = __builtin_cpu_supports("avx2") ? sum_floats_avx2 : sum_floats_portable;

  double best = 0;
  std::vector<float> sums(workers);
  for (int pass = 0; pass < kPasses; ++pass) {
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (unsigned w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        const float* begin = buffer + w * share;
        sums[w] = sum(begin, begin + share);
      });
    for (auto& thread : pool)
      thread.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, static_cast<double>(share * workers * sizeof(float)) / seconds);
  }
  // Keeps the sums observable so the reads cannot be optimised away.
  volatile float sink = 0;
  for (float s : sums)
    sink = sink + s;
  std::free(buffer);
  return best;
}

}  // namespace sbench::bench
