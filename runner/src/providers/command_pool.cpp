#include "providers/command_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/error.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/search_path.hpp>
#include <boost/process/start_dir.hpp>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

namespace sbench::runner {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxReplyBytes = 16 * 1024 * 1024;
constexpr int kStartFailuresBeforeGivingUp = 3;
constexpr auto kShutdownGrace = std::chrono::seconds(2);
// How long a worker whose stdout reached EOF gets to become reapable, so that the failure
// can say how it ended.
constexpr auto kExitStatusWait = std::chrono::milliseconds(100);
constexpr auto kExitPollInterval = std::chrono::milliseconds(5);
constexpr std::size_t kReplyExcerptBytes = 200;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

void make_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    throw_errno("fcntl");
}

// Close-on-exec from the start: Boost.Process 1.74 makes its pipes with plain pipe(2), so a
// worker started meanwhile by another thread would inherit them, keep them open, and hide
// the EOF that tells us a worker died.
bp::pipe make_pipe() {
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0)
    throw_errno("pipe2");
  return bp::pipe(ends[0], ends[1]);
}

UniqueFd take_sink(bp::pipe& pipe) {
  UniqueFd sink(pipe.native_sink());
  pipe.assign_sink(-1);
  return sink;
}

UniqueFd take_source(bp::pipe& pipe) {
  UniqueFd source(pipe.native_source());
  pipe.assign_source(-1);
  return source;
}

// Boost.Process 1.74 sets FD_CLOEXEC on its exec-error pipe only after creating it: a fork in
// another thread in between would keep that pipe open in a long-lived worker, and the
// launcher would wait for that worker's exit. One launch at a time closes the window.
std::mutex& launch_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status))
    return "the worker exited with status " + std::to_string(WEXITSTATUS(status));
  return "the worker was killed by signal " + std::to_string(WTERMSIG(status));
}

// Only printable ASCII: the excerpt ends up in messages and JSON documents, and a reply that
// broke the protocol may be any bytes.
std::string printable_excerpt(std::string_view text) {
  std::string excerpt;
  for (const char c : text.substr(0, kReplyExcerptBytes))
    excerpt += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kReplyExcerptBytes)
    excerpt += "...";
  return excerpt;
}

Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  const auto now = Clock::now();
  const auto room =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  return timeout >= room ? Clock::time_point::max() : now + timeout;
}

int poll_timeout_ms(Clock::time_point deadline) {
  const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(
      std::clamp<std::chrono::milliseconds::rep>(remaining.count(), 0, INT_MAX));
}

// A started worker: its process, which it reaps before it goes, and our ends of its pipes.
class WorkerProcess {
 public:
  WorkerProcess(pid_t pid, UniqueFd to_worker, UniqueFd from_worker)
      : pid_(pid), to_worker_(std::move(to_worker)), from_worker_(std::move(from_worker)) {}
  ~WorkerProcess() {
    if (!wait_status_)
      kill_and_reap();
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  int to_worker() const { return to_worker_.get(); }
  int from_worker() const { return from_worker_.get(); }
  // Bytes read past the last reply line.
  std::string& unread() { return unread_; }

  void close_stdin() { to_worker_.reset(); }

  bool exited() {
    if (wait_status_)
      return true;
    int status = 0;
    const pid_t result = ::waitpid(pid_, &status, WNOHANG);
    if (result == pid_)
      wait_status_ = status;
    else if (result < 0 && errno == ECHILD)
      wait_status_ = 0;  // someone else reaped it; it is gone all the same
    return wait_status_.has_value();
  }

  bool exits_by(Clock::time_point deadline) {
    while (!exited()) {
      if (Clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(kExitPollInterval);
    }
    return true;
  }

  // The worker runs in its own process group so that this also ends what it started (a
  // wrapper script's interpreter, a `sleep`), which would otherwise hold our pipes and the
  // runner's stderr open. The group is signalled before the leader is reaped, while its
  // id cannot have been reused.
  void kill_and_reap() {
    if (exited())
      return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);  // in case setpgid failed and there is no such group
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    wait_status_ = status;
  }

  // How the worker ended, if it has.
  std::optional<std::string> exit_description() {
    if (exits_by(Clock::now() + kExitStatusWait))
      return describe_wait_status(*wait_status_);
    return std::nullopt;
  }

 private:
  pid_t pid_;
  UniqueFd to_worker_;
  UniqueFd from_worker_;
  std::string unread_;
  std::optional<int> wait_status_;
};

std::string find_executable(const std::string& name) {
  if (name.find('/') == std::string::npos) {
    const boost::filesystem::path found = bp::search_path(name);
    if (found.empty())
      throw std::runtime_error("not found in PATH");
    return found.string();
  }
  // Resolved here so that working_directory moves where the worker runs, not which program
  // runs.
  return std::filesystem::absolute(name).string();
}

// Runs in the child between fork and exec, so only async-signal-safe calls.
void prepare_worker_process() {
  ::setpgid(0, 0);
  // A worker starts with the signal state a shell would give it, not with the pool thread's
  // mask (SIGPIPE blocked, and whatever the runner blocks) or the runner's SIGPIPE action.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigprocmask(SIG_SETMASK, &no_signals, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &default_action, nullptr);
}

std::unique_ptr<WorkerProcess> launch(const CommandPoolOptions& options) {
  if (options.argv.empty())
    throw std::runtime_error("the command is empty");
  const std::string executable = find_executable(options.argv.front());
  // Boost.Process 1.74 ignores a failed chdir and would run the worker in the runner's
  // directory.
  std::string start_directory = ".";
  if (!options.working_directory.empty()) {
    if (!std::filesystem::is_directory(options.working_directory))
      throw std::runtime_error("working directory " + options.working_directory.string() +
                               " is not a directory");
    start_directory = options.working_directory.string();
  }

  std::lock_guard lock(launch_mutex());
  bp::pipe child_stdin = make_pipe();
  bp::pipe child_stdout = make_pipe();
  // Only our ends: the worker gets the ordinary blocking stdin and stdout.
  make_nonblocking(child_stdin.native_sink());
  make_nonblocking(child_stdout.native_source());
  std::error_code error;
  pid_t failed_pid = -1;
  bp::child child(
      bp::exe = executable,
      bp::args = std::vector<std::string>(options.argv.begin() + 1, options.argv.end()),
      (bp::std_in < child_stdin), (bp::std_out > child_stdout), bp::start_dir = start_directory,
      bp::extend::on_exec_setup = [](auto&) { prepare_worker_process(); },
      bp::extend::on_error = [&failed_pid](auto& launcher,
                                           const std::error_code&) { failed_pid = launcher.pid; },
      error);
  if (error) {
    // Boost.Process 1.74 leaves a child whose exec failed unreaped.
    if (failed_pid > 0)
      while (::waitpid(failed_pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    throw std::runtime_error(error.message());
  }
  auto process = std::make_unique<WorkerProcess>(child.id(), take_sink(child_stdin),
                                                 take_source(child_stdout));
  child.detach();  // the WorkerProcess reaps it now
  return process;
}

CommandReply failure(CommandFailure kind, std::string message) {
  return CommandReply{kind, std::move(message), {}};
}

CommandReply read_reply(const std::string& line, std::uint64_t id) {
  nlohmann::json body = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return failure(CommandFailure::bad_reply,
                   "the reply is not one JSON object: " + printable_excerpt(line));
  const auto reply_id = body.find("id");
  if (reply_id == body.end() || *reply_id != id)
    return failure(CommandFailure::bad_reply, "the reply does not carry the request's id " +
                                                  std::to_string(id) + ": " +
                                                  printable_excerpt(line));
  if (const auto error = body.find("error"); error != body.end())
    return failure(CommandFailure::worker_error,
                   error->is_string() ? error->get<std::string>() : error->dump());
  return CommandReply{CommandFailure::none, {}, std::move(body)};
}

// A request's deadline; the pool's shutdown may bring it forward.
struct Deadline {
  Clock::time_point at;
  bool cut_by_shutdown = false;
};

enum class Transfer { done, timed_out, worker_gone, line_too_long };

}  // namespace

std::string_view to_string(CommandFailure failure) {
  switch (failure) {
    case CommandFailure::none:
      return "none";
    case CommandFailure::timeout:
      return "timeout";
    case CommandFailure::worker_died:
      return "worker_died";
    case CommandFailure::bad_reply:
      return "bad_reply";
    case CommandFailure::worker_error:
      return "worker_error";
    case CommandFailure::start_failed:
      return "start_failed";
    case CommandFailure::gave_up:
      return "gave_up";
  }
  return "unknown";
}

struct CommandPool::Impl {
  struct Job {
    std::uint64_t id;
    std::string line;
    std::chrono::milliseconds timeout;
    Completion done;
  };
  class Worker;

  explicit Impl(CommandPoolOptions pool_options)
      : options(std::move(pool_options)), stop_event(::eventfd(0, EFD_CLOEXEC)) {
    if (stop_event.get() < 0)
      throw_errno("eventfd");
  }
  ~Impl();

  std::string command_name() const {
    return "'" + (options.argv.empty() ? std::string() : options.argv.front()) + "'";
  }
  std::optional<Job> next_job();
  void fail_queued_jobs();
  void start_threads();

  const CommandPoolOptions options;
  // Readable once the pool shuts down, to wake threads waiting on a worker's pipe.
  const UniqueFd stop_event;
  std::atomic<std::uint64_t> next_id{1};

  mutable std::mutex mutex;
  std::condition_variable job_queued;
  std::deque<Job> queue;
  std::vector<std::thread> threads;
  std::optional<Clock::time_point> shutdown_deadline;
  int consecutive_start_failures = 0;
  std::optional<std::string> gave_up_starting;  // the message for every later request
  CommandPoolStats stats;
};

// One pool thread and the worker process it feeds.
class CommandPool::Impl::Worker {
 public:
  explicit Worker(Impl& pool) : pool_(pool) {}

  void serve() {
    // Writing to a worker that has gone must come back as EPIPE, not end the runner. Blocking
    // the signal in this thread leaves the runner's own signal handling alone.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

    while (std::optional<Job> job = pool_.next_job())
      job->done(run(*job));
    pool_.fail_queued_jobs();
    if (process_) {
      process_->close_stdin();
      process_->exits_by(grace_period_end());
      process_.reset();
    }
  }

 private:
  CommandReply run(const Job& job) {
    // A worker that died while idle has not seen this request: replace it first.
    if (process_ && process_->exited())
      replace_process();
    if (!process_)
      if (std::optional<CommandReply> start_failure = start())
        return std::move(*start_failure);
    CommandReply reply;
    try {
      reply = exchange(job);
    } catch (const std::exception& error) {
      reply = failure(CommandFailure::worker_died,
                      std::string("lost the worker's pipes: ") + error.what());
    }
    if (reply.failure != CommandFailure::none && reply.failure != CommandFailure::worker_error)
      replace_process();
    return reply;
  }

  void replace_process() {
    process_.reset();
    replacing_lost_process_ = true;
  }

  std::optional<CommandReply> start() {
    {
      std::lock_guard lock(pool_.mutex);
      if (pool_.gave_up_starting)
        return failure(CommandFailure::gave_up, *pool_.gave_up_starting);
    }
    try {
      process_ = launch(pool_.options);
    } catch (const std::exception& error) {
      std::string message = "cannot start " + pool_.command_name() + ": " + error.what();
      std::lock_guard lock(pool_.mutex);
      if (++pool_.consecutive_start_failures >= kStartFailuresBeforeGivingUp &&
          !pool_.gave_up_starting) {
        pool_.gave_up_starting = message + " (gave up after " +
                                 std::to_string(kStartFailuresBeforeGivingUp) +
                                 " failed starts in a row)";
        return failure(CommandFailure::gave_up, *pool_.gave_up_starting);
      }
      return failure(CommandFailure::start_failed, std::move(message));
    }
    std::lock_guard lock(pool_.mutex);
    pool_.consecutive_start_failures = 0;
    ++pool_.stats.processes_started;
    if (std::exchange(replacing_lost_process_, false))
      ++pool_.stats.restarts;
    return std::nullopt;
  }

  CommandReply exchange(const Job& job) {
    Deadline deadline{deadline_after(job.timeout)};
    const Transfer sent = write_line(job.line, deadline);
    if (sent != Transfer::done)
      return transfer_failure(sent, job, deadline, "before reading the request",
                              "the worker closed its stdin");
    std::string line;
    const Transfer received = read_line(line, deadline);
    if (received != Transfer::done)
      return transfer_failure(received, job, deadline, "before replying",
                              "the worker closed its stdout");
    return read_reply(line, job.id);
  }

  CommandReply transfer_failure(Transfer transfer, const Job& job, const Deadline& deadline,
                                std::string_view when_it_exited,
                                std::string_view if_still_running) {
    if (transfer == Transfer::timed_out)
      return failure(CommandFailure::timeout,
                     deadline.cut_by_shutdown
                         ? "no reply before the command pool shut down"
                         : "no reply within " + std::to_string(job.timeout.count()) + " ms");
    if (transfer == Transfer::line_too_long)
      return failure(CommandFailure::bad_reply,
                     "the reply line is longer than " + std::to_string(kMaxReplyBytes) + " bytes");
    if (std::optional<std::string> exit = process_->exit_description())
      return failure(CommandFailure::worker_died, *exit + " " + std::string(when_it_exited));
    return failure(CommandFailure::worker_died, std::string(if_still_running));
  }

  Transfer write_line(std::string_view line, Deadline& deadline) {
    while (!line.empty()) {
      const ssize_t written = ::write(process_->to_worker(), line.data(), line.size());
      if (written >= 0) {
        line.remove_prefix(static_cast<std::size_t>(written));
      } else if (errno == EAGAIN) {
        if (!await(process_->to_worker(), POLLOUT, deadline))
          return Transfer::timed_out;
      } else if (errno == EPIPE) {
        return Transfer::worker_gone;
      } else if (errno != EINTR) {
        throw_errno("write");
      }
    }
    return Transfer::done;
  }

  Transfer read_line(std::string& line, Deadline& deadline) {
    std::string& buffer = process_->unread();
    std::size_t scanned = 0;
    for (;;) {
      if (const std::size_t end = buffer.find('\n', scanned); end != std::string::npos) {
        if (end > kMaxReplyBytes)
          return Transfer::line_too_long;
        line.assign(buffer, 0, end);
        buffer.erase(0, end + 1);
        return Transfer::done;
      }
      if (buffer.size() > kMaxReplyBytes)
        return Transfer::line_too_long;
      scanned = buffer.size();

      std::array<char, 64 * 1024> chunk;
      const ssize_t count = ::read(process_->from_worker(), chunk.data(), chunk.size());
      if (count > 0) {
        buffer.append(chunk.data(), static_cast<std::size_t>(count));
      } else if (count == 0) {
        return Transfer::worker_gone;
      } else if (errno == EAGAIN) {
        if (!await(process_->from_worker(), POLLIN, deadline))
          return Transfer::timed_out;
      } else if (errno != EINTR) {
        throw_errno("read");
      }
    }
  }

  // False when the deadline passes first. A closed pipe counts as ready: the next read or
  // write reports it.
  bool await(int fd, short events, Deadline& deadline) {
    for (;;) {
      if (!shutdown_seen_) {
        std::lock_guard lock(pool_.mutex);
        shutdown_seen_ = pool_.shutdown_deadline;
      }
      if (shutdown_seen_ && *shutdown_seen_ < deadline.at) {
        deadline.at = *shutdown_seen_;
        deadline.cut_by_shutdown = true;
      }
      if (Clock::now() >= deadline.at)
        return false;
      std::array<pollfd, 2> watched{pollfd{fd, events, 0},
                                    pollfd{pool_.stop_event.get(), POLLIN, 0}};
      // The stop event stays readable: watching it once the shutdown is seen would spin.
      const nfds_t watched_count = shutdown_seen_ ? 1 : 2;
      const int ready = ::poll(watched.data(), watched_count, poll_timeout_ms(deadline.at));
      if (ready < 0 && errno != EINTR)
        throw_errno("poll");
      if (ready > 0 && watched[0].revents != 0)
        return true;
    }
  }

  Clock::time_point grace_period_end() const {
    std::lock_guard lock(pool_.mutex);
    return pool_.shutdown_deadline.value_or(Clock::now());
  }

  Impl& pool_;
  std::unique_ptr<WorkerProcess> process_;
  bool replacing_lost_process_ = false;
  std::optional<Clock::time_point> shutdown_seen_;
};

std::optional<CommandPool::Impl::Job> CommandPool::Impl::next_job() {
  std::unique_lock lock(mutex);
  job_queued.wait(lock, [this] { return shutdown_deadline || !queue.empty(); });
  if (shutdown_deadline)
    return std::nullopt;
  Job job = std::move(queue.front());
  queue.pop_front();
  return job;
}

void CommandPool::Impl::fail_queued_jobs() {
  std::deque<Job> abandoned;
  {
    std::lock_guard lock(mutex);
    abandoned.swap(queue);
  }
  for (Job& job : abandoned)
    job.done(
        failure(CommandFailure::timeout, "the command pool shut down before the request was sent"));
}

void CommandPool::Impl::start_threads() {
  const std::size_t count = std::max<std::size_t>(options.workers, 1);
  for (std::size_t i = 0; i < count; ++i)
    threads.emplace_back([this] { Worker(*this).serve(); });
}

CommandPool::Impl::~Impl() {
  {
    std::lock_guard lock(mutex);
    shutdown_deadline = Clock::now() + kShutdownGrace;
  }
  job_queued.notify_all();
  // Adding 1 to a fresh eventfd cannot fail.
  eventfd_write(stop_event.get(), 1);
  for (std::thread& thread : threads)
    thread.join();
}

CommandPool::CommandPool(CommandPoolOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

CommandPool::~CommandPool() = default;

void CommandPool::submit(nlohmann::json request, std::chrono::milliseconds timeout,
                         Completion done) {
  if (!request.is_object())
    throw std::invalid_argument("a command pool request must be a JSON object, not " +
                                std::string(request.type_name()));
  const std::uint64_t id = impl_->next_id.fetch_add(1);
  request["id"] = id;
  Impl::Job job{id, request.dump() + '\n', timeout, std::move(done)};
  {
    std::lock_guard lock(impl_->mutex);
    ++impl_->stats.requests;
    // A completion that resubmits while the pool shuts down would otherwise queue a request
    // that no thread is left to take.
    if (!impl_->shutdown_deadline) {
      if (impl_->threads.empty())
        impl_->start_threads();
      impl_->queue.push_back(std::move(job));
      impl_->job_queued.notify_one();
      return;
    }
  }
  job.done(failure(CommandFailure::timeout, "the command pool is shutting down"));
}

CommandPoolStats CommandPool::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace sbench::runner
