#include "job/run_plan.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "cache/cache_key.hpp"
#include "cache/sha256.hpp"

namespace sbench::runner {
namespace {

bool selected(const std::vector<std::string>& patterns, const std::string& name, bool glob) {
  if (patterns.empty())
    return true;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return glob ? fnmatch(pattern.c_str(), name.c_str(), 0) == 0 : pattern == name;
  });
}

std::size_t parse_count(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0)
    throw std::invalid_argument(what + " is not a non-negative integer: '" + text + "'");
  return static_cast<std::size_t>(value);
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

nlohmann::json RunPlan::manifest_of(const PlannedRun& run) const {
  const PlannedModel& model = model_of(run);
  return run_manifest(scenario_of(run), *model.config, provider_of(run), model.identity,
                      static_cast<int>(run.repeat));
}

std::size_t shard_of(const std::string& scenario_id, const std::string& model_name, int repeat,
                     std::size_t shard_count) {
  const std::string digest =
      sha256_hex(scenario_id + "\n" + model_name + "\n" + std::to_string(repeat));
  return static_cast<std::size_t>(std::stoull(digest.substr(0, 15), nullptr, 16) % shard_count);
}

RunPlan make_plan(const RunnerConfig& config, const Suite& suite, std::vector<PlannedModel> models,
                  const RunFilter& filter, const Shard& shard) {
  for (const std::string& name : filter.models) {
    if (std::none_of(models.begin(), models.end(),
                     [&](const PlannedModel& model) { return model.config->name == name; })) {
      throw std::invalid_argument("--model " + name + ": no such model in " + config.file.string());
    }
  }
  RunPlan plan;
  plan.config = &config;
  plan.suite = &suite;
  plan.models = std::move(models);
  std::string all_keys;
  std::unordered_map<std::string, std::uint32_t> model_of_key;
  for (std::uint32_t s = 0; s < suite.scenarios.size(); ++s) {
    const Scenario& scenario = suite.scenarios[s];
    if (!selected(filter.scenarios, scenario.id, true))
      continue;
    for (std::uint32_t r = 0; r < static_cast<std::uint32_t>(scenario.repeats); ++r) {
      for (std::uint32_t m = 0; m < plan.models.size(); ++m) {
        const std::string& model_name = plan.models[m].config->name;
        if (!selected(filter.models, model_name, false))
          continue;
        if (shard.count > 1 &&
            shard_of(scenario.id, model_name, static_cast<int>(r), shard.count) != shard.index) {
          continue;
        }
        PlannedRun run{s, m, r, {}};
        run.key = cache_key(plan.manifest_of(run));
        // Two model entries that send exactly the same thing would share
        // every key, and one would silently stand in for the other.
        if (auto [other, fresh] = model_of_key.emplace(run.key, m); !fresh) {
          throw std::invalid_argument("models " + plan.models[other->second].config->name +
                                      " and " + model_name +
                                      " are the same model (same provider, model id, "
                                      "identity and parameters): drop one or tell them apart");
        }
        all_keys += run.key;
        plan.runs.push_back(std::move(run));
      }
    }
  }
  plan.plan_sha256 = sha256_hex(all_keys);
  return plan;
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const std::string index_text = text.substr(0, slash);
  const std::string count_text = slash == std::string::npos ? "" : text.substr(slash + 1);
  Shard shard;
  if (index_text == "env") {
    if (!environment("SLURM_ARRAY_TASK_ID").empty()) {
      const std::size_t id = parse_count(environment("SLURM_ARRAY_TASK_ID"), "SLURM_ARRAY_TASK_ID");
      const std::string min = environment("SLURM_ARRAY_TASK_MIN");
      shard.index = id - (min.empty() ? 0 : parse_count(min, "SLURM_ARRAY_TASK_MIN"));
      const std::string count =
          count_text.empty() ? environment("SLURM_ARRAY_TASK_COUNT") : count_text;
      shard.count = parse_count(count, "SLURM_ARRAY_TASK_COUNT");
    } else if (!environment("JOB_COMPLETION_INDEX").empty()) {
      shard.index = parse_count(environment("JOB_COMPLETION_INDEX"), "JOB_COMPLETION_INDEX");
      const std::string count = count_text.empty() ? environment("SBENCH_SHARD_COUNT") : count_text;
      if (count.empty()) {
        throw std::invalid_argument(
            "--shard env: JOB_COMPLETION_INDEX is set but the shard count is not: give --shard "
            "env/N or set SBENCH_SHARD_COUNT");
      }
      shard.count = parse_count(count, "the shard count");
    } else {
      throw std::invalid_argument(
          "--shard env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set");
    }
  } else {
    if (count_text.empty())
      throw std::invalid_argument("--shard: expected K/N (e.g. 0/4) or env, got '" + text + "'");
    shard.index = parse_count(index_text, "--shard K");
    shard.count = parse_count(count_text, "--shard N");
  }
  if (shard.count == 0 || shard.index >= shard.count) {
    throw std::invalid_argument("--shard: K must be 0..N-1 and N at least 1, got " +
                                std::to_string(shard.index) + "/" + std::to_string(shard.count));
  }
  return shard;
}

}  // namespace sbench::runner
