#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "sbench/http_endpoint.hpp"

namespace sbench::http::testing {

// A child server process that announces its address on stdout as
// "... listening on http://HOST:PORT". Killed and reaped on destruction.
class ServerProcess {
 public:
  // Throws std::runtime_error when the child exits or stays silent past
  // `startup_timeout`, with what it printed.
  ServerProcess(const std::vector<std::string>& argv, std::chrono::milliseconds startup_timeout);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  void stop();

  pid_t pid_ = -1;
  int output_ = -1;
  Endpoint endpoint_;
};

}  // namespace sbench::http::testing
