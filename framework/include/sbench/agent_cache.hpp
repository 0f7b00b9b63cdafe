#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sbench {

enum class CacheAction { save, unload, load };

// The answer to saving, unloading or loading one agent's KV cache.
struct [[nodiscard]] CacheOperationResult {
  CacheAction action = CacheAction::save;
  std::size_t tokens = 0;              // saved or loaded; 0 for unload
  std::optional<std::uint64_t> bytes;  // written, read or freed, when the server says
  std::optional<double> server_ms;     // the server's own time for it
  double client_ms = 0;                // request latency seen by the harness
  std::string error;                   // empty on success

  bool ok() const { return error.empty(); }
};

}  // namespace sbench
