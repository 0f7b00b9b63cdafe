#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sbench::runner {

enum class ProviderKind { openai, llamacpp, ollama, reference, command };
std::string_view to_string(ProviderKind kind);

// What a provider lets one account do; 0 means no limit of that kind.
struct ProviderLimits {
  std::size_t max_concurrency = 0;  // 0: found by AIMD from a slow start
  double rpm = 0;
  double tpm = 0;
  // Bucket depth as seconds of the rate: how big a burst the runner sends.
  double burst_seconds = 1;
};

// One endpoint or command with its own limits; several models may share one.
struct ProviderConfig {
  std::string name;
  ProviderKind kind = ProviderKind::openai;
  bool completions_api = false;      // openai: /v1/completions instead of chat
  std::string base_url;              // HTTP providers
  std::string api_key_env;           // the variable's name; the key never enters a file or a log
  std::vector<std::string> command;  // command providers
  std::size_t workers = 0;           // command providers; 0: max_concurrency or 1
  ProviderLimits limits;
};

struct ModelConfig {
  std::string name;  // the label in reports and the store
  std::string provider;
  std::string model;  // the id sent to the provider
  // Sent with every request as given (reasoning_effort, num_ctx, ...): all of
  // it is part of the cache key.
  nlohmann::json parameters = nlohmann::json::object();
};

struct JobSettings {
  std::filesystem::path suite;
  std::filesystem::path store;
  std::filesystem::path output;
  int max_attempts = 4;  // per run, the first try included
  // Retries the whole job may spend: max(10, retry_budget x runs).
  double retry_budget = 0.10;
  // A Retry-After longer than this is an exhausted quota: the provider's
  // remaining runs fail at once instead of waiting.
  std::chrono::milliseconds max_wait{600'000};
  bool report = true;
};

struct RunnerConfig {
  std::filesystem::path file;
  JobSettings job;
  std::vector<ProviderConfig> providers;
  std::vector<ModelConfig> models;

  const ProviderConfig& provider_of(const ModelConfig& model) const;
};

// Reads a runner file (docs/RUNNER.md, "The runner file"). Relative paths
// are relative to the file. Throws InputError naming file and key.
RunnerConfig load_runner_config(const std::filesystem::path& file);

}  // namespace sbench::runner
