#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sbench/config.hpp"

namespace sbench::cli {

// The options `sbench merge` and `sbench targets` share: they name settings
// a suite would read from sbench.toml, the environment or --sbench-* flags.
struct ResultsOptions {
  std::string config_file;
  std::string output;
  std::string targets;
  bool fail_on_target_miss = false;

  void add_to(CLI::App& command, bool with_output);
  // The config as a suite run from here would read it, these options on top.
  Config load() const;
};

// Prints the error and gives exit_usage for a bad config or targets file,
// exit_error for a results file that cannot be read or written.
int run_reporting_errors(const std::function<int()>& body);

}  // namespace sbench::cli
