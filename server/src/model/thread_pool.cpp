#include "model/thread_pool.hpp"

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace sbench::server::model {
namespace {

// Long enough to bridge the gaps between the parallel regions of one forward
// step and between back-to-back steps, short enough that an idle pool goes to
// sleep almost at once.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(500);

// Polls between yields. When threads outnumber free cores (a busy machine,
// or more threads than cores) the thread being waited for may be off-CPU;
// yielding hands it the core instead of spinning out a whole time slice.
constexpr int kPollsPerYield = 64;

// One poll of a spin-wait; `polls` counts the polls so far.
void relax(int polls) {
  if (polls % kPollsPerYield == kPollsPerYield - 1) {
    std::this_thread::yield();
    return;
  }
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0)
    threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers_.reserve(threads - 1);
  for (int worker = 1; worker < threads; ++worker)
    workers_.emplace_back([this, worker] { worker_loop(worker); });
}

ThreadPool::~ThreadPool() {
  stopping_.store(true);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  for (auto& thread : workers_)
    thread.join();
}

void ThreadPool::take_tasks(int worker) {
  for (int index = next_index_.fetch_add(1, std::memory_order_relaxed); index < job_count_;
       index = next_index_.fetch_add(1, std::memory_order_relaxed))
    job_fn_(job_task_, index, worker);
}

void ThreadPool::run_erased(int count, Erased fn, void* task) {
  if (count <= 0)
    return;
  if (workers_.empty() || count == 1) {
    for (int index = 0; index < count; ++index)
      fn(task, index, 0);
    return;
  }
  job_fn_ = fn;
  job_task_ = task;
  job_count_ = count;
  next_index_.store(0, std::memory_order_relaxed);
  workers_done_.store(0, std::memory_order_relaxed);
  // seq_cst on both sides (here and around the worker's wait) so either the
  // worker sees the new generation or this load sees it asleep.
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0)
    generation_.notify_all();
  take_tasks(0);
  // Every worker must check in before the job's fields may be reused, even
  // one that found no task left.
  const int workers = static_cast<int>(workers_.size());
  for (int polls = 0; workers_done_.load(std::memory_order_acquire) < workers; ++polls)
    relax(polls);
}

void ThreadPool::worker_loop(int worker) {
  std::uint64_t seen = 0;
  for (;;) {
    auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
    int polls = 0;
    while (generation_.load(std::memory_order_acquire) == seen) {
      relax(polls);
      if (++polls % kPollsPerYield != 0 || std::chrono::steady_clock::now() < spin_until)
        continue;
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      // Re-checked after announcing the sleep, so a job posted in between is
      // either seen here or followed by a notify.
      generation_.wait(seen, std::memory_order_seq_cst);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stopping_.load())
      return;
    take_tasks(worker);
    workers_done_.fetch_add(1, std::memory_order_release);
  }
}

}  // namespace sbench::server::model
