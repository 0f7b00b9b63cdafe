#include "model/kernels.hpp"

namespace sbench::server::model {
namespace {

bool cpu_has_avx2_fma_f16c() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("f16c");
#else
  return false;
#endif
}

}  // namespace

const Kernels& best_kernels() {
  static const Kernels& chosen =
      (avx2_kernels() != nullptr && cpu_has_avx2_fma_f16c()) ? *avx2_kernels() : portable_kernels();
  return chosen;
}

}  // namespace sbench::server::model
