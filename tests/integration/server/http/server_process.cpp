#include "server_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "http_client.hpp"

namespace sbench::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                  std::chrono::milliseconds(0));
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args,
                             std::chrono::milliseconds startup_timeout) {
  const auto deadline = Clock::now() + startup_timeout;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_strings{SBENCH_SERVER_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];

  const std::string line = read_stdout_line(remaining(deadline));
  const std::string prefix = "sbench-server listening on http://";
  const auto colon = line.rfind(':');
  if (line.rfind(prefix, 0) != 0 || colon == std::string::npos)
    throw std::runtime_error("unexpected first line from sbench-server: '" + line + "'");
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
  wait_until_healthy(deadline);
}

ServerProcess::~ServerProcess() {
  if (!exit_code_) {
    send_signal(SIGKILL);
    wait_for_exit(std::chrono::seconds(10));
  }
  if (stdout_fd_ >= 0)
    close(stdout_fd_);
}

std::string ServerProcess::read_stdout_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string line;
  while (Clock::now() < deadline) {
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(remaining(deadline).count())) <= 0)
      break;
    char c;
    if (read(stdout_fd_, &c, 1) != 1)
      throw std::runtime_error("sbench-server exited before printing its port");
    if (c == '\n')
      return line;
    line += c;
  }
  throw std::runtime_error("sbench-server printed no port in time (got '" + line + "')");
}

void ServerProcess::wait_until_healthy(Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    try {
      HttpClient client(port_, std::chrono::seconds(2));
      if (client.request("GET", "/health").status == 200)
        return;
    } catch (const std::exception&) {
      // not accepting yet
    }
    if (wait_for_exit(kPollInterval))
      throw std::runtime_error("sbench-server exited during startup");
  }
  throw std::runtime_error("sbench-server did not become healthy in time");
}

void ServerProcess::send_signal(int signal) const {
  if (pid_ > 0 && !exit_code_)
    kill(pid_, signal);
}

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (Clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_code_;
}

std::optional<int> ServerProcess::terminate(std::chrono::milliseconds timeout) {
  send_signal(SIGTERM);
  return wait_for_exit(timeout);
}

}  // namespace sbench::test
