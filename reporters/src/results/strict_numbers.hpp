#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbench::reporters::detail {

// Strict JSON has no NaN or Infinity: such a value becomes null, and the
// case gets a warning saying which value it was.
class StrictNumbers {
 public:
  nlohmann::json operator()(double value, const std::string& what);
  const std::vector<std::string>& warnings() const { return warnings_; }
  void warn(std::string warning);

 private:
  std::vector<std::string> warnings_;
};

}  // namespace sbench::reporters::detail
