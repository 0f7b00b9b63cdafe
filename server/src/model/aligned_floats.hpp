#pragma once

#include <cstddef>
#include <memory>

namespace sbench::server::model {

// A zeroed float array for packed weights: on a cache-line boundary, so
// kernels' vector loads never split a line, and from 2 MiB up on transparent
// huge pages where the kernel grants them, all but its last partial 2 MiB
// (madvise; THP "never" leaves ordinary pages). Every decode step streams all the weights, and on
// huge pages walks 512 times fewer pages. On this project's machine, 5 and 8 agents decoded
// stories110M faster with it in each of five alternating rounds (medians +16% and +7%). The KV pool
// keeps ordinary pages: on huge pages its first touch cost a cold 2K prefill ~130 ms and no decode
// step got faster (docs/PERFORMANCE.md).
class AlignedFloats {
 public:
  AlignedFloats() = default;
  explicit AlignedFloats(std::size_t count);

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return count_; }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
  std::size_t count_ = 0;
};

}  // namespace sbench::server::model
