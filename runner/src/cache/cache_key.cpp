#include "cache/cache_key.hpp"

#include <set>

#include "cache/sha256.hpp"
#include "config/runner_config.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {
namespace {

std::string short_value(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 80)
    text = text.substr(0, 77) + "...";
  return text;
}

void diff(const nlohmann::json& stored, const nlohmann::json& wanted, const std::string& path,
          std::vector<std::string>& out) {
  if (stored.is_object() && wanted.is_object()) {
    std::set<std::string> keys;
    for (const auto& [key, value] : stored.items())
      keys.insert(key);
    for (const auto& [key, value] : wanted.items())
      keys.insert(key);
    for (const std::string& key : keys) {
      const std::string child = path.empty() ? key : path + "." + key;
      if (!stored.contains(key))
        out.push_back(child + ": (absent) -> " + short_value(wanted.at(key)));
      else if (!wanted.contains(key))
        out.push_back(child + ": " + short_value(stored.at(key)) + " -> (absent)");
      else
        diff(stored.at(key), wanted.at(key), child, out);
    }
    return;
  }
  if (stored.is_array() && wanted.is_array() && stored.size() == wanted.size()) {
    for (std::size_t i = 0; i < stored.size(); ++i)
      diff(stored[i], wanted[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (stored != wanted)
    out.push_back(path + ": " + short_value(stored) + " -> " + short_value(wanted));
}

}  // namespace

nlohmann::json run_manifest(const Scenario& scenario, const ModelConfig& model,
                            const ProviderConfig& provider, const nlohmann::json& model_identity,
                            int repeat) {
  nlohmann::json scenario_part = scenario.manifest();
  scenario_part["sha256"] = scenario.sha256;
  return {
      {"key_schema", kKeySchemaVersion},
      {"template", {{"name", scenario.template_name}, {"sha256", scenario.template_sha256}}},
      {"scenario", scenario_part},
      {"model",
       {{"provider", to_string(provider.kind)},
        {"api", provider.completions_api ? "completions" : "chat"},
        {"base_url", provider.base_url},
        {"command", provider.command},
        {"model", model.model},
        {"identity", model_identity},
        {"parameters", model.parameters}}},
      {"repeat", repeat},
  };
}

std::string cache_key(const nlohmann::json& manifest) {
  // nlohmann::json keeps object keys sorted, and dump() without an indent
  // writes no whitespace: the same manifest is always the same bytes.
  return sha256_hex(manifest.dump());
}

std::vector<std::string> manifest_differences(const nlohmann::json& stored,
                                              const nlohmann::json& wanted) {
  std::vector<std::string> differences;
  diff(stored, wanted, "", differences);
  return differences;
}

}  // namespace sbench::runner
