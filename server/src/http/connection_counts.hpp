#pragma once

#include <atomic>
#include <cstdint>

namespace sbench::server::http {

// A server's connections, counted by the sessions for --max-connections and
// shown by /metrics.
struct ConnectionCounts {
  std::atomic<int> open{0};
  std::atomic<std::uint64_t> refused{0};  // turned away at the limit
};

}  // namespace sbench::server::http
