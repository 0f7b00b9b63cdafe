#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sbench::detail {

// The value of a "Name:   1234 kB" line of /proc/<pid>/status, in bytes.
std::optional<std::uint64_t> proc_status_kilobytes(std::string_view status, std::string_view name);

}  // namespace sbench::detail
