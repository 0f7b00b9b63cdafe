#pragma once

#include <chrono>

#include "abort_target.hpp"
#include "asio.hpp"
#include "connection_pool.hpp"
#include "sbench/http/endpoint.hpp"
#include "sbench/http/request.hpp"
#include "sbench/http/response.hpp"

namespace sbench::http {

// One send of `request` and its whole response, on a pooled connection that
// goes back to the pool when the response ended cleanly with keep-alive. A
// keep-alive connection the server had already closed is replaced once.
// Fills `response` (status, headers, body or events, first byte and done
// times, error) and checks it against what the request expects. Every wait
// ends by `deadline` at the latest.
asio::awaitable<void> exchange(ConnectionPool& pool, const Endpoint& endpoint,
                               const Request& request,
                               std::chrono::steady_clock::time_point deadline, AbortTarget& abort,
                               Response& response);

}  // namespace sbench::http
