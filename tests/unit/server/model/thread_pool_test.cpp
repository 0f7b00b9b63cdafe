#include "model/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace sbench::server::model {
namespace {

TEST(ThreadPool, RunsEveryIndexExactlyOnceOnValidWorkers) {
  ThreadPool pool(3);
  ASSERT_EQ(pool.size(), 3);
  for (int count : {0, 1, 2, 3, 7, 1000}) {
    std::vector<std::atomic<int>> hits(count);
    std::atomic<bool> bad_worker{false};
    pool.run(count, [&](int index, int worker) {
      hits[index].fetch_add(1);
      if (worker < 0 || worker >= pool.size())
        bad_worker = true;
    });
    for (int i = 0; i < count; ++i)
      EXPECT_EQ(hits[i].load(), 1) << i << " of " << count;
    EXPECT_FALSE(bad_worker);
  }
}

TEST(ThreadPool, ManyBackToBackRegionsAndWakingAfterSleep) {
  ThreadPool pool(2);
  std::atomic<long> total{0};
  for (int region = 0; region < 2000; ++region)
    pool.run(4, [&](int index, int) { total += index; });
  EXPECT_EQ(total.load(), 2000L * 6);
  // Long enough for the workers to stop spinning and block.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::atomic<int> workers_seen{0};
  pool.run(64, [&](int, int worker) {
    if (worker == 1)
      workers_seen = 1;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  });
  EXPECT_EQ(workers_seen.load(), 1);  // the sleeping worker woke and took tasks
}

TEST(ThreadPool, ZeroMeansOnePerHardwareThread) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace sbench::server::model
