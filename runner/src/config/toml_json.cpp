#include "config/toml_json.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

namespace sbench::runner {
namespace {

nlohmann::json to_json(const toml::node& node) {
  if (const toml::table* table = node.as_table()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : *table)
      object[std::string(key.str())] = to_json(value);
    return object;
  }
  if (const toml::array* array = node.as_array()) {
    nlohmann::json items = nlohmann::json::array();
    for (const toml::node& item : *array)
      items.push_back(to_json(item));
    return items;
  }
  if (auto text = node.value_exact<std::string>())
    return *text;
  if (auto integer = node.value_exact<std::int64_t>())
    return *integer;
  if (auto number = node.value_exact<double>())
    return *number;
  if (auto flag = node.value_exact<bool>())
    return *flag;
  // Dates and times have no JSON type; their TOML spelling keeps them exact.
  std::ostringstream text;
  node.visit([&text](const auto& concrete) { text << concrete; });
  return text.str();
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace

nlohmann::json read_toml_file(const std::filesystem::path& file) {
  try {
    return to_json(toml::parse_file(file.string()));
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    throw InputError(file.string() + ": invalid TOML at " + where.str() + ": " +
                     std::string(error.description()));
  }
}

std::string describe_json(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60)
    text = text.substr(0, 57) + "...";
  const char* type = value.is_string()    ? "a string"
                     : value.is_boolean() ? "a boolean"
                     : value.is_number()  ? "a number"
                     : value.is_array()   ? "an array"
                     : value.is_object()  ? "a table"
                                          : "nothing";
  return std::string(type) + " (" + text + ")";
}

TableReader::TableReader(std::filesystem::path file, const nlohmann::json& table,
                         std::string prefix)
    : file_(std::move(file)), table_(table), prefix_(std::move(prefix)) {}

std::string TableReader::where(std::string_view key) const {
  return file_.string() + ": " + prefix_ + std::string(key);
}

void TableReader::fail(std::string_view key, const std::string& expectation) const {
  std::string message = where(key) + ": expected " + expectation;
  if (has(key))
    message += ", got " + describe_json(table_.at(std::string(key)));
  throw InputError(message);
}

bool TableReader::has(std::string_view key) const {
  return table_.is_object() && table_.contains(std::string(key));
}

const nlohmann::json& TableReader::value(std::string_view key) const {
  if (!has(key))
    throw InputError(where(key) + ": missing (it is required)");
  return table_.at(std::string(key));
}

std::string TableReader::string(std::string_view key) const {
  const nlohmann::json& found = value(key);
  if (!found.is_string() || found.get_ref<const std::string&>().empty())
    fail(key, "a non-empty string");
  return found.get<std::string>();
}

std::string TableReader::string_or(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : fallback;
}

long long TableReader::integer_or(std::string_view key, long long fallback, long long min,
                                  long long max) const {
  if (!has(key))
    return fallback;
  const nlohmann::json& found = table_.at(std::string(key));
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!found.is_number_integer())
    fail(key, range);
  const long long number = found.get<long long>();
  if (number < min || number > max)
    fail(key, range);
  return number;
}

double TableReader::number_or(std::string_view key, double fallback, double min, double max) const {
  if (!has(key))
    return fallback;
  const nlohmann::json& found = table_.at(std::string(key));
  // Written this way round, NaN fails too.
  if (!found.is_number() || !(found.get<double>() >= min && found.get<double>() <= max))
    fail(key, "a number from " + number_text(min) + " to " + number_text(max));
  return found.get<double>();
}

bool TableReader::boolean_or(std::string_view key, bool fallback) const {
  if (!has(key))
    return fallback;
  const nlohmann::json& found = table_.at(std::string(key));
  if (!found.is_boolean())
    fail(key, "true or false");
  return found.get<bool>();
}

const nlohmann::json& TableReader::table_or_empty(std::string_view key) const {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!has(key))
    return empty;
  const nlohmann::json& found = table_.at(std::string(key));
  if (!found.is_object())
    fail(key, "a table");
  return found;
}

const nlohmann::json& TableReader::array_or_empty(std::string_view key) const {
  static const nlohmann::json empty = nlohmann::json::array();
  if (!has(key))
    return empty;
  const nlohmann::json& found = table_.at(std::string(key));
  if (!found.is_array())
    fail(key, "an array");
  return found;
}

TableReader TableReader::sub(std::string_view key, const nlohmann::json& table) const {
  return TableReader(file_, table, prefix_ + std::string(key) + ".");
}

void TableReader::reject_unknown(std::initializer_list<std::string_view> known) const {
  if (!table_.is_object())
    return;
  for (const auto& [key, value] : table_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (std::string_view name : known)
        names += (names.empty() ? "" : ", ") + std::string(name);
      throw InputError(where(key) + ": unknown key (known here: " + names + ")");
    }
  }
}

}  // namespace sbench::runner
