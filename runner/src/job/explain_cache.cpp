// `sbench run --explain-cache`: why each run would hit or miss the store.
#include <iostream>

#include "cache/cache_key.hpp"
#include "config/toml_json.hpp"
#include "job/command_errors.hpp"
#include "job/job_setup.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/runner/runner.hpp"

namespace sbench::runner {
namespace {

struct Nearest {
  std::string key;
  std::vector<std::string> differences;
};

std::optional<Nearest> nearest_stored(const ResultStore& store, const nlohmann::json& wanted,
                                      const std::string& scenario_id,
                                      const std::string& model_name) {
  std::optional<Nearest> best;
  for (const StoredManifest& stored : store.manifests_for(scenario_id, model_name)) {
    const nlohmann::json manifest = nlohmann::json::parse(stored.manifest, nullptr, false);
    if (manifest.is_discarded())
      continue;
    std::vector<std::string> differences = manifest_differences(manifest, wanted);
    if (!best || differences.size() < best->differences.size())
      best = Nearest{stored.key, std::move(differences)};
  }
  return best;
}

int explain(const ExplainOptions& options, std::ostream& out) {
  const std::unique_ptr<JobSetup> setup =
      prepare_job({options.config,
                   options.store,
                   std::nullopt,
                   {options.models, options.scenarios},
                   "",
                   options.offline ? IdentitySource::last_seen : IdentitySource::ask});
  const RunPlan& plan = setup->plan;
  for (const std::string& note : setup->identity_notes)
    out << "note: " << note << "\n";
  for (const PlannedModel& model : plan.models) {
    if (!model.identity_error.empty())
      out << "note: " << model.config->name << ": " << model.identity_error << "\n";
  }
  std::size_t hits = 0;
  for (const PlannedRun& run : plan.runs) {
    const std::string& scenario_id = plan.scenario_of(run).id;
    const std::string& model_name = plan.model_of(run).config->name;
    const nlohmann::json manifest = plan.manifest_of(run);
    out << scenario_id << " x " << model_name << " #" << run.repeat << ": ";
    if (setup->store->find(run.key)) {
      ++hits;
      out << "HIT " << run.key << "\n";
    } else if (std::optional<Nearest> nearest =
                   nearest_stored(*setup->store, manifest, scenario_id, model_name)) {
      out << "MISS " << run.key << "; nearest stored key " << nearest->key << " differs in "
          << nearest->differences.size() << " field(s):\n";
      for (const std::string& difference : nearest->differences)
        out << "    " << difference << "\n";
    } else {
      out << "MISS " << run.key << "; nothing stored for this scenario or model\n";
    }
    if (plan.runs.size() == 1)
      out << "manifest:\n" << manifest.dump(2) << "\n";
  }
  out << hits << " of " << plan.runs.size() << " runs would be served by --use-cache\n";
  return exit_ok;
}

}  // namespace

int explain_cache(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench run --explain-cache", err, [&] { return explain(options, out); });
}

}  // namespace sbench::runner
