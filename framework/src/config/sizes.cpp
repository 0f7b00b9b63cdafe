#include "sbench/sizes.hpp"

#include <limits>

#include "sbench/config.hpp"

namespace sbench {

std::string_view SizeValue::kind() const {
  switch (value_.index()) {
    case 0:
      return "an integer";
    case 1:
      return "an array of integers";
    default:
      return "a string";
  }
}

const SizeValue& Sizes::find(std::string_view key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) {
    throw ConfigError("size '" + std::string(key) +
                      "' is not defined: set it under [sizes] and [quick] in sbench.toml, or "
                      "declare a default with sbench::declare_default_sizes()");
  }
  return found->second;
}

namespace {

[[noreturn]] void wrong_kind(std::string_view key, const SizeValue& value,
                             std::string_view wanted) {
  throw ConfigError("size '" + std::string(key) + "' is " + std::string(value.kind()) + ", not " +
                    std::string(wanted));
}

}  // namespace

template <>
SizeValue Sizes::get<SizeValue>(std::string_view key) const {
  return find(key);
}

template <>
std::int64_t Sizes::get<std::int64_t>(std::string_view key) const {
  const SizeValue& value = find(key);
  if (const auto* number = std::get_if<std::int64_t>(&value.value()))
    return *number;
  wrong_kind(key, value, "an integer");
}

template <>
int Sizes::get<int>(std::string_view key) const {
  const std::int64_t number = get<std::int64_t>(key);
  if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
    throw ConfigError("size '" + std::string(key) + "' is out of range for an int");
  return static_cast<int>(number);
}

template <>
std::vector<std::int64_t> Sizes::get<std::vector<std::int64_t>>(std::string_view key) const {
  const SizeValue& value = find(key);
  if (const auto* numbers = std::get_if<std::vector<std::int64_t>>(&value.value()))
    return *numbers;
  if (const auto* number = std::get_if<std::int64_t>(&value.value()))
    return {*number};
  wrong_kind(key, value, "an array of integers");
}

template <>
std::string Sizes::get<std::string>(std::string_view key) const {
  const SizeValue& value = find(key);
  if (const auto* text = std::get_if<std::string>(&value.value()))
    return *text;
  wrong_kind(key, value, "a string");
}

namespace {

DefaultSizes& default_sizes() {
  static DefaultSizes sizes;  // filled during static initialisation, in any order
  return sizes;
}

}  // namespace

bool declare_default_sizes(const Sizes::Table& full, const Sizes::Table& quick) {
  for (const auto& [key, value] : full)
    default_sizes().full.set(key, value);
  for (const auto& [key, value] : quick)
    default_sizes().quick.set(key, value);
  return true;
}

const DefaultSizes& declared_default_sizes() {
  return default_sizes();
}

}  // namespace sbench
