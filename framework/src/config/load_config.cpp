#include "config_file.hpp"
#include "setting_value_parser.hpp"

namespace sbench {
namespace {

// `origin` names where the text came from, e.g. "flag --sbench-model".
void apply_text(const detail::Setting& setting, std::string_view text, const std::string& origin,
                Config& config) {
  std::optional<detail::SettingValue> value = detail::value_from_text(text, setting);
  if (!value) {
    throw ConfigError(origin + ": " + setting.key + ": expected " + setting.expected() +
                      ", got \"" + std::string(text) + "\"");
  }
  setting.assign(config, std::move(*value));
}

void apply_environment(const std::map<std::string, std::string>& environment, Config& config) {
  for (const auto& [variable, text] : environment) {
    if (variable == "SEMANTIC_BENCHMARK_CONFIG")
      continue;  // chose the file already
    const std::string origin = "environment variable " + variable;
    const detail::Setting* setting = detail::find_setting_by_environment_variable(variable);
    if (setting == nullptr)
      throw ConfigError(origin + ": unknown setting (see docs/CONFIG.md)");
    apply_text(*setting, text, origin, config);
  }
}

void apply_flags(const std::vector<std::pair<std::string, std::string>>& flags, Config& config) {
  for (const auto& [flag, text] : flags) {
    const std::string origin = "flag " + flag;
    const detail::Setting* setting = detail::find_setting_by_flag(flag);
    if (setting == nullptr)
      throw ConfigError(origin + ": unknown setting (see docs/CONFIG.md)");
    apply_text(*setting, text, origin, config);
  }
}

}  // namespace

Config load_config(const ConfigSources& sources) {
  Config config;
  if (const std::filesystem::path file = detail::locate_config_file(sources); !file.empty()) {
    detail::apply_config_file(file, config);
  }
  apply_environment(sources.environment, config);
  apply_flags(sources.flags, config);
  return config;
}

}  // namespace sbench
