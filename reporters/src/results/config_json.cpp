#include "sbench/reporters/config_json.hpp"

namespace sbench::reporters {
namespace {

nlohmann::json sizes_json(const Sizes& sizes) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [key, size] : sizes.values()) {
    nlohmann::json& entry = json[key];
    std::visit([&entry](const auto& value) { entry = value; }, size.value());
  }
  return json;
}

}  // namespace

nlohmann::json config_to_json(const Config& config) {
  nlohmann::json markers = nlohmann::json::object();
  for (const auto& [name, description] : config.markers)
    markers[name] = description;
  const ServerConfig& server = config.server;
  const RunConfig& run = config.run;
  return {{"markers", markers},
          {"server",
           {{"command", server.command},
            {"url", server.url},
            {"health_path", server.health_path},
            {"startup_timeout_s", server.startup_timeout_s},
            {"env", server.env},
            {"backend", to_string(server.backend)},
            {"api", server.api ? nlohmann::json(to_string(*server.api)) : nullptr},
            {"continuous_usage_stats", server.continuous_usage_stats},
            {"agent_id_field", server.agent_id_field},
            {"model", server.model},
            {"cache_dir", server.cache_dir.string()}}},
          {"run",
           {{"quick", run.quick},
            {"markers", run.markers},
            {"output", run.output.string()},
            {"targets", run.targets.string()},
            {"repetitions", run.repetitions},
            {"fail_on_target_miss", run.fail_on_target_miss},
            {"strict", run.strict}}},
          {"sizes", sizes_json(config.full_sizes)},
          {"quick", sizes_json(config.quick_sizes)}};
}

}  // namespace sbench::reporters
