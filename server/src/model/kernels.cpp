#include "model/kernels.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace sbench::server::model {
namespace {

bool cpu_has_avx2_fma_f16c() {
#if defined(__x86_64__) || defined(__i386__)
  // Clang 14's __builtin_cpu_supports does not know "f16c": ask CPUID.
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
#else
  return false;
#endif
}

bool cpu_has_avx512f() {
#if defined(__x86_64__) || defined(__i386__)
  // libgcc and compiler-rt also check that the OS saves the AVX-512 registers.
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

}  // namespace

void load_f32_rows(const std::byte* from, int count, int head_dim, std::size_t stride, float* to) {
  const auto* rows = reinterpret_cast<const float*>(from);
  for (int j = 0; j < count; ++j)
    std::memcpy(to + static_cast<std::size_t>(j) * head_dim, rows + j * stride,
                head_dim * sizeof(float));
}

void store_f32_rows(const float* from, int count, std::byte* to) {
  std::memcpy(to, from, static_cast<std::size_t>(count) * sizeof(float));
}

std::vector<const Kernels*> usable_kernels() {
  std::vector<const Kernels*> usable{&portable_kernels()};
  if (avx2_kernels() == nullptr || !cpu_has_avx2_fma_f16c())
    return usable;
  usable.push_back(avx2_kernels());
  if (avx512_kernels() != nullptr && cpu_has_avx512f())
    usable.push_back(avx512_kernels());
  return usable;
}

const Kernels& choose_kernels(std::string_view name) {
  const std::vector<const Kernels*> usable = usable_kernels();
  if (name.empty())
    return *usable.back();
  std::string names;
  for (const Kernels* kernels : usable) {
    if (kernels->name == name)
      return *kernels;
    names += std::string(names.empty() ? "" : ", ") + kernels->name;
  }
  throw std::invalid_argument("SBENCH_KERNELS=" + std::string(name) +
                              ": no such kernel set on this CPU (it runs " + names + ")");
}

const Kernels& best_kernels() {
  static const Kernels& chosen = []() -> const Kernels& {
    const char* name = std::getenv("SBENCH_KERNELS");
    return choose_kernels(name != nullptr ? name : "");
  }();
  return chosen;
}

}  // namespace sbench::server::model
