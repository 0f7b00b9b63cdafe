#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sbench/config.hpp"

namespace sbench::detail {

using SettingValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>,
                                  std::map<std::string, std::string>>;

enum class SettingKind {
  boolean,
  positive_integer,
  non_negative_integer,
  positive_number,
  text,
  path,  // a string; relative paths in a file are relative to that file
  choice,
  text_list,
  text_table,
};

// One configurable setting: its sbench.toml key, the name its environment
// variable and flag are derived from, and how a parsed value lands in Config.
struct Setting {
  std::string key;   // "server.startup_timeout_s"
  std::string name;  // "server_startup_timeout_s"
  SettingKind kind;
  std::vector<std::string> choices;  // only for SettingKind::choice
  std::function<void(Config&, SettingValue&&)> assign;
  std::string help;

  std::string environment_variable() const;  // SEMANTIC_BENCHMARK_SERVER_STARTUP_TIMEOUT_S
  std::string flag() const;                  // --sbench-server-startup-timeout-s
  std::string expected() const;              // "a positive number", for error messages
};

const std::vector<Setting>& all_settings();

const Setting* find_setting_by_key(std::string_view key);
const Setting* find_setting_by_environment_variable(std::string_view variable);
const Setting* find_setting_by_flag(std::string_view flag);

}  // namespace sbench::detail
