#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::runner {

struct CommandPoolOptions {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
  std::size_t workers = 1;
  std::filesystem::path working_directory;  // empty: the runner's
};

// start_failed: this start failed; gave_up: starts failed often enough in a
// row that the pool fails every request at once from now on.
enum class CommandFailure {
  none,
  timeout,
  worker_died,
  bad_reply,
  worker_error,
  start_failed,
  gave_up
};
std::string_view to_string(CommandFailure failure);

struct CommandReply {
  CommandFailure failure = CommandFailure::none;
  std::string message;  // why it failed; empty when ok
  nlohmann::json body;  // the worker's reply object when ok
  bool ok() const { return failure == CommandFailure::none; }
};

struct CommandPoolStats {
  std::size_t processes_started = 0;  // first starts and restarts
  std::size_t restarts = 0;           // replacements of a worker that died, hung or misbehaved
  std::size_t requests = 0;
};

// Persistent worker processes speaking JSON lines: one request object per line on the
// worker's stdin, one reply object per line on its stdout, in order. A worker that exits,
// answers with something that is not one JSON object, or passes a request's timeout is
// killed and replaced, and that request fails (it is never resent here: retries are the
// scheduler's decision). stderr of the workers goes to the runner's stderr.
class CommandPool {
 public:
  using Completion = std::function<void(CommandReply)>;
  // Starts the workers lazily (on first use), so a dry run never spawns anything.
  explicit CommandPool(CommandPoolOptions options);
  // Closes every worker's stdin, waits up to 2 s for it to exit, then kills it. Requests still
  // queued fail with CommandFailure::timeout, as does one whose reply does not come in those 2 s.
  ~CommandPool();
  CommandPool(const CommandPool&) = delete;
  CommandPool& operator=(const CommandPool&) = delete;

  // Queues `request` (the pool adds "id": a sequence number, and checks the reply carries
  // it); `done` runs on a pool thread, exactly once, with the reply or the failure. Never
  // blocks the caller; requests wait for a free worker. A reply object with an "error"
  // member is CommandFailure::worker_error with that message (the worker stays). A request
  // that is not a JSON object throws std::invalid_argument.
  void submit(nlohmann::json request, std::chrono::milliseconds timeout, Completion done);
  CommandPoolStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::runner
