#include "memory_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace sbench::bench {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 30;
constexpr int kPasses = 5;

// Integer adds vectorise without -ffast-math (float sums would not), so the
// loop is limited by memory, not by a serial dependency chain.
std::uint64_t sum_words(const std::uint64_t* begin, const std::uint64_t* end) {
  std::uint64_t sum = 0;
  for (const auto* p = begin; p != end; ++p)
    sum += *p;
  return sum;
}

}  // namespace

double measure_read_bandwidth(int threads) {
  const unsigned workers = threads > 0 ? static_cast<unsigned>(threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t words = kBufferBytes / sizeof(std::uint64_t);
  auto buffer = std::make_unique<std::uint64_t[]>(words);  // zeroed: pages really exist
  const std::size_t share = words / workers;

  double best = 0;
  std::vector<std::uint64_t> sums(workers);
  for (int pass = 0; pass < kPasses; ++pass) {
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (unsigned w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        const auto* begin = buffer.get() + w * share;
        sums[w] = sum_words(begin, begin + share);
      });
    for (auto& thread : pool)
      thread.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, static_cast<double>(share * workers * sizeof(std::uint64_t)) / seconds);
  }
  // Keeps the sums observable so the reads cannot be optimised away.
  volatile std::uint64_t sink = 0;
  for (auto s : sums)
    sink = sink + s;
  return best;
}

}  // namespace sbench::bench
