#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <vector>

namespace sbench::server::model {

// Fork-join pool for the forward pass. A decode step issues about a hundred
// parallel regions of ~100 µs each, so a condition-variable wake per region
// would cost more than the work: workers spin between regions and only sleep
// (futex via std::atomic::wait) after a quiet spell, so an idle server burns
// no CPU. The calling thread always takes part, so `threads` counts it.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // 0: one per hardware thread
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls task(index, worker) for every index in [0, count), spread over the
  // pool, and returns when all have finished. `worker` is in [0, size()) and
  // lets a task use per-thread scratch memory.
  template <class Task>
  void run(int count, Task&& task) {
    run_erased(count, &call<std::remove_reference_t<Task>>, &task);
  }

 private:
  using Erased = void (*)(void* task, int index, int worker);
  template <class Task>
  static void call(void* task, int index, int worker) {
    (*static_cast<Task*>(task))(index, worker);
  }

  void run_erased(int count, Erased fn, void* task);
  void worker_loop(int worker);
  void take_tasks(int worker);

  std::vector<std::thread> workers_;
  // The job: written by the caller before `generation_` is bumped.
  Erased job_fn_ = nullptr;
  void* job_task_ = nullptr;
  int job_count_ = 0;
  std::atomic<int> next_index_{0};
  std::atomic<int> workers_done_{0};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace sbench::server::model
