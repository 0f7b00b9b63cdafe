#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sbench/http/client.hpp"
#include "support/run_command.hpp"
#include "support/spawned_server.hpp"
#include "support/temp_dir.hpp"

namespace sbench::testing {

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The rate-limited provider double (apps/sbench_provider_double), a stand-in
// for a paid API's limits.
class ProviderDouble {
 public:
  explicit ProviderDouble(std::vector<std::string> flags) : server_(argv(std::move(flags))) {}

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  nlohmann::json stats() const {
    http::Client client;
    const http::Response response = client.send(server_.endpoint(), http::get("/double/stats"));
    return nlohmann::json::parse(response.body);
  }

 private:
  static std::vector<std::string> argv(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {SBENCH_PROVIDER_DOUBLE, "--port", "0"});
    return flags;
  }
  SpawnedServer server_;
};

// A suite directory and runner file in a temporary directory, and `sbench
// run` on it as a user types it.
class RunnerProject {
 public:
  std::filesystem::path root() const { return dir_.path(); }
  std::filesystem::path runner_file() const { return dir_.path("sbench-run.toml"); }
  std::filesystem::path results_file() const { return dir_.path("run_results.json"); }
  std::filesystem::path store_file() const { return dir_.path(".cache/sbench/results.sqlite"); }

  void scenario(const std::string& name, const std::string& toml) {
    write_file(dir_.path("scenarios/" + name + ".toml"), toml);
  }
  void template_file(const std::string& name, const std::string& text) {
    write_file(dir_.path("scenarios/templates/" + name), text);
  }
  // `body` holds [providers.*] and [[models]]; [run] is added.
  void runner(const std::string& body, const std::string& run_extra = "") {
    write_file(runner_file(), "[run]\nsuite = \"scenarios\"\n" + run_extra + "\n" + body);
  }
  CommandResult run(const std::string& flags = "") const {
    return run_command(std::string(SBENCH_CLI) + " run -c " + shell_quote(runner_file().string()) +
                       " --progress lines " + flags);
  }
  nlohmann::json results() const { return read_json(results_file()); }

 private:
  TempDir dir_;
};

inline const nlohmann::json& model_row(const nlohmann::json& results, const std::string& name) {
  for (const nlohmann::json& model : results["models"]) {
    if (model["name"] == name)
      return model;
  }
  throw std::runtime_error("no model " + name + " in the results");
}

}  // namespace sbench::testing
