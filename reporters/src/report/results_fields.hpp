#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// Tolerant reads of a results document: a field that is missing or of the
// wrong type reads as "absent", so a report of a half-broken run still renders.
namespace sbench::reporters::detail {

// The field when `object` is an object holding it, else nullptr.
const nlohmann::json* field(const nlohmann::json& object, std::string_view key);

std::optional<double> number_at(const nlohmann::json& object, std::string_view key);

// Strings as they are, numbers and booleans as text; "" when absent or null.
std::string text_at(const nlohmann::json& object, std::string_view key);

// The array (or object) at `key`, or an empty one.
const nlohmann::json& array_at(const nlohmann::json& object, std::string_view key);
const nlohmann::json& object_at(const nlohmann::json& object, std::string_view key);

}  // namespace sbench::reporters::detail
