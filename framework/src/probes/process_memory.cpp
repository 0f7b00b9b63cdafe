#include <fstream>
#include <sstream>

#include "proc_status.hpp"
#include "sbench/process_probe.hpp"

namespace sbench {
namespace {

MemoryReading unavailable(std::string reason) {
  return {std::nullopt, std::move(reason)};
}

MemoryReading read_status_file(const std::string& path) {
  std::ifstream file(path);
  if (!file)
    return unavailable("cannot read " + path + " (the process is gone?)");
  std::ostringstream text;
  text << file.rdbuf();
  const std::string status = text.str();
  const auto rss = detail::proc_status_kilobytes(status, "VmRSS");
  const auto peak = detail::proc_status_kilobytes(status, "VmHWM");
  // A zombie's status file exists but has no memory lines.
  if (!rss || !peak)
    return unavailable(path + " has no VmRSS/VmHWM (the process has exited?)");
  return {ProcessMemory{*rss, *peak}, ""};
}

}  // namespace

MemoryReading read_process_memory(pid_t pid) {
  if (pid <= 0)
    return unavailable("no process " + std::to_string(pid));
  return read_status_file("/proc/" + std::to_string(pid) + "/status");
}

MemoryReading read_own_memory() {
  return read_status_file("/proc/self/status");
}

MemoryReading read_server_memory(std::optional<pid_t> pid) {
  if (!pid)
    return unavailable("the server's pid is unknown (reached by URL, not started by the suite)");
  return read_process_memory(*pid);
}

}  // namespace sbench
