#pragma once

#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sbench::runner {

// A scenario or runner file that cannot be used; the message names the file,
// the key and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file as JSON, so that scenario values can go into requests and cache
// manifests unchanged. Throws InputError with the line of a syntax error.
nlohmann::json read_toml_file(const std::filesystem::path& file);

// Reads one TOML table with errors that say where: "<file>: <key>: expected
// <what>, got <value>". Unknown keys are errors too, so a misspelt key never
// silently falls back to a default.
class TableReader {
 public:
  TableReader(std::filesystem::path file, const nlohmann::json& table, std::string prefix = {});

  bool has(std::string_view key) const;
  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  long long integer_or(std::string_view key, long long fallback, long long min,
                       long long max) const;
  double number_or(std::string_view key, double fallback, double min, double max) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  const nlohmann::json& table_or_empty(std::string_view key) const;
  const nlohmann::json& array_or_empty(std::string_view key) const;
  const nlohmann::json& value(std::string_view key) const;
  TableReader sub(std::string_view key, const nlohmann::json& table) const;
  void reject_unknown(std::initializer_list<std::string_view> known) const;

  [[noreturn]] void fail(std::string_view key, const std::string& expectation) const;
  std::string where(std::string_view key) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  const nlohmann::json& table_;
  std::string prefix_;
};

std::string describe_json(const nlohmann::json& value);

}  // namespace sbench::runner
