#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/runner_config.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {

// This process's part of the matrix: shard K of N.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};

// A model as this job sees it: its config, its provider, and the identity
// the server reported (or why none could be had).
struct PlannedModel {
  const ModelConfig* config = nullptr;
  std::size_t provider = 0;  // index into RunnerConfig::providers
  nlohmann::json identity;
  std::string identity_error;
};

// One scenario x model x repeat. Kept small: a 20,000-run job holds them all.
struct PlannedRun {
  std::uint32_t scenario = 0;
  std::uint32_t model = 0;
  std::uint32_t repeat = 0;
  std::string key;
};

struct RunFilter {
  std::vector<std::string> models;     // names; empty: all
  std::vector<std::string> scenarios;  // glob patterns on ids; empty: all
};

struct RunPlan {
  const RunnerConfig* config = nullptr;
  const Suite* suite = nullptr;
  std::vector<PlannedModel> models;
  std::vector<PlannedRun> runs;  // scenario by scenario, every model of one together
  std::string plan_sha256;       // the keys: a restart of the same plan resumes its job

  const Scenario& scenario_of(const PlannedRun& run) const {
    return suite->scenarios[run.scenario];
  }
  const PlannedModel& model_of(const PlannedRun& run) const { return models[run.model]; }
  const ProviderConfig& provider_of(const PlannedRun& run) const {
    return config->providers[models[run.model].provider];
  }
  nlohmann::json manifest_of(const PlannedRun& run) const;
};

// Which shard a run belongs to: a hash of scenario id, model name and repeat,
// not of the key, so shards agree even when they reach the model at
// different URLs.
std::size_t shard_of(const std::string& scenario_id, const std::string& model_name, int repeat,
                     std::size_t shard_count);

// `models[i].identity` must be filled in (or its error set) before this.
RunPlan make_plan(const RunnerConfig& config, const Suite& suite, std::vector<PlannedModel> models,
                  const RunFilter& filter, const Shard& shard);

// "K/N", or "env" / "env/N" for JOB_COMPLETION_INDEX (Kubernetes Indexed
// Jobs, count from SBENCH_SHARD_COUNT or N) and SLURM_ARRAY_TASK_ID with
// SLURM_ARRAY_TASK_COUNT (and SLURM_ARRAY_TASK_MIN). Throws
// std::invalid_argument with what is wrong.
Shard parse_shard(const std::string& text);

}  // namespace sbench::runner
