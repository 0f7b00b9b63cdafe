#include "support/spawned_server.hpp"

#include <sys/wait.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "server_fixture/server_process.hpp"

namespace sbench::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);
constexpr std::string_view kAnnouncement = "listening on http://";

// HOST:PORT from the announcement line, once the server has printed it.
std::optional<http::Endpoint> announced_endpoint(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const auto at = line.find(kAnnouncement);
    if (at == std::string::npos)
      continue;
    const std::string address = line.substr(at + kAnnouncement.size());
    const auto colon = address.rfind(':');
    if (colon == std::string::npos)
      return std::nullopt;
    return http::Endpoint{address.substr(0, colon),
                          static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)))};
  }
  return std::nullopt;
}

int exit_code(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

}  // namespace

SpawnedServer::SpawnedServer(const std::vector<std::string>& argv,
                             std::chrono::milliseconds startup_timeout)
    : process_(argv, {}, log_dir_.path("server.log")) {
  const auto deadline = Clock::now() + startup_timeout;
  while (true) {
    if (const auto endpoint = announced_endpoint(log_dir_.path("server.log"))) {
      endpoint_ = *endpoint;
      return;
    }
    if (process_.exit_status() || Clock::now() >= deadline) {
      process_.stop();
      throw std::runtime_error(argv[0] + " did not announce its address; its log:\n" + log());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string SpawnedServer::log() const {
  return detail::log_tail(log_dir_.path("server.log"), 40);
}

void SpawnedServer::send_signal(int signal_number) const {
  ::kill(process_.pid(), signal_number);
}

std::optional<int> SpawnedServer::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!process_.exit_status() && Clock::now() < deadline)
    std::this_thread::sleep_for(kPollInterval);
  const std::optional<int> status = process_.exit_status();
  return status ? std::optional<int>(exit_code(*status)) : std::nullopt;
}

std::optional<int> SpawnedServer::terminate(std::chrono::milliseconds timeout) {
  send_signal(SIGTERM);
  return wait_for_exit(timeout);
}

}  // namespace sbench::testing
