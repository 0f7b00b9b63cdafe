#include <filesystem>
#include <type_traits>
#include <utility>

#include "setting.hpp"

namespace sbench::detail {
namespace {

Backend backend_named(const std::string& name) {
  for (Backend b : {Backend::reference, Backend::llamacpp, Backend::openai, Backend::ollama}) {
    if (to_string(b) == name)
      return b;
  }
  return Backend::reference;  // unreachable: choices were checked when parsing
}

ServerApi api_named(const std::string& name) {
  for (ServerApi api : {ServerApi::native, ServerApi::chat, ServerApi::completions}) {
    if (to_string(api) == name)
      return api;
  }
  return ServerApi::native;  // unreachable: choices were checked when parsing
}

// Parsed values come in a few wide types; Config fields are narrower.
template <class Field>
Field convert(SettingValue&& value) {
  if constexpr (std::is_same_v<Field, int>) {
    return static_cast<int>(std::get<std::int64_t>(value));
  } else if constexpr (std::is_same_v<Field, std::filesystem::path>) {
    return std::get<std::string>(std::move(value));
  } else if constexpr (std::is_same_v<Field, Backend>) {
    return backend_named(std::get<std::string>(value));
  } else if constexpr (std::is_same_v<Field, std::optional<ServerApi>>) {
    return api_named(std::get<std::string>(value));
  } else {
    return std::get<Field>(std::move(value));
  }
}

template <class Section, class Field>
std::function<void(Config&, SettingValue&&)> assigns(Section Config::*section,
                                                     Field Section::*field) {
  return [section, field](Config& config, SettingValue&& value) {
    (config.*section).*field = convert<Field>(std::move(value));
  };
}

std::vector<Setting> build_settings() {
  using K = SettingKind;
  const auto server = &Config::server;
  const auto run = &Config::run;
  std::vector<Setting> s = {
      {"server.command",
       "server_command",
       K::text_list,
       {},
       assigns(server, &ServerConfig::command),
       "argv of the server to start; {port}, {cache_dir}, {model} are replaced"},
      {"server.url",
       "server_url",
       K::text,
       {},
       assigns(server, &ServerConfig::url),
       "Use this running server instead of starting `command`"},
      {"server.health_path",
       "server_health_path",
       K::text,
       {},
       assigns(server, &ServerConfig::health_path),
       "Polled until it answers 200"},
      {"server.startup_timeout_s",
       "server_startup_timeout_s",
       K::positive_number,
       {},
       assigns(server, &ServerConfig::startup_timeout_s),
       "Seconds to wait for the server to become healthy"},
      {"server.env",
       "server_env",
       K::text_table,
       {},
       assigns(server, &ServerConfig::env),
       "Extra environment of the started server"},
      {"server.backend",
       "server_backend",
       K::choice,
       {"reference", "llamacpp", "openai", "ollama"},
       assigns(server, &ServerConfig::backend),
       "API dialect of the server"},
      {"server.api",
       "server_api",
       K::choice,
       {"native", "chat", "completions"},
       assigns(server, &ServerConfig::api),
       "Generation API the backend drives; unset: chat for openai, native for the others"},
      {"server.continuous_usage_stats",
       "server_continuous_usage_stats",
       K::boolean,
       {},
       assigns(server, &ServerConfig::continuous_usage_stats),
       "OpenAI streams: ask for usage on every chunk (vLLM, sbench-server) for exact token "
       "counts"},
      {"server.agent_id_field",
       "server_agent_id_field",
       K::text,
       {},
       assigns(server, &ServerConfig::agent_id_field),
       "OpenAI requests of an agent name it in this extra field (sbench-server: agent_id)"},
      {"server.model",
       "model",
       K::text,
       {},
       assigns(server, &ServerConfig::model),
       "Model or preset name, substituted for {model}"},
      {"server.cache_dir",
       "server_cache_dir",
       K::path,
       {},
       assigns(server, &ServerConfig::cache_dir),
       "Directory for cache files, substituted for {cache_dir}; empty: a temporary one"},
      {"server.pid",
       "server_pid",
       K::non_negative_integer,
       {},
       assigns(server, &ServerConfig::pid),
       "pid of the server at `url`, for its memory readings; 0: unknown"},
      {"run.quick",
       "quick",
       K::boolean,
       {},
       assigns(run, &RunConfig::quick),
       "Use the [quick] sizes"},
      {"run.markers",
       "markers",
       K::text,
       {},
       assigns(run, &RunConfig::markers),
       "Marker expression selecting cases (same as -m)"},
      {"run.output", "output", K::path, {}, assigns(run, &RunConfig::output), "Results file"},
      {"run.targets",
       "targets",
       K::path,
       {},
       assigns(run, &RunConfig::targets),
       "Performance targets file; empty: no target check"},
      {"run.repetitions",
       "repetitions",
       K::positive_integer,
       {},
       assigns(run, &RunConfig::repetitions),
       "Repetitions of every case (median, stddev and CV are reported)"},
      {"run.fail_on_target_miss",
       "fail_on_target_miss",
       K::boolean,
       {},
       assigns(run, &RunConfig::fail_on_target_miss),
       "Exit non-zero when a target is missed"},
      {"run.report",
       "report",
       K::boolean,
       {},
       assigns(run, &RunConfig::report),
       "Also write the Markdown and HTML reports next to the results file"},
      {"run.strict",
       "strict",
       K::boolean,
       {},
       assigns(run, &RunConfig::strict),
       "A failed measurement cross-check is a case error, not a warning"},
  };
  return s;
}

}  // namespace

const std::vector<Setting>& all_settings() {
  static const std::vector<Setting> settings = build_settings();
  return settings;
}

}  // namespace sbench::detail
