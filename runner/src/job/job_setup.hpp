#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/result_store.hpp"
#include "config/runner_config.hpp"
#include "job/run_plan.hpp"
#include "providers/provider.hpp"
#include "sbench/http/client.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {

enum class IdentitySource {
  ask,        // ask every server now (a real run, an exact --explain-cache)
  last_seen,  // what the store remembers; sends nothing (--dry-run, --offline)
};

// Everything a command over the matrix needs, built in order: the runner
// file, the suite, the store, the providers, each model's identity, the plan.
// Held by pointer: the plan points into the config and the suite.
struct JobSetup {
  RunnerConfig config;
  Suite suite;
  std::unique_ptr<ResultStore> store;
  std::unique_ptr<http::Client> client;
  std::vector<std::unique_ptr<Provider>> providers;  // by RunnerConfig::providers index
  RunPlan plan;
  std::vector<std::string> identity_notes;  // how each identity was found, for the reader

  // The client first: requests still in flight are abandoned and their
  // completions (which call into the providers) never run. Then the
  // providers; a command pool fails what it still queues, through the
  // scheduler, which must still exist.
  void stop_providers();
};

struct SetupRequest {
  std::filesystem::path config;
  std::optional<std::filesystem::path> store;
  std::optional<std::filesystem::path> output;
  RunFilter filter;
  std::string shard;
  IdentitySource identities = IdentitySource::ask;
};

// A stored result that stands in for a run: under --use-cache one with the
// run's own key, under --incremental the newest one made from the same
// template and scenario bytes.
struct StoredStandIn {
  ResultSource source = ResultSource::cache;
  std::string result_key;
};
std::optional<StoredStandIn> stored_stand_in(const RunPlan& plan, const ResultStore& store,
                                             const PlannedRun& run, bool use_cache,
                                             bool incremental);

// Throws InputError (bad files or flags), StoreError or ProviderError.
std::unique_ptr<JobSetup> prepare_job(const SetupRequest& request);

}  // namespace sbench::runner
