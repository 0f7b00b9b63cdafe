#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sbench::reporters {

// A targets file that cannot be used, naming the file, the entry, the key and
// what was expected.
class TargetsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Comparison { less, less_equal, greater, greater_equal };

// How good a value is beyond pass/miss (the "Interpreting Results" bands).
// Poor wins over good; a value in neither is fair.
struct Bands {
  std::optional<double> good_min;
  std::optional<double> good_max;
  std::optional<double> poor_below;
  std::optional<double> poor_above;

  bool empty() const { return !good_min && !good_max && !poor_below && !poor_above; }
};

// One `[[target]]` of a targets file (format in docs/RESULTS.md).
struct Target {
  std::string id;
  std::string description;
  std::string case_name;
  std::map<std::string, std::int64_t> args;  // empty: every instance of the case
  std::string counter;
  std::optional<Comparison> op;  // absent: a band-only entry
  double threshold = 0;
  Bands bands;
};

struct TargetSet {
  std::filesystem::path file;
  std::string name;
  std::vector<Target> targets;
};

// Throws TargetsError.
TargetSet load_targets(const std::filesystem::path& file);

}  // namespace sbench::reporters
