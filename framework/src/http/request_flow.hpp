#pragma once

#include "asio.hpp"
#include "connection_pool.hpp"
#include "sbench/http/client.hpp"

namespace sbench::http {

// The life of one request on the client thread: wait for its scheduled send
// time, exchange, retry 429/503 as `retry` allows, honour cancellation. Never
// throws for network or content failures; they are on the response.
asio::awaitable<Response> run_request(ConnectionPool& pool, const RetryPolicy& retry,
                                      Endpoint endpoint, Request request);

}  // namespace sbench::http
