#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

// `sbench run`: scenarios x models with a result store, incremental runs and
// rate-limit-aware scheduling (docs/RUNNER.md). Each function returns the
// process exit code (sbench/exit_codes.hpp) and reports errors on `err`.
namespace sbench::runner {

enum class ProgressDisplay { automatic, bar, lines, quiet };

struct RunOptions {
  std::filesystem::path config;  // the runner file
  // Serve results already in the store for the same key.
  bool use_cache = false;
  // Carry forward the last result of every scenario x model whose template
  // and scenario bytes are unchanged, even if the model's identity changed.
  bool incremental = false;
  // Print the matrix, predicted hits, tokens and ETA; send nothing.
  bool dry_run = false;
  // Start a new job even if an unfinished one with the same plan exists.
  bool fresh = false;
  std::string shard;                            // "K/N", "env", "env/N"; empty: the whole matrix
  std::vector<std::string> models;              // only these model names
  std::vector<std::string> scenarios;           // only ids matching these globs
  std::optional<std::filesystem::path> store;   // instead of the runner file's
  std::optional<std::filesystem::path> output;  // instead of the runner file's
  ProgressDisplay progress = ProgressDisplay::automatic;
  std::chrono::milliseconds progress_interval{10'000};
};

int run(const RunOptions& options, std::ostream& out, std::ostream& err);

struct ExplainOptions {
  std::filesystem::path config;
  std::vector<std::string> models;
  std::vector<std::string> scenarios;
  std::optional<std::filesystem::path> store;
  // Use the identities last seen instead of asking the servers.
  bool offline = false;
};

// For each run: hit or miss, and for a miss the field-by-field difference
// to the nearest stored manifest; with one scenario and one model, the whole
// manifest too.
int explain_cache(const ExplainOptions& options, std::ostream& out, std::ostream& err);

struct MergeOptions {
  std::vector<std::filesystem::path> stores;  // shard stores
  std::filesystem::path into;                 // the combined store
  std::filesystem::path output;               // the combined run_results.json
};

int merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sbench::runner
