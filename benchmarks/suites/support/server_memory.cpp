#include "suite_support/server_memory.hpp"

#include <string>

#include "sbench/case.hpp"
#include "sbench/process_probe.hpp"
#include "suite_support/case_session.hpp"

namespace sbench::suites {

std::uint64_t server_rss_bytes(std::optional<pid_t> pid) {
  const MemoryReading reading = read_server_memory(pid);
  if (!reading.available())
    throw Skip("server memory unavailable: " + reading.unavailable_reason);
  return reading.memory->rss_bytes;
}

ServerMemoryStats server_memory_stats(BackendClient& backend) {
  require_capability(backend, Capability::server_memory_stats);
  ServerMemoryStats stats = backend.memory_stats();
  require_ok(stats.error, "reading the server's memory statistics");
  return stats;
}

std::uint64_t reported(const std::optional<std::uint64_t>& field, const char* name) {
  if (!field)
    throw Skip(std::string("the server does not report ") + name);
  return *field;
}

}  // namespace sbench::suites
