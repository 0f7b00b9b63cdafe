#pragma once

// HTTP/1.1 serving of the double: one thread, one io_context, many
// keep-alive connections, latency waited on timers.

#include <cstdint>
#include <memory>

#include "double_options.hpp"

namespace sbench::provider_double {

class DoubleServer {
 public:
  // Binds at once, so that port() is known before run(); throws
  // std::runtime_error when it cannot.
  explicit DoubleServer(const DoubleOptions& options);
  ~DoubleServer();
  DoubleServer(const DoubleServer&) = delete;
  DoubleServer& operator=(const DoubleServer&) = delete;

  std::uint16_t port() const;
  // Serves until SIGINT or SIGTERM.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::provider_double
