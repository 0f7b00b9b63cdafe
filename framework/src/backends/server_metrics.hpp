#pragma once

#include <initializer_list>
#include <string_view>

#include "sbench/server_memory_stats.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// GET /metrics as memory stats: every sample in `raw`, the KV usage ratio
// and token count from the first of the named metrics the server exposes.
ServerMemoryStats read_metrics(ServerConnection& server,
                               std::initializer_list<std::string_view> usage_ratio_names,
                               std::initializer_list<std::string_view> kv_tokens_names);

}  // namespace sbench::detail
