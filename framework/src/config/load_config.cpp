#include "config_file.hpp"
#include "setting_value_parser.hpp"
#include "size_settings.hpp"

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

// CI services set CI (GitHub Actions, GitLab, ... say "true"): there a missed
// target should fail the job unless the project says otherwise.
bool running_in_ci(const std::map<std::string, std::string>& environment) {
  const auto ci = environment.find("CI");
  return ci != environment.end() && !ci->second.empty() && ci->second != "0" &&
         ci->second != "false";
}

void apply_environment(const std::map<std::string, std::string>& environment, Config& config) {
  for (const auto& [variable, text] : environment) {
    if (variable == "SEMANTIC_BENCHMARK_CONFIG" || variable == "CI")
      continue;  // chose the file, or a default, already
    const std::string origin = "environment variable " + variable;
    if (const detail::Setting* setting = detail::find_setting_by_environment_variable(variable)) {
      apply_text(*setting, text, origin, config);
    } else if (auto size = detail::size_override_from_environment(variable)) {
      (config.*size->sizes).set(size->key, detail::size_from_text(text, origin));
    } else {
      throw ConfigError(origin + ": unknown setting (see docs/CONFIG.md)");
    }
  }
}

void apply_flags(const std::vector<std::pair<std::string, std::string>>& flags, Config& config) {
  for (const auto& [flag, text] : flags) {
    const std::string origin = "flag " + flag;
    if (const detail::Setting* setting = detail::find_setting_by_flag(flag)) {
      apply_text(*setting, text, origin, config);
    } else if (auto size = detail::size_override_from_flag(flag)) {
      (config.*size->sizes).set(size->key, detail::size_from_text(text, origin));
    } else {
      throw ConfigError(origin + ": unknown setting (see docs/CONFIG.md)");
    }
  }
}

}  // namespace

Config load_config(const ConfigSources& sources) {
  Config config;
  config.full_sizes = sources.default_sizes.full;
  config.quick_sizes = sources.default_sizes.quick;
  config.run.fail_on_target_miss = running_in_ci(sources.environment);
  if (const std::filesystem::path file = detail::locate_config_file(sources); !file.empty()) {
    detail::apply_config_file(file, config);
  }
  apply_environment(sources.environment, config);
  apply_flags(sources.flags, config);
  return config;
}

}  // namespace sbench
