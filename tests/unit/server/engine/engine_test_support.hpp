#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sbench/server/engine.hpp"
#include "support/temp_dir.hpp"

namespace sbench::server::testing {

using TempCacheDir = ::sbench::testing::TempDir;

EngineOptions tiny_options(const std::filesystem::path& cache_dir);

struct Outcome {
  std::vector<int> streamed;  // tokens seen by on_token, in order
  std::optional<GenerateResult> result;
  std::optional<EngineError> error;
  bool timed_out = false;

  bool ok() const { return result.has_value(); }
  const std::vector<int>& tokens() const;  // the result's tokens; empty on failure
};

// Callbacks that gather one generation's events for a waiting test.
class PendingGeneration {
 public:
  PendingGeneration();
  GenerateCallbacks callbacks() const;
  // Never hangs: a generation not finished within `timeout` is a test failure.
  Outcome wait(std::chrono::seconds timeout = std::chrono::seconds(60));
  // Tokens streamed so far, readable while the generation runs.
  int streamed_so_far() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::future<Outcome> done_;
};

// The kind of the EngineError `call` throws; a test failure when it throws none.
EngineError::Kind thrown_kind(const std::function<void()>& call);

Outcome generate_sync(Engine& engine, const std::string& agent, const GenerateParams& params);

GenerateParams greedy(std::vector<int> prompt, int max_tokens);

// Token ids of `text` (bytes only, no BOS).
std::vector<int> text_tokens(const Engine& engine, const std::string& text);

std::vector<int> concat(std::vector<int> a, const std::vector<int>& b);

}  // namespace sbench::server::testing
