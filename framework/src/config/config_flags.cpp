#include "setting.hpp"
#include "size_settings.hpp"

namespace sbench {

bool is_config_flag(std::string_view flag) {
  return detail::find_setting_by_flag(flag) != nullptr ||
         detail::size_override_from_flag(flag).has_value();
}

bool config_flag_takes_value(std::string_view flag) {
  const detail::Setting* setting = detail::find_setting_by_flag(flag);
  return setting == nullptr ? detail::size_override_from_flag(flag).has_value()
                            : setting->kind != detail::SettingKind::boolean;
}

std::string config_flags_help() {
  std::string help;
  for (const detail::Setting& setting : detail::all_settings()) {
    help += "  " + setting.flag() + (setting.kind == detail::SettingKind::boolean ? "" : "=VALUE");
    help += "\n      " + setting.help + "; " + setting.expected() + " [" + setting.key + ", " +
            setting.environment_variable() + "]\n";
  }
  // The sizes are whatever the suites name: one pattern stands for them all.
  help +=
      "  --sbench-sizes-KEY=VALUE (full runs), --sbench-quick-KEY=VALUE (quick runs)\n"
      "      A suite's size KEY; an integer, [1, 2] or a string [sizes.KEY, "
      "SEMANTIC_BENCHMARK_SIZES_KEY]\n";
  return help;
}

}  // namespace sbench
