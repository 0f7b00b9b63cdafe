#include "sbench/reporters/run_context.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "sbench/reporters/config_json.hpp"
#include "sbench/suite.hpp"

namespace sbench::reporters {
namespace {

std::string host_name() {
  std::array<char, 256> name{};
  return ::gethostname(name.data(), name.size() - 1) == 0 ? std::string(name.data()) : "";
}

// The value of the first "key<spaces>: value" line of a /proc file.
std::optional<std::string> proc_field(const char* file, std::string_view key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || !line.starts_with(key))
      continue;
    if (line.find_first_not_of(" \t", key.size()) != colon)
      continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return std::nullopt;
}

nlohmann::json memory_bytes() {
  const std::optional<std::string> total = proc_field("/proc/meminfo", "MemTotal");  // "N kB"
  if (!total)
    return nullptr;
  try {
    return std::stoull(*total) * 1024;
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The commit of the project the suite belongs to (where its sbench.toml is),
// read at run time, so a suite built once and run after edits and commits
// says which commit it measured.
nlohmann::json git_commit(const std::filesystem::path& project_dir) {
  const std::string command = "git -C '" + project_dir.string() + "' rev-parse HEAD 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr)
    return nullptr;
  std::array<char, 128> buffer{};
  std::string output;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
    output += buffer.data();
  const int status = ::pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  const bool hex =
      !output.empty() && output.find_first_not_of("0123456789abcdef") == std::string::npos;
  return status == 0 && hex ? nlohmann::json(output) : nlohmann::json(nullptr);
}

template <class Text>
nlohmann::json text_or_null(const Text& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  std::array<char, 40> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::array<char, 8> fraction{};
  std::snprintf(fraction.data(), fraction.size(), ".%03dZ", static_cast<int>(milliseconds));
  return std::string(text.data(), length) + fraction.data();
}

nlohmann::json run_context(const Config& config, std::chrono::system_clock::time_point time) {
  const ServerConfig& server = config.server;
  const bool started_by_us = server.url.empty();  // `url` means `command` is ignored
  const std::optional<std::string> cpu = proc_field("/proc/cpuinfo", "model name");
  return {{"time", iso8601_utc(time)},
          {"host", host_name()},
          {"cpu", cpu ? nlohmann::json(*cpu) : nlohmann::json(nullptr)},
          {"cores", std::thread::hardware_concurrency()},
          {"memory_bytes", memory_bytes()},
          {"compiler", SBENCH_COMPILER},
          {"build_type", text_or_null(suite_build_info().build_type)},
          {"git_commit", git_commit(config.file.empty() ? std::filesystem::current_path()
                                                        : config.file.parent_path())},
          {"backend", to_string(server.backend)},
          {"api", server.api ? nlohmann::json(to_string(*server.api)) : nullptr},
          {"model", server.model},
          {"server_command", started_by_us ? nlohmann::json(server.command) : nullptr},
          {"server_url", text_or_null(server.url)},
          {"quick", config.run.quick},
          {"config_file", text_or_null(config.file.string())},
          {"config", config_to_json(config)}};
}

}  // namespace sbench::reporters
