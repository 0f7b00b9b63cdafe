#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "sbench/config.hpp"

namespace sbench::reporters {

// The "context" object of a results document: the machine, the build, the
// git commit of the source tree and the server under test.
nlohmann::json run_context(const Config& config, std::chrono::system_clock::time_point time);

// "2026-11-23T14:00:00.123Z": UTC with milliseconds, so strings sort by time.
std::string iso8601_utc(std::chrono::system_clock::time_point time);

}  // namespace sbench::reporters
