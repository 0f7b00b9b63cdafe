#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sbench {

// One problem size: an integer, a list of integers or a string.
class SizeValue {
 public:
  using Variant = std::variant<std::int64_t, std::vector<std::int64_t>, std::string>;

  SizeValue(int value) : value_(std::int64_t{value}) {}  // NOLINT: sizes read as literals
  SizeValue(std::int64_t value) : value_(value) {}       // NOLINT
  SizeValue(std::initializer_list<std::int64_t> values)
      : value_(std::vector<std::int64_t>(values)) {}
  SizeValue(std::vector<std::int64_t> values) : value_(std::move(values)) {}  // NOLINT
  SizeValue(std::string text) : value_(std::move(text)) {}                    // NOLINT
  SizeValue(const char* text) : value_(std::string(text)) {}                  // NOLINT

  const Variant& value() const { return value_; }
  // "an integer", "an array of integers", "a string": for error messages.
  std::string_view kind() const;
  bool operator==(const SizeValue&) const = default;

 private:
  Variant value_;
};

// The problem sizes of one run mode, by name: a suite's own keys, from its
// declared defaults (declare_default_sizes), then the [sizes] or [quick] table
// of sbench.toml, then SEMANTIC_BENCHMARK_SIZES_<KEY> / _QUICK_<KEY> and
// --sbench-sizes-<key> / --sbench-quick-<key>.
class Sizes {
 public:
  using Table = std::map<std::string, SizeValue, std::less<>>;

  Sizes() = default;
  Sizes(Table values) : values_(std::move(values)) {}  // NOLINT: a table is a set of sizes

  // The size named `key` as T: int, std::int64_t, std::vector<std::int64_t>
  // (a single integer reads as a list of one), std::string or SizeValue. Throws
  // ConfigError naming the key when it is not defined or has another type.
  template <class T>
  T get(std::string_view key) const;

  void set(std::string key, SizeValue value) {
    values_.insert_or_assign(std::move(key), std::move(value));
  }
  const Table& values() const { return values_; }

 private:
  const SizeValue& find(std::string_view key) const;

  Table values_;
};

template <>
SizeValue Sizes::get<SizeValue>(std::string_view key) const;
template <>
std::int64_t Sizes::get<std::int64_t>(std::string_view key) const;
template <>
int Sizes::get<int>(std::string_view key) const;
template <>
std::vector<std::int64_t> Sizes::get<std::vector<std::int64_t>>(std::string_view key) const;
template <>
std::string Sizes::get<std::string>(std::string_view key) const;

// A suite's own sizes and their quick-mode values, declared next to its cases
// so that sbench.toml only overrides them:
//
//   [[maybe_unused]] static const bool sizes = sbench::declare_default_sizes(
//       {{"prompt_tokens", {64, 256}}, {"iterations", 5}},     // full runs
//       {{"prompt_tokens", {16}}, {"iterations", 1}});          // quick runs
//
// Declarations from several files merge; returns true.
bool declare_default_sizes(const Sizes::Table& full, const Sizes::Table& quick);

struct DefaultSizes {
  Sizes full;
  Sizes quick;
};
// What declare_default_sizes() gathered in this executable.
const DefaultSizes& declared_default_sizes();

}  // namespace sbench
