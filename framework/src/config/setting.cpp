#include "setting.hpp"

#include <algorithm>
#include <cctype>

namespace sbench::detail {
namespace {

std::string transformed(std::string text, int (*convert)(int), char underscore_becomes) {
  for (char& c : text)
    c = c == '_' ? underscore_becomes : static_cast<char>(convert(c));
  return text;
}

template <class Predicate>
const Setting* find_setting(Predicate matches) {
  const auto& settings = all_settings();
  auto found = std::find_if(settings.begin(), settings.end(), matches);
  return found == settings.end() ? nullptr : &*found;
}

}  // namespace

std::string Setting::environment_variable() const {
  return "SEMANTIC_BENCHMARK_" + transformed(name, ::toupper, '_');
}

std::string Setting::flag() const {
  return "--sbench-" + transformed(name, ::tolower, '-');
}

std::string Setting::expected() const {
  switch (kind) {
    case SettingKind::boolean:
      return "a boolean (true or false)";
    case SettingKind::positive_integer:
      return "a positive integer";
    case SettingKind::non_negative_integer:
      return "a non-negative integer";
    case SettingKind::positive_number:
      return "a positive number";
    case SettingKind::text:
      return "a string";
    case SettingKind::path:
      return "a path (string)";
    case SettingKind::choice: {
      std::string list;
      for (const std::string& choice : choices)
        list += (list.empty() ? "" : ", ") + choice;
      return "one of " + list;
    }
    case SettingKind::text_list:
      return "an array of strings";
    case SettingKind::text_table:
      return "a table of strings";
  }
  return "";
}

const Setting* find_setting_by_key(std::string_view key) {
  return find_setting([&](const Setting& s) { return s.key == key; });
}

const Setting* find_setting_by_environment_variable(std::string_view variable) {
  return find_setting([&](const Setting& s) { return s.environment_variable() == variable; });
}

const Setting* find_setting_by_flag(std::string_view flag) {
  return find_setting([&](const Setting& s) { return s.flag() == flag; });
}

}  // namespace sbench::detail
