#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace sbench::testing {

// The probe suite (server_fixture_probe_suite/) run as a user runs a suite,
// its results file in a directory of its own.
class ProbeSuite {
 public:
  struct Run {
    CommandResult command;
    std::chrono::steady_clock::duration took;
  };

  // `flags` follow the executable, after the output and an empty targets file.
  std::vector<std::string> argv(const std::vector<std::string>& flags) const {
    std::vector<std::string> words = {SBENCH_FIXTURE_PROBE_SUITE,
                                      "--sbench-output=" + results().string(), "--sbench-targets="};
    words.insert(words.end(), flags.begin(), flags.end());
    return words;
  }

  // `wrapper`: words of /bin/sh put before the suite's command.
  Run run(const std::vector<std::string>& flags, const std::string& wrapper = "") const {
    std::string command = wrapper.empty() ? "" : wrapper + " ";
    for (const std::string& word : argv(flags))
      command += shell_quote(word) + " ";
    const auto start = std::chrono::steady_clock::now();
    CommandResult result = run_command(command);
    return {std::move(result), std::chrono::steady_clock::now() - start};
  }

  std::filesystem::path results() const { return dir_.path("results.json"); }

  // results.json; null when it is missing or does not parse.
  nlohmann::json document() const {
    std::ifstream in(results());
    nlohmann::json parsed = nlohmann::json::parse(in, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
  }

  // The entry of case `name` in results.json; null when there is none.
  nlohmann::json case_entry(const std::string& name) const {
    const nlohmann::json merged = document();
    if (merged.is_object()) {
      for (const nlohmann::json& entry : merged["cases"])
        if (entry["case"] == name)
          return entry;
    }
    return nullptr;
  }

 private:
  TempDir dir_;
};

// The probe suite's server: sbench-server on the tiny model, one thread.
inline std::string tiny_server_command_flag() {
  return R"(--sbench-server-command=["sbench-server", "--model", "{model}", "--port", "{port}", "--cache-dir", "{cache_dir}", "--threads", "1"])";
}

}  // namespace sbench::testing
