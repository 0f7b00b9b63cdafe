#include "config_file.hpp"

#include <cctype>
#include <sstream>

#include "setting_value_parser.hpp"
#include "size_settings.hpp"

namespace sbench::detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
  throw ConfigError(file.string() + ": " + message);
}

bool is_marker_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  }
  return name != "and" && name != "or" && name != "not";
}

void apply_markers(const std::filesystem::path& file, const toml::table& markers, Config& config) {
  for (const auto& [name, description] : markers) {
    const std::string key = "markers." + std::string(name.str());
    if (!is_marker_name(name.str())) {
      fail(file, key + ": a marker name is letters, digits and '_', not starting with a digit");
    }
    if (!description.is_string()) {
      fail(file, key + ": expected a string (the marker's description), got " +
                     describe_toml(description));
    }
    config.markers[std::string(name.str())] = *description.value<std::string>();
  }
}

void apply_setting(const std::filesystem::path& file, const std::string& key,
                   const toml::node& node, Config& config) {
  const Setting* setting = find_setting_by_key(key);
  if (setting == nullptr)
    fail(file, "unknown key '" + key + "' (see docs/CONFIG.md)");
  std::optional<SettingValue> value = value_from_toml(node, *setting);
  if (!value)
    fail(file, key + ": expected " + setting->expected() + ", got " + describe_toml(node));
  // Paths written in the file mean the same wherever the suite runs from.
  if (setting->kind == SettingKind::path) {
    auto& path = std::get<std::string>(*value);
    if (!path.empty() && std::filesystem::path(path).is_relative()) {
      path = (file.parent_path() / path).lexically_normal().string();
    }
  }
  setting->assign(config, std::move(*value));
}

}  // namespace

void apply_config_file(const std::filesystem::path& file, Config& config) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    fail(file, "invalid TOML at " + where.str() + ": " + std::string(error.description()));
  }
  for (const auto& [table_name, table_node] : root) {
    const std::string table_key(table_name.str());
    const toml::table* table = table_node.as_table();
    if (table == nullptr)
      fail(file, "unknown key '" + table_key + "' (settings live in tables)");
    if (table_key == "markers") {
      apply_markers(file, *table, config);
      continue;
    }
    if (table_key == "sizes" || table_key == "quick") {
      apply_size_table(file, table_key, *table, config);
      continue;
    }
    for (const auto& [key, node] : *table) {
      apply_setting(file, table_key + "." + std::string(key.str()), node, config);
    }
  }
  config.file = file;
}

}  // namespace sbench::detail
