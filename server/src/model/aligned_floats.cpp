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
  // posix_memalign, not aligned_alloc: no rounding of the size up to the
  // alignment, so an array's last partial huge page is not allocated (and,
  // zeroed, resident) in full.
  void* memory = nullptr;
  if (::posix_memalign(&memory, alignment, bytes) != 0)
    throw std::bad_alloc();
  data_.reset(static_cast<float*>(memory));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Advice only: where it is refused the memory works the same on 4 KiB
  // pages. Given before the first touch, so the zeroing below faults huge
  // pages in; the advice ends with the array, so a last partial 2 MiB stays
  // on 4 KiB pages.
  if (alignment == kHugePage)
    ::madvise(memory, bytes, MADV_HUGEPAGE);  // the kernel rounds the length up to a page
#endif
  std::memset(memory, 0, bytes);
}

}  // namespace sbench::server::model
