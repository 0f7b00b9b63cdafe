#include <toml++/toml.h>

#include <set>
#include <sstream>

#include "sbench/reporters/targets.hpp"

namespace sbench::reporters {
namespace {

// Strings in double quotes, like the config's errors.
std::string describe(const toml::node& node) {
  if (const auto* text = node.as_string())
    return "\"" + text->get() + "\"";
  std::ostringstream text;
  node.visit([&](const auto& value) { text << value; });
  return text.str();
}

// Where an error is: "<file>: target[3] (cache.load_8k): op".
class EntryErrors {
 public:
  EntryErrors(const std::filesystem::path& file, std::size_t index)
      : where_(file.string() + ": target[" + std::to_string(index) + "]") {}

  void named(const std::string& id) { where_ += " (" + id + ")"; }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw TargetsError(where_ + ": " + key + ": " + message);
  }
  [[noreturn]] void expected(const std::string& key, const std::string& type,
                             const toml::node& got) const {
    fail(key, "expected " + type + ", got " + describe(got));
  }

 private:
  std::string where_;
};

std::string required_string(const toml::table& entry, const std::string& key,
                            const EntryErrors& errors) {
  const toml::node* node = entry.get(key);
  if (node == nullptr)
    errors.fail(key, "missing (expected a non-empty string)");
  if (!node->is_string() || node->value<std::string>()->empty())
    errors.expected(key, "a non-empty string", *node);
  return *node->value<std::string>();
}

std::optional<double> optional_number(const toml::table& table, const std::string& key,
                                      const std::string& shown_key, const EntryErrors& errors) {
  const toml::node* node = table.get(key);
  if (node == nullptr)
    return std::nullopt;
  if (!node->is_number())
    errors.expected(shown_key, "a number", *node);
  return node->value<double>();
}

Comparison comparison_named(const toml::node& node, const EntryErrors& errors) {
  const std::optional<std::string> text = node.value<std::string>();
  if (text == "<")
    return Comparison::less;
  if (text == "<=")
    return Comparison::less_equal;
  if (text == ">")
    return Comparison::greater;
  if (text == ">=")
    return Comparison::greater_equal;
  errors.expected("op", "one of \"<\", \"<=\", \">\", \">=\"", node);
}

std::map<std::string, std::int64_t> args_of(const toml::node& node, const EntryErrors& errors) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    errors.expected("args", "a table of integers (axis = value)", node);
  std::map<std::string, std::int64_t> args;
  for (const auto& [axis, value] : *table) {
    if (!value.is_integer())
      errors.expected("args." + std::string(axis.str()), "an integer", value);
    args[std::string(axis.str())] = *value.value<std::int64_t>();
  }
  return args;
}

Bands bands_of(const toml::node& node, const EntryErrors& errors) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    errors.expected("bands", "a table (good_min, good_max, poor_below, poor_above)", node);
  for (const auto& [key, value] : *table) {
    static const std::set<std::string, std::less<>> known = {"good_min", "good_max", "poor_below",
                                                             "poor_above"};
    if (!known.contains(key.str()))
      errors.fail("bands." + std::string(key.str()),
                  "unknown key (expected good_min, good_max, poor_below or poor_above)");
  }
  Bands bands;
  bands.good_min = optional_number(*table, "good_min", "bands.good_min", errors);
  bands.good_max = optional_number(*table, "good_max", "bands.good_max", errors);
  bands.poor_below = optional_number(*table, "poor_below", "bands.poor_below", errors);
  bands.poor_above = optional_number(*table, "poor_above", "bands.poor_above", errors);
  if (bands.empty())
    errors.fail("bands", "empty (give at least one of good_min, good_max, poor_below, poor_above)");
  return bands;
}

Target target_of(const toml::node& node, const EntryErrors& given_errors) {
  EntryErrors errors = given_errors;
  const toml::table* entry = node.as_table();
  if (entry == nullptr)
    errors.fail("entry", "expected a table, got " + describe(node));
  static const std::set<std::string, std::less<>> known = {
      "id", "description", "case", "args", "counter", "op", "threshold", "bands"};
  Target target;
  target.id = required_string(*entry, "id", errors);
  errors.named(target.id);
  for (const auto& [key, value] : *entry) {
    if (!known.contains(key.str()))
      errors.fail(std::string(key.str()), "unknown key (see docs/RESULTS.md)");
  }
  if (const toml::node* description = entry->get("description")) {
    if (!description->is_string())
      errors.expected("description", "a string", *description);
    target.description = *description->value<std::string>();
  }
  target.case_name = required_string(*entry, "case", errors);
  target.counter = required_string(*entry, "counter", errors);
  if (const toml::node* args = entry->get("args"))
    target.args = args_of(*args, errors);
  if (const toml::node* bands = entry->get("bands"))
    target.bands = bands_of(*bands, errors);
  const toml::node* op = entry->get("op");
  const std::optional<double> threshold = optional_number(*entry, "threshold", "threshold", errors);
  if (op != nullptr) {
    target.op = comparison_named(*op, errors);
    if (!threshold)
      errors.fail("threshold", "missing (an entry with op needs a number to compare with)");
    target.threshold = *threshold;
  } else if (threshold) {
    errors.fail("op", "missing (threshold needs one of \"<\", \"<=\", \">\", \">=\")");
  } else if (target.bands.empty()) {
    errors.fail("op", "missing (an entry needs op and threshold, or bands, or both)");
  }
  return target;
}

}  // namespace

TargetSet load_targets(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file))
    throw TargetsError(file.string() + ": targets file does not exist");
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    throw TargetsError(file.string() + ": invalid TOML at " + where.str() + ": " +
                       std::string(error.description()));
  }
  TargetSet set;
  set.file = file;
  for (const auto& [key, value] : root) {
    if (key.str() != "name" && key.str() != "target")
      throw TargetsError(file.string() + ": " + std::string(key.str()) +
                         ": unknown key (expected name and [[target]] entries)");
  }
  if (const toml::node* name = root.get("name")) {
    if (!name->is_string())
      throw TargetsError(file.string() + ": name: expected a string, got " + describe(*name));
    set.name = *name->value<std::string>();
  }
  const toml::node* entries = root.get("target");
  if (entries == nullptr || !entries->is_array_of_tables())
    throw TargetsError(file.string() + ": target: expected [[target]] entries");
  std::set<std::string> ids;
  std::size_t index = 0;
  for (const toml::node& entry : *entries->as_array()) {
    set.targets.push_back(target_of(entry, EntryErrors(file, index++)));
    if (!ids.insert(set.targets.back().id).second)
      throw TargetsError(file.string() + ": target[" + std::to_string(index - 1) + "] (" +
                         set.targets.back().id + "): id: used by an earlier entry");
  }
  return set;
}

}  // namespace sbench::reporters
