#pragma once

#include <cstdint>
#include <memory>

namespace sbench::bench {

// The smallest HTTP/1.1 keep-alive server: every request gets the same small
// JSON answer. It measures the client (or wrk), not a server, so it runs on
// its own thread, pinned to its own core when `cpu` >= 0.
class FixedResponseEndpoint {
 public:
  FixedResponseEndpoint(std::uint16_t port, int cpu);
  ~FixedResponseEndpoint();
  FixedResponseEndpoint(const FixedResponseEndpoint&) = delete;
  FixedResponseEndpoint& operator=(const FixedResponseEndpoint&) = delete;

  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pins the calling thread (and the threads it creates later) to one core.
void pin_current_thread(int cpu);

}  // namespace sbench::bench
