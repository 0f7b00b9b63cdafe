#pragma once

#include <string>
#include <string_view>

namespace sbench::runner {

// Lower-case hex SHA-256 (OpenSSL's), the digest of every cache key.
std::string sha256_hex(std::string_view bytes);

}  // namespace sbench::runner
