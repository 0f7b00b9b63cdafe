#include "server_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <stdexcept>

extern char** environ;

namespace sbench::http::testing {
namespace {

pid_t spawn_with_stdout_pipe(const std::vector<std::string>& argv, int& read_end) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  if (failed != 0) {
    ::close(pipe_ends[0]);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  read_end = pipe_ends[0];
  return pid;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv,
                             std::chrono::milliseconds startup_timeout) {
  pid_ = spawn_with_stdout_pipe(argv, output_);
  const std::regex announcement(R"(listening on http://([0-9.]+):([0-9]+))");
  const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
  std::string printed;
  std::smatch match;
  while (!std::regex_search(printed, match, announcement)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{output_, POLLIN, 0};
    char buffer[512];
    ssize_t got = 0;
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0 ||
        (got = ::read(output_, buffer, sizeof buffer)) <= 0) {
      stop();
      throw std::runtime_error(argv[0] + " did not announce its address; it printed:\n" + printed);
    }
    printed.append(buffer, static_cast<std::size_t>(got));
  }
  endpoint_ = {match[1].str(), static_cast<std::uint16_t>(std::stoi(match[2].str()))};
}

ServerProcess::~ServerProcess() {
  stop();
}

void ServerProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (output_ >= 0) {
    ::close(output_);
    output_ = -1;
  }
}

}  // namespace sbench::http::testing
