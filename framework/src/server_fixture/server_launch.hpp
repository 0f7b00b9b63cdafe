#pragma once

// How the server fixture starts and reaches a server: the command it runs,
// a free loopback port for it, the base URL of one reached by URL, and the
// health check.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sbench/http/client.hpp"
#include "sbench/http/endpoint.hpp"

namespace sbench::detail {

struct CommandValues {
  std::uint16_t port = 0;
  std::filesystem::path cache_dir;
  std::string model;
};

// `command` with {port}, {cache_dir} and {model} replaced in every word, and
// its first word made an executable path: the bare `sbench-server` is the
// one this project built (when it exists), any other bare name is looked up
// on PATH. Throws std::runtime_error when there is none.
std::vector<std::string> resolve_command(const std::vector<std::string>& command,
                                         const CommandValues& values);

// The words joined with spaces, for messages.
std::string quote_command(const std::vector<std::string>& command);

// A loopback port that was free a moment ago (bound to port 0, then
// released); another process may still take it before the server does.
std::uint16_t pick_free_loopback_port();

// "http://host:port" (a path after it is ignored; port 80 when missing).
// Throws std::runtime_error for anything else: the client speaks plain HTTP.
http::Endpoint parse_base_url(const std::string& url);

// One GET of the health path, bounded by `timeout`: "" when it answered 200,
// else what went wrong ("HTTP 503: ...", "connection refused ...").
std::string health_problem(http::Client& client, const http::Endpoint& endpoint,
                           const std::string& health_path, std::chrono::milliseconds timeout);

}  // namespace sbench::detail
