#include "strict_numbers.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sbench::reporters::detail {

nlohmann::json StrictNumbers::operator()(double value, const std::string& what) {
  if (std::isfinite(value))
    return value;
  std::ostringstream warning;
  warning << "non-finite " << what << " (" << value << ") written as null";
  warn(warning.str());
  return nullptr;
}

void StrictNumbers::warn(std::string warning) {
  if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end())
    warnings_.push_back(std::move(warning));
}

}  // namespace sbench::reporters::detail
