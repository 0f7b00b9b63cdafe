#include "setting_value_parser.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace sbench::detail {
namespace {

bool fits_integer_kind(SettingKind kind, std::int64_t value) {
  return kind == SettingKind::non_negative_integer ? value >= 0 : value > 0;
}

std::optional<SettingValue> integer_value(std::int64_t value, SettingKind kind) {
  if (!fits_integer_kind(kind, value))
    return std::nullopt;
  return value;
}

std::optional<SettingValue> number_value(double value) {
  if (!(value > 0))
    return std::nullopt;  // rejects NaN too
  return value;
}

std::optional<SettingValue> string_value(std::string value, const Setting& setting) {
  if (setting.kind == SettingKind::choice &&
      std::find(setting.choices.begin(), setting.choices.end(), value) == setting.choices.end()) {
    return std::nullopt;
  }
  return value;
}

std::optional<SettingValue> text_list_value(const toml::array& array) {
  std::vector<std::string> words;
  for (const toml::node& element : array) {
    const auto word = element.value<std::string>();
    if (!word || !element.is_string())
      return std::nullopt;
    words.push_back(*word);
  }
  return words;
}

std::optional<SettingValue> table_value(const toml::table& table) {
  std::map<std::string, std::string> entries;
  for (const auto& [key, node] : table) {
    if (!node.is_string())
      return std::nullopt;
    entries.emplace(std::string(key.str()), *node.value<std::string>());
  }
  return entries;
}

std::optional<bool> boolean_from_text(std::string_view text) {
  for (std::string_view yes : {"true", "1", "yes", "on"}) {
    if (text == yes)
      return true;
  }
  for (std::string_view no : {"false", "0", "no", "off"}) {
    if (text == no)
      return false;
  }
  return std::nullopt;
}

template <class Number>
std::optional<Number> number_from_text(std::string_view text) {
  Number value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || text.empty())
    return std::nullopt;
  return value;
}

// Arrays and tables on a command line are TOML inline values; parsing them as
// the right-hand side of a key reuses the file's rules exactly.
std::optional<SettingValue> inline_toml_from_text(std::string_view text, const Setting& setting) {
  try {
    const toml::table wrapper = toml::parse("value = " + std::string(text));
    return value_from_toml(*wrapper.get("value"), setting);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<SettingValue> value_from_toml(const toml::node& node, const Setting& setting) {
  switch (setting.kind) {
    case SettingKind::boolean:
      if (const auto* b = node.as_boolean())
        return b->get();
      return std::nullopt;
    case SettingKind::positive_integer:
    case SettingKind::non_negative_integer:
      if (const auto* i = node.as_integer())
        return integer_value(i->get(), setting.kind);
      return std::nullopt;
    case SettingKind::positive_number:
      if (node.is_number())
        return number_value(*node.value<double>());
      return std::nullopt;
    case SettingKind::text:
    case SettingKind::path:
    case SettingKind::choice:
      if (const auto* s = node.as_string())
        return string_value(s->get(), setting);
      return std::nullopt;
    case SettingKind::text_list:
      if (const auto* a = node.as_array())
        return text_list_value(*a);
      return std::nullopt;
    case SettingKind::text_table:
      if (const auto* t = node.as_table())
        return table_value(*t);
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SettingValue> value_from_text(std::string_view text, const Setting& setting) {
  switch (setting.kind) {
    case SettingKind::boolean:
      if (const auto b = boolean_from_text(text))
        return *b;
      return std::nullopt;
    case SettingKind::positive_integer:
    case SettingKind::non_negative_integer:
      if (const auto i = number_from_text<std::int64_t>(text)) {
        return integer_value(*i, setting.kind);
      }
      return std::nullopt;
    case SettingKind::positive_number:
      if (const auto d = number_from_text<double>(text))
        return number_value(*d);
      return std::nullopt;
    case SettingKind::text:
    case SettingKind::path:
    case SettingKind::choice:
      return string_value(std::string(text), setting);
    case SettingKind::text_list:
    case SettingKind::text_table:
      return inline_toml_from_text(text, setting);
  }
  return std::nullopt;
}

std::string describe_toml(const toml::node& node) {
  // Double quotes, like the "got ..." of environment variables and flags
  // (toml++ would print a literal string in single quotes).
  if (const auto* text = node.as_string())
    return "\"" + text->get() + "\"";
  std::ostringstream out;
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

}  // namespace sbench::detail
