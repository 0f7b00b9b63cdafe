#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace sbench::detail {

// A field that servers may or may not send; nullopt when absent or of
// another type, so a missing field never becomes a made-up zero.
template <class T>
std::optional<T> optional_field(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object())
    return std::nullopt;
  const auto found = object.find(name);
  if (found == object.end() || found->is_null())
    return std::nullopt;
  if constexpr (std::is_same_v<T, bool>) {
    if (!found->is_boolean())
      return std::nullopt;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!found->is_number())
      return std::nullopt;
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    // A negative count from a server must not wrap around to 2^64.
    if (!found->is_number_unsigned())
      return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (!found->is_number_integer())
      return std::nullopt;
  } else {
    if (!found->is_string())
      return std::nullopt;
  }
  return found->get<T>();
}

// object[name], or null when `object` is no object or lacks it: a const
// operator[] on a missing key is undefined, and a hostile server may omit any key.
const nlohmann::json& member(const nlohmann::json& object, std::string_view name);

// The message of a JSON error answer ({"error": {...}}, {"error": "..."} or
// vLLM's older {"object": "error", "message": "..."}),
// or "" when `object` is not one.
std::string error_message(const nlohmann::json& object);

}  // namespace sbench::detail
