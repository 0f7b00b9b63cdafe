#include "sbench/markers.hpp"

namespace sbench {

void require_declared(const MarkerSet& used, const MarkerSet& declared, std::string_view user) {
  for (const std::string& marker : used) {
    if (declared.contains(marker))
      continue;
    std::string known;
    for (const std::string& name : declared)
      known += (known.empty() ? "" : ", ") + name;
    throw MarkerError(std::string(user) + " uses undeclared marker '" + marker +
                      "' (declared: " + known + "; declare it under [markers] in sbench.toml)");
  }
}

}  // namespace sbench
