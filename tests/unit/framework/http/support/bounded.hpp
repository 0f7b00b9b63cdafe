#pragma once

#include <chrono>

#include "sbench/http/request.hpp"

namespace sbench::http::testing {

// Timeouts short enough that a test which would hang fails in seconds.
inline Request bounded(Request request) {
  request.timeouts = {.connect = std::chrono::seconds(2),
                      .idle = std::chrono::seconds(2),
                      .total = std::chrono::seconds(5)};
  return request;
}

inline std::chrono::steady_clock::duration since(std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

}  // namespace sbench::http::testing
