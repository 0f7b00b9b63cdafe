#include "size_settings.hpp"

#include <cctype>

#include "setting_value_parser.hpp"

namespace sbench::detail {
namespace {

std::optional<SizeValue> size_from_toml(const toml::node& node) {
  if (const auto* integer = node.as_integer())
    return SizeValue(integer->get());
  if (const auto* text = node.as_string())
    return SizeValue(text->get());
  const auto* array = node.as_array();
  if (array == nullptr)
    return std::nullopt;
  std::vector<std::int64_t> values;
  for (const toml::node& element : *array) {
    const auto* integer = element.as_integer();
    if (integer == nullptr)
      return std::nullopt;
    values.push_back(integer->get());
  }
  return SizeValue(std::move(values));
}

// The key as sbench.toml spells it: lower case, '_' between words.
std::string key_of(std::string_view name) {
  std::string key;
  for (char c : name)
    key += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

// `prefix` + "SIZES_" or "QUICK_" (in `sizes_word` / `quick_word` spelling) + key.
std::optional<SizeOverride> size_override(std::string_view name, std::string_view prefix,
                                          std::string_view sizes_word,
                                          std::string_view quick_word) {
  if (!name.starts_with(prefix))
    return std::nullopt;
  name.remove_prefix(prefix.size());
  Sizes Config::*sizes = nullptr;
  if (name.starts_with(sizes_word)) {
    sizes = &Config::full_sizes;
    name.remove_prefix(sizes_word.size());
  } else if (name.starts_with(quick_word)) {
    sizes = &Config::quick_sizes;
    name.remove_prefix(quick_word.size());
  } else {
    return std::nullopt;
  }
  if (name.empty())
    return std::nullopt;
  return SizeOverride{sizes, key_of(name)};
}

}  // namespace

void apply_size_table(const std::filesystem::path& file, const std::string& table,
                      const toml::table& values, Config& config) {
  Sizes& sizes = table == "quick" ? config.quick_sizes : config.full_sizes;
  for (const auto& [key, node] : values) {
    std::optional<SizeValue> value = size_from_toml(node);
    if (!value) {
      throw ConfigError(file.string() + ": " + table + "." + std::string(key.str()) +
                        ": expected an integer, an array of integers or a string, got " +
                        describe_toml(node));
    }
    sizes.set(std::string(key.str()), std::move(*value));
  }
}

std::optional<SizeOverride> size_override_from_environment(std::string_view variable) {
  return size_override(variable, "SEMANTIC_BENCHMARK_", "SIZES_", "QUICK_");
}

std::optional<SizeOverride> size_override_from_flag(std::string_view flag) {
  return size_override(flag, "--sbench-", "sizes-", "quick-");
}

SizeValue size_from_text(std::string_view text, const std::string& origin) {
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + std::string(text));
  } catch (const toml::parse_error&) {
    return SizeValue(std::string(text));  // bare text: a string
  }
  const toml::node* node = parsed.get("value");
  if (node == nullptr)
    return SizeValue(std::string(text));
  if (std::optional<SizeValue> value = size_from_toml(*node))
    return std::move(*value);
  throw ConfigError(origin + ": expected an integer, an array of integers or a string, got \"" +
                    std::string(text) + "\"");
}

}  // namespace sbench::detail
