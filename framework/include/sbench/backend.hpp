#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sbench/agent_cache.hpp"
#include "sbench/backend_capability.hpp"
#include "sbench/config.hpp"
#include "sbench/generation.hpp"
#include "sbench/http/endpoint.hpp"
#include "sbench/server_memory_stats.hpp"

namespace sbench {

// The outcome of an operation that returns nothing else: ok, or the error
// message. [[nodiscard]]: ignoring it would lose the error.
struct [[nodiscard]] Status {
  Status() = default;
  Status(std::string message)
      : error(std::move(message)) {}               // NOLINT: an error message is a status
  Status(const char* message) : error(message) {}  // NOLINT

  bool ok() const { return error.empty(); }
  bool operator==(const Status&) const = default;

  std::string error;  // empty when ok
};

// What the suites talk to: one server API dialect (docs/BACKENDS.md).
// Operations report failures in their result's `error` rather than throw,
// except that a server found dead throws whatever the liveness check throws.
// Not thread-safe for one agent; different agents may be driven from
// different threads.
class BackendClient {
 public:
  virtual ~BackendClient() = default;

  virtual std::string_view name() const = 0;
  virtual const Capabilities& capabilities() const = 0;
  bool has(Capability capability) const { return capabilities().contains(capability); }

  // An agent is a conversation whose context the server keeps between
  // generations. (The server's agent id is the name given here.)
  virtual Status create_agent(const std::string& agent) = 0;
  virtual Status delete_agent(const std::string& agent) = 0;

  virtual GenerateResult generate(const GenerateRequest& request) = 0;

  // Capability::agent_cache. After a load, the agent's next generation
  // checks that the loaded tokens were reused (docs/MEASURING.md, "Verified reuse") and fails if
  // they were recomputed.
  virtual CacheOperationResult save_agent(const std::string& agent);
  virtual CacheOperationResult unload_agent(const std::string& agent);
  virtual CacheOperationResult load_agent(const std::string& agent);
  // Loads the cache file `source` saved into `agent`, which gets its own copy
  // of that context; `source` is untouched. `agent` must not be in memory:
  // created and unloaded (sbench-server also takes one it does not know).
  // Part of Capability::agent_cache.
  virtual CacheOperationResult load_agent_from(const std::string& agent, const std::string& source);

  // Capability::server_memory_stats.
  virtual ServerMemoryStats memory_stats();

  // Forgets every agent and frees what the server holds for them, so one
  // case's contexts never slow the next; call at the start of a case.
  virtual Status reset() = 0;
};

// Where a backend sends its requests. `check_alive` runs when a request fails
// without an HTTP answer and throws if the server has died (the server
// fixture's check_alive), so a dead server is reported as such, not as a
// timeout; it may be empty.
struct BackendTarget {
  http::Endpoint endpoint;
  std::function<void()> check_alive;
};

// The backend `server.backend` names. Throws std::runtime_error when it
// cannot be set up (e.g. llama.cpp's slot count cannot be found).
std::unique_ptr<BackendClient> make_backend(const ServerConfig& server, BackendTarget target);

}  // namespace sbench
