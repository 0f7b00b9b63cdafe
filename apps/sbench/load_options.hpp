#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "sbench/runner/runner.hpp"
#include "sbench/runner/target.hpp"

namespace sbench::cli {

// The flags `sbench sweep` and `sbench batch` share: which server, which
// API, how long a request may take, and how progress is shown.
struct LoadFlags {
  double request_timeout_s = 300;
  int server_pid = 0;
  std::string progress = "auto";
  double progress_interval_s = 10;

  // `target` must outlive the command's callback.
  void add_target(CLI::App& command, sbench::runner::TargetOptions& target, bool with_url);
  void add_progress(CLI::App& command);
  // Copies what the flags parsed into `target` (call from the callback).
  void apply(sbench::runner::TargetOptions& target) const;
  sbench::runner::ProgressDisplay display() const;
  std::chrono::milliseconds interval() const;
};

sbench::runner::ProgressDisplay progress_display(const std::string& name);

}  // namespace sbench::cli
