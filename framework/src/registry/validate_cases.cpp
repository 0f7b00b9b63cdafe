#include <cctype>
#include <set>

#include "registry/case_registration.hpp"

namespace sbench {
namespace {

// The name becomes part of a regex filter and of CTest test names, so it is
// kept to characters that mean nothing special to either.
bool is_case_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  }
  return true;
}

}  // namespace

void validate_cases(const std::vector<CaseDefinition>& cases, const Config& config) {
  MarkerSet declared;
  for (const auto& [marker, description] : config.markers)
    declared.insert(marker);
  std::set<std::string_view> seen;
  for (const CaseDefinition& definition : cases) {
    const std::string who = "case " + definition.name + " (" + definition.defined_at + ")";
    if (!is_case_name(definition.name)) {
      throw std::invalid_argument(who + ": a case name is letters, digits and '_'");
    }
    if (!seen.insert(definition.name).second) {
      throw std::invalid_argument(who + ": another case has the same name");
    }
    if (!definition.body)
      throw std::invalid_argument(who + ": no .run(...) body");
    require_declared(definition.markers, declared, who);
    // Sizes fail here, before anything runs, not in the middle of a run.
    try {
      for (const std::string& size : definition.sizes)
        (void)config.size<SizeValue>(size);
      for (const CaseAxis& axis : definition.axes)
        (void)axis.values(config);
      (void)definition.tuning(config);
    } catch (const ConfigError& error) {
      throw ConfigError(who + ": " + error.what());
    }
  }
}

}  // namespace sbench
