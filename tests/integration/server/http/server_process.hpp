#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbench::test {

// The real sbench-server binary as a child process on loopback. Started with
// --port 0; the port comes from its one stdout line. Every wait has a timeout.
class ServerProcess {
 public:
  // Starts the server with `args` and waits until /health answers 200;
  // throws std::runtime_error if it does not within the timeout.
  explicit ServerProcess(const std::vector<std::string>& args,
                         std::chrono::milliseconds startup_timeout = std::chrono::seconds(30));
  ~ServerProcess();  // kills the server if it is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  void send_signal(int signal) const;
  // The exit code, 128 + signal when killed by one, nullopt if it still runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // SIGTERM, then the exit code (nullopt: did not exit within the timeout).
  std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::string read_stdout_line(std::chrono::milliseconds timeout);
  void wait_until_healthy(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::optional<int> exit_code_;
};

}  // namespace sbench::test
