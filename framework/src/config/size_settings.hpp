#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sbench/config.hpp"

namespace sbench::detail {

// [sizes] and [quick] take any key: a suite names its own sizes.
// `table` is "sizes" or "quick". Throws ConfigError naming the file and key
// for a value that is not an integer, an array of integers or a string.
void apply_size_table(const std::filesystem::path& file, const std::string& table,
                      const toml::table& values, Config& config);

// A size set from outside the file: SEMANTIC_BENCHMARK_SIZES_<KEY> or
// SEMANTIC_BENCHMARK_QUICK_<KEY>, --sbench-sizes-<key> or --sbench-quick-<key>.
struct SizeOverride {
  Sizes Config::*sizes;
  std::string key;  // lower case, '_' between words
};
std::optional<SizeOverride> size_override_from_environment(std::string_view variable);
std::optional<SizeOverride> size_override_from_flag(std::string_view flag);

// Text as TOML reads it when it is an integer (`4`), an array of integers
// (`[1, 3, 5]`) or a quoted string; any other text is the string itself
// (`tiny`). Throws ConfigError with `origin` for an array of non-integers.
SizeValue size_from_text(std::string_view text, const std::string& origin);

}  // namespace sbench::detail
