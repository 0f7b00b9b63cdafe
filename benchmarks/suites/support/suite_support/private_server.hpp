#pragma once

#include <memory>

#include "sbench/config.hpp"
#include "sbench/server_fixture.hpp"

namespace sbench::suites {

// A server process of the case's own, beside the shared one: for what only
// a fresh process shows (its start-up time, memory growth no earlier case
// touched). Stopped when destroyed. Throws sbench::Skip when the suite
// reaches its server by URL, since then there is nothing to start.
std::unique_ptr<ServerFixture> start_private_server(const Config& config);

}  // namespace sbench::suites
