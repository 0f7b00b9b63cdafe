#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbench::runner {

struct Scenario;
struct ModelConfig;
struct ProviderConfig;

// Bumped whenever what goes into a manifest changes, so that old keys miss
// instead of matching something that means another thing.
inline constexpr int kKeySchemaVersion = 1;

// Everything that can change an answer (docs/RUNNER.md, "Cache keys"): the
// key schema, the template's and the scenario's hashes and contents, the
// model (provider kind, API, base URL, model id, the identity the server
// reports, every parameter sent) and the repeat index.
nlohmann::json run_manifest(const Scenario& scenario, const ModelConfig& model,
                            const ProviderConfig& provider, const nlohmann::json& model_identity,
                            int repeat);

// SHA-256 of the manifest as canonical JSON (keys sorted, no whitespace).
std::string cache_key(const nlohmann::json& manifest);

// Leaf-by-leaf differences between two manifests, as "path: old -> new".
std::vector<std::string> manifest_differences(const nlohmann::json& stored,
                                              const nlohmann::json& wanted);

}  // namespace sbench::runner
