#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "sbench/backend.hpp"
#include "sbench/server_memory_stats.hpp"

namespace sbench::suites {

// The server's resident memory now (VmRSS). Throws sbench::Skip with the
// probe's reason when it cannot be read (a server reached by URL has no pid).
std::uint64_t server_rss_bytes(std::optional<pid_t> pid);

// The server's own memory breakdown. Throws sbench::Skip when the backend
// has no memory statistics, std::runtime_error when asking for them failed.
ServerMemoryStats server_memory_stats(BackendClient& backend);

// A field the server must report for the case to mean anything; throws
// sbench::Skip naming it otherwise.
std::uint64_t reported(const std::optional<std::uint64_t>& field, const char* name);

}  // namespace sbench::suites
