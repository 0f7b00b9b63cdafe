#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sbench {

// The server's own view of its memory. Each field is set only when the
// backend's server reports it.
struct [[nodiscard]] ServerMemoryStats {
  std::optional<double> kv_cache_usage_ratio;  // 0..1
  std::optional<std::uint64_t> kv_cache_tokens;
  std::optional<std::uint64_t> kv_bytes_allocated;
  std::optional<std::uint64_t> kv_bytes_theoretical;
  std::optional<std::uint64_t> model_bytes;
  std::map<std::string, double> raw;  // every number the server gave, by name
  std::string error;                  // empty on success

  bool ok() const { return error.empty(); }
};

}  // namespace sbench
