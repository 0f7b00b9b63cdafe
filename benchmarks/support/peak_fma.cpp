#include "peak_fma.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <numeric>
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

// Adds up the chains' last values where the compiler must leave them, and
// returns the FLOPs of `rounds` rounds over kChains chains of `lanes` floats.
double finish(const float* chains, int lanes, long rounds, float* sink) {
  *sink = std::accumulate(chains, chains + std::size_t{kChains} * lanes, 0.0f);
  return 2.0 * lanes * kChains * static_cast<double>(rounds);
}

#if defined(__x86_64__) || defined(__i386__)
// The widest vectors a CPU has set its peak: one with two 512-bit FMA pipes
// (Intel's server cores) does twice as many FLOPs with AVX-512 as with AVX2.
// On an Intel Xeon guest the AVX2 chains found 238 GFLOP/s against ~400 for
// AVX-512, and OpenBLAS's GEMM ran above the AVX2 "peak".
__attribute__((target("avx512f"))) double run_chains_avx512(long rounds, float* sink) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c)  // distinct, so no two chains can be merged
    acc[c] = _mm512_set1_ps(static_cast<float>(c));
  const __m512 scale = _mm512_set1_ps(0.999999f);
  const __m512 add = _mm512_set1_ps(1e-7f);
  for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (auto& chain : acc)
      chain = _mm512_fmadd_ps(chain, scale, add);
  }
  return finish(reinterpret_cast<const float*>(acc), 16, rounds, sink);
}

__attribute__((target("avx2,fma"))) double run_chains_avx2(long rounds, float* sink) {
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c)  // distinct, so no two chains can be merged
    acc[c] = _mm256_set1_ps(static_cast<float>(c));
  const __m256 scale = _mm256_set1_ps(0.999999f);
  const __m256 add = _mm256_set1_ps(1e-7f);
  for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (auto& chain : acc)
      chain = _mm256_fmadd_ps(chain, scale, add);
  }
  return finish(reinterpret_cast<const float*>(acc), 8, rounds, sink);
}
#endif

double run_chains_portable(long rounds, float* sink) {
  float acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = static_cast<float>(c);
  for (long r = 0; r < rounds; ++r)
    for (float& a : acc)
      a = std::fma(a, 0.999999f, 1e-7f);
  return finish(acc, 1, rounds, sink);
}

using Chains = double (*)(long rounds, float* sink);

Chains fastest_chains() {
#if defined(__x86_64__) || defined(__i386__)
  // libgcc and compiler-rt also check that the OS saves the AVX-512 registers.
  if (__builtin_cpu_supports("avx512f"))
    return run_chains_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return run_chains_avx2;
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
