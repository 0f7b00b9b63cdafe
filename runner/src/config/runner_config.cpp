#include "config/runner_config.hpp"

#include <algorithm>
#include <set>

#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

std::filesystem::path relative_to(const std::filesystem::path& file, const std::string& path) {
  const std::filesystem::path given(path);
  if (given.is_absolute())
    return given;
  return (file.parent_path() / given).lexically_normal();
}

ProviderKind read_kind(const TableReader& table) {
  const std::string kind = table.string("kind");
  for (ProviderKind candidate : {ProviderKind::openai, ProviderKind::llamacpp, ProviderKind::ollama,
                                 ProviderKind::reference, ProviderKind::command}) {
    if (to_string(candidate) == kind)
      return candidate;
  }
  table.fail("kind", "one of openai, llamacpp, ollama, reference, command");
}

ProviderConfig read_provider(const TableReader& table, const std::string& name) {
  table.reject_unknown({"kind", "api", "base_url", "api_key_env", "command", "workers",
                        "max_concurrency", "rpm", "tpm", "burst_s"});
  ProviderConfig provider;
  provider.name = name;
  provider.kind = read_kind(table);
  const std::string api = table.string_or("api", "chat");
  if (api != "chat" && api != "completions")
    table.fail("api", "chat or completions");
  if (api == "completions" && provider.kind != ProviderKind::openai)
    table.fail("api", "chat (only openai providers speak the completions API here)");
  provider.completions_api = api == "completions";
  if (provider.kind == ProviderKind::command) {
    for (const nlohmann::json& word : table.array_or_empty("command")) {
      if (!word.is_string())
        table.fail("command", "an array of strings (program and arguments)");
      provider.command.push_back(word.get<std::string>());
    }
    if (provider.command.empty())
      table.fail("command",
                 "the worker's program and arguments, e.g. [\"python3\", \"worker.py\"]");
    if (table.has("base_url"))
      table.fail("base_url", "no base_url for a command provider");
  } else {
    provider.base_url = table.string("base_url");
    if (provider.base_url.rfind("http://", 0) != 0)
      table.fail("base_url", "an http:// URL (this client speaks plain HTTP/1.1)");
    while (provider.base_url.size() > 7 && provider.base_url.back() == '/')
      provider.base_url.pop_back();
    if (table.has("command"))
      table.fail("command", "a command only for kind = \"command\"");
  }
  provider.api_key_env = table.string_or("api_key_env", "");
  provider.limits.max_concurrency =
      static_cast<std::size_t>(table.integer_or("max_concurrency", 0, 0, 4096));
  provider.limits.rpm = table.number_or("rpm", 0, 0, 1e9);
  provider.limits.tpm = table.number_or("tpm", 0, 0, 1e12);
  provider.limits.burst_seconds = table.number_or("burst_s", 1, 0.001, 3600);
  provider.workers = static_cast<std::size_t>(table.integer_or("workers", 0, 1, 256));
  if (provider.kind == ProviderKind::command) {
    // More runs at once than workers would only wait in the pool's queue,
    // with their latency running.
    if (provider.workers == 0)
      provider.workers = std::max<std::size_t>(1, provider.limits.max_concurrency);
    provider.limits.max_concurrency = provider.workers;
  } else if (table.has("workers")) {
    table.fail("workers", "workers only for kind = \"command\"");
  }
  return provider;
}

ModelConfig read_model(const TableReader& table) {
  table.reject_unknown({"name", "provider", "model", "parameters"});
  ModelConfig model;
  model.provider = table.string("provider");
  model.model = table.string("model");
  model.name = table.string_or("name", model.model);
  model.parameters = table.table_or_empty("parameters");
  for (const char* reserved : {"model", "messages", "prompt", "max_tokens", "stream"}) {
    if (model.parameters.contains(reserved))
      table.fail("parameters", std::string("no '") + reserved + "' (the runner sets it)");
  }
  return model;
}

}  // namespace

std::string_view to_string(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::openai:
      return "openai";
    case ProviderKind::llamacpp:
      return "llamacpp";
    case ProviderKind::ollama:
      return "ollama";
    case ProviderKind::reference:
      return "reference";
    case ProviderKind::command:
      return "command";
  }
  return "?";
}

const ProviderConfig& RunnerConfig::provider_of(const ModelConfig& model) const {
  for (const ProviderConfig& provider : providers) {
    if (provider.name == model.provider)
      return provider;
  }
  throw InputError(file.string() + ": no provider " + model.provider);
}

RunnerConfig load_runner_config(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw InputError(file.string() + ": the runner file does not exist");
  const nlohmann::json root = read_toml_file(file);
  const TableReader table(file, root);
  table.reject_unknown({"run", "providers", "models"});
  RunnerConfig config;
  config.file = file;

  const TableReader run = table.sub("run", table.table_or_empty("run"));
  run.reject_unknown(
      {"suite", "store", "output", "max_attempts", "retry_budget", "max_wait_s", "report"});
  config.job.suite = relative_to(file, run.string("suite"));
  config.job.store = relative_to(file, run.string_or("store", ".cache/sbench/results.sqlite"));
  config.job.output = relative_to(file, run.string_or("output", "run_results.json"));
  config.job.max_attempts = static_cast<int>(run.integer_or("max_attempts", 4, 1, 100));
  config.job.retry_budget = run.number_or("retry_budget", 0.10, 0, 1000);
  config.job.max_wait = std::chrono::milliseconds(
      static_cast<long long>(run.number_or("max_wait_s", 600, 0, 31'536'000) * 1000));
  config.job.report = run.boolean_or("report", true);

  const nlohmann::json& providers = table.table_or_empty("providers");
  for (const auto& [name, provider] : providers.items()) {
    if (!provider.is_object())
      table.fail("providers." + name, "a table");
    config.providers.push_back(read_provider(table.sub("providers." + name, provider), name));
  }
  if (config.providers.empty())
    table.fail("providers", "at least one [providers.<name>] table");

  const nlohmann::json& models = table.array_or_empty("models");
  std::set<std::string> names;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const TableReader model_table = table.sub("models[" + std::to_string(i) + "]", models[i]);
    if (!models[i].is_object())
      table.fail("models", "an array of [[models]] tables");
    ModelConfig model = read_model(model_table);
    if (std::none_of(config.providers.begin(), config.providers.end(),
                     [&](const ProviderConfig& p) { return p.name == model.provider; })) {
      model_table.fail("provider", "the name of a [providers.<name>] table");
    }
    if (!names.insert(model.name).second)
      model_table.fail("name", "a name no other model has");
    config.models.push_back(std::move(model));
  }
  if (config.models.empty())
    table.fail("models", "at least one [[models]] table");
  return config;
}

}  // namespace sbench::runner
