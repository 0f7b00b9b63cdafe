#include "suite_support/private_server.hpp"

#include "sbench/case.hpp"

namespace sbench::suites {

std::unique_ptr<ServerFixture> start_private_server(const Config& config) {
  if (!config.server.url.empty())
    throw Skip("needs to start its own server, but server.url points at a running one (" +
               config.server.url + ")");
  return std::make_unique<ServerFixture>(config);
}

}  // namespace sbench::suites
