#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sbench/runner/target.hpp"

namespace sbench {
class BackendClient;
}

namespace sbench::runner {

// A quantity read several times over a point: first, highest and last.
struct MemoryTrack {
  std::optional<double> first;
  std::optional<double> peak;
  std::optional<double> last;

  void add(double value);
};

// The server's memory over one sweep point, each source either read or
// skipped with the reason (a missing number is never shown as zero).
struct PointMemory {
  MemoryTrack rss_mb;  // the server process's resident memory
  std::string rss_skipped;
  std::map<std::string, MemoryTrack> gauges;  // the server's own: kv_cache_usage_ratio, ...
  std::string gauges_skipped;
  MemoryTrack gpu_used_mb;  // nvidia-smi, all GPUs
  std::string gpu_skipped;
};

// Reads the server's memory while a point runs: RSS by pid when the server is
// on this machine (given, or found from the listening port), the gauges its
// backend exposes (/metrics, sbench-server's /v1/stats), and nvidia-smi.
class ServerMemoryProbe {
 public:
  explicit ServerMemoryProbe(const TargetOptions& target);
  ~ServerMemoryProbe();
  ServerMemoryProbe(const ServerMemoryProbe&) = delete;
  ServerMemoryProbe& operator=(const ServerMemoryProbe&) = delete;

  std::optional<int> pid() const { return pid_; }
  void begin();
  void sample();
  PointMemory end();

 private:
  void read_gpu();

  std::optional<int> pid_;
  std::string pid_reason_;
  std::unique_ptr<BackendClient> backend_;
  std::string backend_reason_;
  PointMemory current_;
};

// The pid of the process listening on `port` on this machine, from
// /proc/net/tcp{,6} and the processes' socket links; nullopt when none is
// found (another user's process, or not on this machine).
std::optional<int> find_listening_pid(int port);

}  // namespace sbench::runner
