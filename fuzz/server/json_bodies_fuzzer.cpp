// The JSON body of every endpoint that reads one, through the real router:
// the first byte picks the endpoint, the rest is the body. Properties: no
// crash, no sanitizer report, never a 500, and the documented JSON error for
// every refused body (FuzzedApi::check).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzzed_api.hpp"

namespace {

struct Endpoint {
  const char* method;
  const char* target;
};

constexpr std::array kEndpoints = {
    Endpoint{"POST", "/v1/agents"},          Endpoint{"POST", "/v1/agents/a/generate"},
    Endpoint{"POST", "/v1/completions"},     Endpoint{"POST", "/v1/chat/completions"},
    Endpoint{"POST", "/tokenize"},           Endpoint{"POST", "/v1/agents/a/save"},
    Endpoint{"POST", "/v1/agents/a/unload"}, Endpoint{"POST", "/v1/agents/a/load"},
    Endpoint{"POST", "/v1/agents/b/load"},   Endpoint{"DELETE", "/v1/agents/a"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const Endpoint& endpoint = kEndpoints[data[0] % kEndpoints.size()];
  sbench::fuzz::FuzzedApi::instance().handle(
      {endpoint.method, endpoint.target,
       std::string(reinterpret_cast<const char*>(data + 1), size - 1)});
  return 0;
}
