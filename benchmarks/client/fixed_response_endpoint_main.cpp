// The fixed-response endpoint as its own process, for wrk
// (scripts/measure-client-vs-wrk). Usage: PORT CPU; runs until killed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "fixed_response_endpoint.hpp"

int main(int argc, char** argv) {
  const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  const int cpu = argc > 2 ? std::atoi(argv[2]) : -1;
  sbench::bench::FixedResponseEndpoint endpoint(port, cpu);
  std::printf("fixed-response endpoint listening on http://127.0.0.1:%u\n", endpoint.port());
  std::fflush(stdout);
  pause();
}
