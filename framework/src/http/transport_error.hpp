#pragma once

#include <string_view>

#include "asio.hpp"
#include "sbench/http/error.hpp"

namespace sbench::http {

// Which limit a wait ran under, to name a timeout after the right one.
enum class WaitLimit { connect, idle, total };

// The Error for a failed socket or parser operation during `step` (for the
// message, e.g. "reading the response head").
Error transport_error(const error_code& ec, WaitLimit limit, std::string_view step);

// The peer closed or reset the connection: on a reused keep-alive connection
// before any byte of the response, that means it was already stale.
bool is_peer_gone(const error_code& ec);

}  // namespace sbench::http
