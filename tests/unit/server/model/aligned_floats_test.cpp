#include "model/aligned_floats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sbench::server::model {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::uintptr_t address(const float* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

// The VmFlags line of the mapping in /proc/self/smaps that holds `p`.
std::string vm_flags_of(const float* p) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= address(p) && address(p) < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return {};
}

bool all_zero(const AlignedFloats& floats) {
  return std::all_of(floats.data(), floats.data() + floats.size(),
                     [](float f) { return f == 0.0f; });
}

TEST(AlignedFloats, SmallArraysAreZeroedOnACacheLine) {
  for (std::size_t count : {std::size_t{1}, std::size_t{100}, std::size_t{16384}}) {
    const AlignedFloats floats(count);
    EXPECT_EQ(floats.size(), count);
    EXPECT_EQ(address(floats.data()) % 64, 0u) << count;
    EXPECT_TRUE(all_zero(floats)) << count;
  }
}

TEST(AlignedFloats, LargeArraysStartOnAHugePageAndAskForHugePages) {
  const std::size_t count = 5 * kHugePage / sizeof(float) + 7;  // not whole huge pages
  const AlignedFloats floats(count);
  EXPECT_EQ(address(floats.data()) % kHugePage, 0u);
  EXPECT_TRUE(all_zero(floats));
#if defined(__linux__)
  if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage"))
    GTEST_SKIP() << "this kernel has no transparent huge pages";
  // "hg": the mapping carries MADV_HUGEPAGE, whatever the system-wide mode.
  const std::string flags = vm_flags_of(floats.data());
  ASSERT_FALSE(flags.empty()) << "no mapping in /proc/self/smaps holds the array";
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
#endif
}

TEST(AlignedFloats, AnEmptyArrayHoldsNothing) {
  const AlignedFloats floats(0);
  EXPECT_EQ(floats.size(), 0u);
  EXPECT_EQ(floats.data(), nullptr);
}

}  // namespace
}  // namespace sbench::server::model
