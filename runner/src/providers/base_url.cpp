#include "providers/base_url.hpp"

#include <cstdlib>

#include "config/toml_json.hpp"

namespace sbench::runner {

BaseUrl parse_base_url(const std::string& url, const std::string& what) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0 || url.size() == scheme.size())
    throw InputError(what + ": " + url +
                     " is not an http:// URL (this client speaks plain HTTP/1.1)");
  std::string rest = url.substr(scheme.size());
  BaseUrl parsed;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    parsed.prefix = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  while (!parsed.prefix.empty() && parsed.prefix.back() == '/')
    parsed.prefix.pop_back();
  const auto colon = rest.rfind(':');
  parsed.endpoint.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  int port = 80;
  if (colon != std::string::npos) {
    char* end = nullptr;
    const long value = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || value < 1 || value > 65535)
      throw InputError(what + ": bad port in " + url);
    port = static_cast<int>(value);
  }
  if (parsed.endpoint.host.empty())
    throw InputError(what + ": no host in " + url);
  if (parsed.endpoint.host == "localhost")
    parsed.endpoint.host = "127.0.0.1";
  parsed.endpoint.port = static_cast<std::uint16_t>(port);
  return parsed;
}

}  // namespace sbench::runner
