#include "server_launch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/process/search_path.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>

#include "sbench/suite.hpp"

namespace sbench::detail {

namespace {

void replace_all(std::string& word, const std::string& placeholder, const std::string& value) {
  for (std::size_t at = word.find(placeholder); at != std::string::npos;
       at = word.find(placeholder, at + value.size()))
    word.replace(at, placeholder.size(), value);
}

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return name;
  const std::filesystem::path& built_server = suite_build_info().server_binary;
  if (name == "sbench-server" && !built_server.empty() && std::filesystem::exists(built_server))
    return built_server.string();
  const auto found = boost::process::search_path(name);
  if (found.empty())
    throw std::runtime_error("server.command: cannot find '" + name + "' on PATH");
  return found.string();
}

}  // namespace

std::vector<std::string> resolve_command(const std::vector<std::string>& command,
                                         const CommandValues& values) {
  if (command.empty())
    throw std::runtime_error("server.command is empty and server.url is not set");
  std::vector<std::string> resolved = command;
  for (std::string& word : resolved) {
    replace_all(word, "{port}", std::to_string(values.port));
    replace_all(word, "{cache_dir}", values.cache_dir.string());
    replace_all(word, "{model}", values.model);
  }
  resolved[0] = find_executable(resolved[0]);
  return resolved;
}

std::string quote_command(const std::vector<std::string>& command) {
  std::string text;
  for (const std::string& word : command)
    text += (text.empty() ? "" : " ") + word;
  return text;
}

std::uint16_t pick_free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool found = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int error = errno;
  ::close(fd);
  if (!found)
    throw std::runtime_error(std::string("finding a free port: ") + std::strerror(error));
  return ntohs(address.sin_port);
}

http::Endpoint parse_base_url(const std::string& url) {
  const std::string scheme = "http://";
  if (!url.starts_with(scheme))
    throw std::runtime_error("server.url: expected http://HOST:PORT, got \"" + url + "\"");
  const std::string authority =
      url.substr(scheme.size(), url.find('/', scheme.size()) - scheme.size());
  const std::size_t colon = authority.rfind(':');
  http::Endpoint endpoint;
  endpoint.host = authority.substr(0, colon);
  endpoint.port = 80;
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    const auto [end, error] =
        std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (error != std::errc{} || end != port.data() + port.size() || endpoint.port == 0)
      throw std::runtime_error("server.url: bad port in \"" + url + "\"");
  }
  if (endpoint.host.empty())
    throw std::runtime_error("server.url: no host in \"" + url + "\"");
  return endpoint;
}

std::string health_problem(http::Client& client, const http::Endpoint& endpoint,
                           const std::string& health_path, std::chrono::milliseconds timeout) {
  http::Request request = http::get(health_path);
  request.timeouts = {.connect = timeout, .idle = timeout, .total = timeout};
  const http::Response response = client.send(endpoint, std::move(request));
  if (response.ok() && response.status == 200)
    return "";
  if (!response.ok())
    return response.error.message.empty() ? std::string(to_string(response.error.kind))
                                          : response.error.message;
  return "HTTP " + std::to_string(response.status);
}

}  // namespace sbench::detail
