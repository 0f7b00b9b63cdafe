#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sbench/http/endpoint.hpp"
#include "server_fixture/server_process.hpp"  // the fixture's own process class
#include "support/temp_dir.hpp"

namespace sbench::testing {

// A server started by a test, on the process code the server fixture uses
// (own process group, output to a log file). It is started with --port 0 and
// found from its "listening on http://HOST:PORT" line, so tests that start
// several servers at once never race for a port. Every wait has a timeout.
class SpawnedServer {
 public:
  // `argv` starts with the executable. Throws std::runtime_error, with the
  // server's log, when it exits or stays silent past `startup_timeout`.
  explicit SpawnedServer(const std::vector<std::string>& argv,
                         std::chrono::milliseconds startup_timeout = std::chrono::seconds(60));

  const http::Endpoint& endpoint() const { return endpoint_; }
  std::uint16_t port() const { return endpoint_.port; }
  pid_t pid() const { return process_.pid(); }
  std::string log() const;

  // To the server alone, not its group: what a user's kill would do.
  void send_signal(int signal_number) const;
  // The exit code, 128 + signal when a signal ended it; nullopt while it runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // SIGTERM, then wait_for_exit(timeout).
  std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  TempDir log_dir_;
  detail::ServerProcess process_;
  http::Endpoint endpoint_;
};

}  // namespace sbench::testing
