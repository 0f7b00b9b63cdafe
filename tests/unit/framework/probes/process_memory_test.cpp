#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "sbench/process_probe.hpp"

namespace sbench {
namespace {

TEST(ProcessMemory, OwnResidentMemoryRisesWhenMemoryIsTouched) {
  const MemoryReading before = read_own_memory();
  ASSERT_TRUE(before.available()) << before.unavailable_reason;
  constexpr std::size_t kBytes = 64 << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);
  const MemoryReading after = read_own_memory();
  ASSERT_TRUE(after.available());
  EXPECT_GE(after.memory->rss_bytes, before.memory->rss_bytes + kBytes / 2);
  EXPECT_GE(after.memory->peak_rss_bytes, after.memory->rss_bytes);
  EXPECT_EQ(block[kBytes - 1], 1);
}

TEST(ProcessMemory, ReadsAnotherProcessByPid) {
  const MemoryReading reading = read_process_memory(getppid());
  ASSERT_TRUE(reading.available()) << reading.unavailable_reason;
  EXPECT_GT(reading.memory->rss_bytes, 0u);
}

TEST(ProcessMemory, DeadProcessIsUnavailableNotACrash) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0)
    _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const MemoryReading reading = read_process_memory(child);
  EXPECT_FALSE(reading.available());
  EXPECT_NE(reading.unavailable_reason.find(std::to_string(child)), std::string::npos);
}

TEST(ProcessMemory, ServerWithoutPidIsUnavailableWithTheReason) {
  const MemoryReading reading = read_server_memory(std::nullopt);
  EXPECT_FALSE(reading.available());
  EXPECT_NE(reading.unavailable_reason.find("reached by URL"), std::string::npos);
}

}  // namespace
}  // namespace sbench
