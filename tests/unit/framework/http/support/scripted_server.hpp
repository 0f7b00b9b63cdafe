#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sbench/http/endpoint.hpp"

namespace sbench::http::testing {

// The server side of one accepted connection, with blocking I/O, so a test
// can misbehave byte by byte.
class ScriptedConnection {
 public:
  virtual ~ScriptedConnection() = default;
  // Reads one request head and its Content-Length body; false when the
  // client closed the connection or the server is stopping.
  virtual bool read_request() = 0;
  virtual const std::string& last_request() const = 0;
  virtual void write(std::string_view bytes) = 0;
  // Sleeps, but wakes when the server stops.
  virtual void pause(std::chrono::milliseconds duration) = 0;
  // Closes with a TCP RST instead of a FIN.
  virtual void reset() = 0;
};

// A loopback HTTP server that runs `script` on its own thread for every
// connection it accepts. Stopping wakes every script and joins it.
class ScriptedServer {
 public:
  using Script = std::function<void(ScriptedConnection&)>;

  explicit ScriptedServer(Script script);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::size_t accepted() const { return accepted_; }

  struct Shared;  // what connections share with the server: the stop signal

 private:
  void accept_loop();

  Script script_;
  std::shared_ptr<Shared> shared_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

}  // namespace sbench::http::testing
