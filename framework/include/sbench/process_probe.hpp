#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace sbench {

// Resident memory of one process, from /proc/<pid>/status.
struct ProcessMemory {
  std::uint64_t rss_bytes = 0;       // VmRSS: resident now
  std::uint64_t peak_rss_bytes = 0;  // VmHWM: the most it was ever resident
};

// A reading that may be unavailable (the process is gone, no pid is known);
// a memory counter reports the reason instead of a made-up zero.
struct MemoryReading {
  std::optional<ProcessMemory> memory;
  std::string unavailable_reason;  // empty when `memory` is set

  bool available() const { return memory.has_value(); }
};

MemoryReading read_process_memory(pid_t pid);

// The harness itself.
MemoryReading read_own_memory();

// The server under test: `pid` is the server fixture's (nullopt when it
// reaches an already running server by URL and no pid was given).
MemoryReading read_server_memory(std::optional<pid_t> pid);

}  // namespace sbench
