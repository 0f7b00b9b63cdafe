#include "job/job_setup.hpp"

#include <algorithm>
#include <stdexcept>

#include "cache/sha256.hpp"
#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

std::string probe_key(const ModelConfig& model, const ProviderConfig& provider) {
  const nlohmann::json what = {{"provider", to_string(provider.kind)},
                               {"base_url", provider.base_url},
                               {"command", provider.command},
                               {"model", model.model}};
  return sha256_hex(what.dump());
}

// `wanted`: the model is in the matrix (not left out by --model); only then
// is the reader told how its identity was found.
PlannedModel plan_model(JobSetup& setup, std::size_t model_index, IdentitySource source,
                        bool wanted) {
  const ModelConfig& model = setup.config.models[model_index];
  PlannedModel planned;
  planned.config = &model;
  for (std::size_t p = 0; p < setup.config.providers.size(); ++p) {
    if (setup.config.providers[p].name == model.provider)
      planned.provider = p;
  }
  const ProviderConfig& provider = setup.config.providers[planned.provider];
  const std::string key = probe_key(model, provider);
  if (source == IdentitySource::last_seen) {
    if (std::optional<std::string> seen = setup.store->last_identity(key)) {
      planned.identity = nlohmann::json::parse(*seen);
      if (wanted)
        setup.identity_notes.push_back(model.name + ": identity as last seen (not asked)");
    } else {
      planned.identity = "unknown";
      if (wanted) {
        setup.identity_notes.push_back(model.name +
                                       ": never asked for its identity; its keys will not match "
                                       "a real run's, so no cache hits are predicted for it");
      }
    }
    return planned;
  }
  try {
    planned.identity = setup.providers[planned.provider]->identity(model);
    setup.store->remember_identity(key, planned.identity.dump());
  } catch (const std::exception& error) {
    planned.identity = "unreachable";
    planned.identity_error = std::string("cannot ask for the model's identity: ") + error.what();
  }
  return planned;
}

}  // namespace

void JobSetup::stop_providers() {
  client.reset();
  providers.clear();
}

std::optional<StoredStandIn> stored_stand_in(const RunPlan& plan, const ResultStore& store,
                                             const PlannedRun& run, bool use_cache,
                                             bool incremental) {
  if (use_cache && store.find(run.key))
    return StoredStandIn{ResultSource::cache, run.key};
  if (incremental) {
    const Scenario& scenario = plan.scenario_of(run);
    if (std::optional<ResultSummary> carried = store.find_unchanged(
            scenario.id, plan.model_of(run).config->name, static_cast<int>(run.repeat),
            scenario.template_sha256, scenario.sha256)) {
      return StoredStandIn{ResultSource::carried, carried->key};
    }
  }
  return std::nullopt;
}

std::unique_ptr<JobSetup> prepare_job(const SetupRequest& request) {
  auto setup = std::make_unique<JobSetup>();
  setup->config = load_runner_config(request.config);
  if (request.store)
    setup->config.job.store = *request.store;
  if (request.output)
    setup->config.job.output = *request.output;
  setup->suite = load_suite(setup->config.job.suite);
  Shard shard;
  if (!request.shard.empty()) {
    try {
      shard = parse_shard(request.shard);
    } catch (const std::invalid_argument& error) {
      throw InputError(error.what());
    }
  }
  setup->store = std::make_unique<ResultStore>(setup->config.job.store);
  http::ClientOptions client_options;
  client_options.retry.max_attempts = 1;  // the scheduler decides about retries
  setup->client = std::make_unique<http::Client>(client_options);
  for (const ProviderConfig& provider : setup->config.providers)
    setup->providers.push_back(make_provider(provider, *setup->client));
  std::vector<PlannedModel> models;
  for (std::size_t m = 0; m < setup->config.models.size(); ++m) {
    const bool wanted = request.filter.models.empty() ||
                        std::find(request.filter.models.begin(), request.filter.models.end(),
                                  setup->config.models[m].name) != request.filter.models.end();
    // A model left out by --model is not asked anything.
    models.push_back(
        plan_model(*setup, m, wanted ? request.identities : IdentitySource::last_seen, wanted));
  }
  try {
    setup->plan = make_plan(setup->config, setup->suite, std::move(models), request.filter, shard);
  } catch (const std::invalid_argument& error) {
    throw InputError(error.what());
  }
  return setup;
}

}  // namespace sbench::runner
