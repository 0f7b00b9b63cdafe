#include "sbench/reporters/case_warnings.hpp"

namespace sbench::reporters {

void print_case_warnings(std::ostream& out, const nlohmann::json& cases) {
  bool header = false;
  for (const nlohmann::json& entry : cases) {
    const auto warnings = entry.find("warnings");
    if (warnings == entry.end() || !warnings->is_array() || warnings->empty())
      continue;
    if (!header)
      out << "\nWarnings:\n";
    header = true;
    out << "  " << entry.value("instance", "?") << "\n";
    for (const nlohmann::json& warning : *warnings)
      out << "    - " << (warning.is_string() ? warning.get<std::string>() : warning.dump())
          << "\n";
  }
}

}  // namespace sbench::reporters
