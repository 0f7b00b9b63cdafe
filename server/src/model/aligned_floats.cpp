#include "model/aligned_floats.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sbench::server::model {
namespace {

constexpr std::size_t kCacheLine = 64;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

void AlignedFloats::Free::operator()(float* p) const {
  std::free(p);
}

AlignedFloats::AlignedFloats(std::size_t count) : count_(count) {
  if (count == 0)
    return;
  const std::size_t bytes = count * sizeof(float);
  const std::size_t alignment = bytes >= kHugePage ? kHugePage : kCacheLine;
  // aligned_alloc wants a multiple of the alignment.
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  data_.reset(static_cast<float*>(std::aligned_alloc(alignment, rounded)));
  if (!data_)
    throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Advice only: where it is refused the memory works the same on 4 KiB
  // pages. Given before the first touch, so the zeroing below faults huge
  // pages in.
  if (alignment == kHugePage)
    ::madvise(data_.get(), rounded, MADV_HUGEPAGE);
#endif
  std::memset(data_.get(), 0, rounded);
}

}  // namespace sbench::server::model
