#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sbench/sizes.hpp"

namespace sbench {

// A bad setting, naming where it came from (file, environment variable or
// flag), the key and the expected type.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Backend { reference, llamacpp, openai, ollama };

std::string_view to_string(Backend backend);

// Which of a server's generation APIs a backend drives: its own (`native`:
// sbench-server's agent API, llama.cpp's /completion, Ollama's /api/generate),
// OpenAI's Chat Completions or its (legacy) Completions.
enum class ServerApi { native, chat, completions };

std::string_view to_string(ServerApi api);

// How the suite reaches the server under test. Either `url` (an already
// running server) or `command` (started by the server fixture; {port},
// {cache_dir} and {model} in its words are replaced).
struct ServerConfig {
  std::vector<std::string> command = {"sbench-server", "--model",     "{model}",    "--port",
                                      "{port}",        "--cache-dir", "{cache_dir}"};
  std::string url;
  std::string health_path = "/health";
  double startup_timeout_s = 60.0;
  std::map<std::string, std::string> env;
  Backend backend = Backend::reference;
  // Unset: the backend's default (chat for openai, native for the others).
  std::optional<ServerApi> api;
  // OpenAI-compatible streams: ask for usage on every chunk
  // (stream_options.continuous_usage_stats, as vLLM and sbench-server serve
  // it), so each chunk's token count is the server's, not an estimate.
  bool continuous_usage_stats = false;
  // OpenAI-compatible requests of an agent carry its name in this extra
  // field (sbench-server: "agent_id"), for servers that keep a cache per
  // agent; empty: none is sent, which strict servers require.
  std::string agent_id_field;
  std::string model = "small";
  std::filesystem::path cache_dir;  // empty: a fresh temporary directory per run
  // The pid of the server at `url`, when it runs on this machine: memory
  // readings need it. 0: unknown, memory is reported as unavailable.
  int pid = 0;
};

struct RunConfig {
  bool quick = false;
  std::string markers;  // marker expression, as `-m`; empty selects every case
  std::filesystem::path output = "benchmark_results.json";
  std::filesystem::path targets;  // empty: no target check
  int repetitions = 1;
  bool fail_on_target_miss = false;
  bool report = false;  // also write the Markdown and HTML reports
  // A failed cross-check (usage against stream, cache reuse against time)
  // makes the case an error instead of a warning.
  bool strict = false;
};

struct Config {
  // Declared marker -> description. `benchmark` and `slow` are always there.
  std::map<std::string, std::string, std::less<>> markers = {
      {"benchmark", "Performance benchmark (throughput, latency, memory)"},
      {"slow", "Takes minutes; excluded by -LE slow"}};
  ServerConfig server;
  RunConfig run;
  // The suite's declared defaults, then [sizes] / [quick], then the
  // environment and flags (sbench/sizes.hpp).
  Sizes full_sizes;
  Sizes quick_sizes;
  std::filesystem::path file;  // the sbench.toml that was read; empty if none

  const Sizes& sizes() const { return run.quick ? quick_sizes : full_sizes; }
  // This run mode's size named `key`; throws ConfigError naming it.
  template <class T>
  T size(std::string_view key) const {
    return sizes().get<T>(key);
  }
};

// Where settings come from, lowest precedence first after the built-in
// defaults: the file, the environment, the command line.
struct ConfigSources {
  std::filesystem::path explicit_file;  // --sbench-config; must exist when given
  std::filesystem::path search_from;    // walked up looking for sbench.toml
  std::filesystem::path fallback_file;  // the source tree's sbench.toml, baked in at build time
  // SEMANTIC_BENCHMARK_* and CI. A set CI (not empty, "0" or "false") turns
  // run.fail_on_target_miss on by default; the file, environment and flags
  // still decide over it.
  std::map<std::string, std::string> environment;
  std::vector<std::pair<std::string, std::string>> flags;  // {"--sbench-model", "tiny"}, in order
  DefaultSizes default_sizes;                              // below everything else
};

// Throws ConfigError.
Config load_config(const ConfigSources& sources);

// The project's settings as a suite or `sbench` sees them: the sizes this
// executable declared, then `explicit_file` if given, else the sbench.toml
// found from the current directory up, else the suite's project's
// (SuiteBuildInfo); the SEMANTIC_BENCHMARK_* environment and then `flags`
// over it. Throws ConfigError.
Config load_project_config(const std::filesystem::path& explicit_file,
                           const std::vector<std::pair<std::string, std::string>>& flags = {});

// The SEMANTIC_BENCHMARK_* variables of this process, and CI if set.
std::map<std::string, std::string> benchmark_environment();

// Whether `--flag` is one of ours, and whether it needs a value (booleans
// don't: `--sbench-quick` means true).
bool is_config_flag(std::string_view flag);
bool config_flag_takes_value(std::string_view flag);

// One line per setting, for --help.
std::string config_flags_help();

}  // namespace sbench
