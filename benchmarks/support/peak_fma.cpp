#include "peak_fma.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace sbench::bench {
namespace {

constexpr long kRounds = 20'000'000;  // per pass and thread: ~0.1 s at AVX2 peak
constexpr int kPasses = 5;
// Independent accumulators: enough to cover an FMA's latency on two pipes
// (4 cycles x 2 on current x86), so the loop is bound by throughput alone.
constexpr int kChains = 10;

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) double run_chains_fma(long rounds, float* sink) {
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = _mm256_set1_ps(static_cast<float>(c));
  const __m256 scale = _mm256_set1_ps(0.999999f);
  const __m256 add = _mm256_set1_ps(1e-7f);
  for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c)
      acc[c] = _mm256_fmadd_ps(acc[c], scale, add);
  }
  __m256 total = acc[0];
  for (int c = 1; c < kChains; ++c)
    total = _mm256_add_ps(total, acc[c]);
  *sink = _mm256_cvtss_f32(total);
  return 2.0 * 8 * kChains * static_cast<double>(rounds);
}
#endif

double run_chains_portable(long rounds, float* sink) {
  float acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = static_cast<float>(c);
  for (long r = 0; r < rounds; ++r)
    for (float& a : acc)
      a = std::fma(a, 0.999999f, 1e-7f);
  float total = 0;
  for (float a : acc)
    total += a;
  *sink = total;
  return 2.0 * kChains * static_cast<double>(rounds);
}

using Chains = double (*)(long rounds, float* sink);

Chains fastest_chains() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return run_chains_fma;
#endif
  return run_chains_portable;
}

}  // namespace

double measure_peak_fma(int threads) {
  const unsigned workers = threads > 0 ? static_cast<unsigned>(threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  const Chains run = fastest_chains();
  double best = 0;
  std::vector<float> sinks(workers);
  for (int pass = 0; pass < kPasses; ++pass) {
    std::vector<double> flops(workers);
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (unsigned w = 0; w < workers; ++w)
      pool.emplace_back([&, w] { flops[w] = run(kRounds, &sinks[w]); });
    for (auto& thread : pool)
      thread.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (double f : flops)
      total += f;
    best = std::max(best, total / seconds);
  }
  // Keeps the results observable so the chains cannot be optimised away.
  volatile float sink = 0;
  for (float s : sinks)
    sink = sink + s;
  return best;
}

}  // namespace sbench::bench
