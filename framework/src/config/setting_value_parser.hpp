#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

#include "setting.hpp"

namespace sbench::detail {

// Both return nullopt when the value does not fit `setting.expected()`.
std::optional<SettingValue> value_from_toml(const toml::node& node, const Setting& setting);

// Environment variables and flags: scalars are written bare (`4`, `true`,
// `tiny`); arrays and tables as TOML inline values (`[1, 3, 5]`,
// `{ OMP_NUM_THREADS = "4" }`).
std::optional<SettingValue> value_from_text(std::string_view text, const Setting& setting);

// How a value looked in the file, for "got ..." in error messages.
std::string describe_toml(const toml::node& node);

}  // namespace sbench::detail
