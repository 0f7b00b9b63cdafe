#include "setting.hpp"

namespace sbench {

bool is_config_flag(std::string_view flag) {
  return detail::find_setting_by_flag(flag) != nullptr;
}

bool config_flag_takes_value(std::string_view flag) {
  const detail::Setting* setting = detail::find_setting_by_flag(flag);
  return setting != nullptr && setting->kind != detail::SettingKind::boolean;
}

std::string config_flags_help() {
  std::string help;
  for (const detail::Setting& setting : detail::all_settings()) {
    help += "  " + setting.flag() + (setting.kind == detail::SettingKind::boolean ? "" : "=VALUE");
    help += "\n      " + setting.help + "; " + setting.expected() + " [" + setting.key + ", " +
            setting.environment_variable() + "]\n";
  }
  return help;
}

}  // namespace sbench
