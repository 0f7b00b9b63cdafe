#pragma once

#include <nlohmann/json.hpp>

#include "sbench/agent_cache.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

struct CacheAnswer {
  CacheOperationResult result;  // action, client_ms and error filled in
  nlohmann::json body;          // the server's JSON answer when it succeeded
};

// Sends a save/unload/load request and times it on the client side.
CacheAnswer send_cache_request(ServerConnection& server, const http::Request& request,
                               CacheAction action);

}  // namespace sbench::detail
