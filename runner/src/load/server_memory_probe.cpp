#include "load/server_memory_probe.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "providers/base_url.hpp"
#include "sbench/backend.hpp"
#include "sbench/process_probe.hpp"

namespace sbench::runner {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::optional<std::string> listening_socket_inode(const std::string& table, int port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    const auto colon = local.rfind(':');
    if (state != "0A" || colon == std::string::npos)  // 0A: LISTEN
      continue;
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port)
      return inode;
  }
  return std::nullopt;
}

std::optional<Backend> backend_named(const std::string& name) {
  for (Backend backend :
       {Backend::reference, Backend::llamacpp, Backend::openai, Backend::ollama}) {
    if (to_string(backend) == name)
      return backend;
  }
  return std::nullopt;
}

}  // namespace

void MemoryTrack::add(double value) {
  if (!first)
    first = value;
  peak = peak ? std::max(*peak, value) : value;
  last = value;
}

std::optional<int> find_listening_pid(int port) {
  std::optional<std::string> inode = listening_socket_inode("/proc/net/tcp", port);
  if (!inode)
    inode = listening_socket_inode("/proc/net/tcp6", port);
  if (!inode || *inode == "0")
    return std::nullopt;
  const std::string wanted = "socket:[" + *inode + "]";
  std::error_code error;
  for (const auto& process : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = process.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(),
                                     [](unsigned char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::error_code fd_error;
    for (const auto& fd : std::filesystem::directory_iterator(process.path() / "fd", fd_error)) {
      std::error_code link_error;
      if (std::filesystem::read_symlink(fd.path(), link_error).string() == wanted)
        return std::stoi(name);
    }
  }
  return std::nullopt;
}

ServerMemoryProbe::ServerMemoryProbe(const TargetOptions& target) {
  const BaseUrl url = parse_base_url(target.url, "--url");
  if (target.server_pid) {
    pid_ = target.server_pid;
  } else if (url.endpoint.host == "127.0.0.1" || url.endpoint.host == "::1") {
    pid_ = find_listening_pid(url.endpoint.port);
    if (!pid_)
      pid_reason_ = "no process of this user listens on port " + std::to_string(url.endpoint.port) +
                    "; give --server-pid";
  } else {
    pid_reason_ = "the server is not on this machine";
  }
  const std::optional<Backend> backend = backend_named(target.backend);
  ServerConfig server;
  server.url = target.url;
  server.backend = backend.value_or(Backend::openai);
  server.model = target.model;
  try {
    backend_ = make_backend(server, BackendTarget{url.endpoint, {}});
    if (!backend_->has(Capability::server_memory_stats)) {
      backend_reason_ = "the " + target.backend + " backend exposes no memory gauges";
      backend_.reset();
    }
  } catch (const std::exception& error) {
    backend_reason_ = std::string("cannot read the server's gauges: ") + error.what();
  }
}

ServerMemoryProbe::~ServerMemoryProbe() = default;

void ServerMemoryProbe::begin() {
  current_ = {};
  current_.rss_skipped = pid_reason_;
  current_.gauges_skipped = backend_reason_;
  read_gpu();
  sample();
}

void ServerMemoryProbe::sample() {
  if (pid_) {
    const MemoryReading reading = read_process_memory(*pid_);
    if (reading.available())
      current_.rss_mb.add(static_cast<double>(reading.memory->rss_bytes) / kMiB);
    else
      current_.rss_skipped = reading.unavailable_reason;
  }
  if (backend_) {
    const ServerMemoryStats stats = backend_->memory_stats();
    if (!stats.ok()) {
      current_.gauges_skipped = stats.error;
      return;
    }
    current_.gauges_skipped.clear();
    if (stats.kv_cache_usage_ratio)
      current_.gauges["kv_cache_usage_ratio"].add(*stats.kv_cache_usage_ratio);
    if (stats.kv_cache_tokens)
      current_.gauges["kv_cache_tokens"].add(static_cast<double>(*stats.kv_cache_tokens));
    if (stats.kv_bytes_allocated)
      current_.gauges["kv_mb_allocated"].add(static_cast<double>(*stats.kv_bytes_allocated) / kMiB);
  }
}

PointMemory ServerMemoryProbe::end() {
  sample();
  read_gpu();
  if (current_.rss_mb.peak)
    current_.rss_skipped.clear();
  return current_;
}

void ServerMemoryProbe::read_gpu() {
  // `timeout` bounds a hung driver; a machine without nvidia-smi skips.
  FILE* pipe = ::popen(
      "command -v nvidia-smi >/dev/null 2>&1 || exit 127; timeout 5 nvidia-smi "
      "--query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null",
      "r");
  if (pipe == nullptr) {
    current_.gpu_skipped = "cannot start nvidia-smi";
    return;
  }
  std::string text;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    text += buffer;
  const int status = ::pclose(pipe);
  if (status != 0) {
    current_.gpu_skipped =
        WEXITSTATUS(status) == 127 ? "no nvidia-smi on PATH (no NVIDIA GPU)" : "nvidia-smi failed";
    return;
  }
  double total = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty())
      total += std::strtod(line.c_str(), nullptr);
  }
  current_.gpu_used_mb.add(total);
  current_.gpu_skipped.clear();
}

}  // namespace sbench::runner
