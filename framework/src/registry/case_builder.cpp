#include <deque>

#include "sbench/case.hpp"

namespace sbench {
namespace {

// Deques: SBENCH_CASE keeps references to its definition and builder while
// more cases register.
std::deque<CaseDefinition>& definitions() {
  static std::deque<CaseDefinition> all;
  return all;
}

std::deque<CaseBuilder>& builders() {
  static std::deque<CaseBuilder> all;
  return all;
}

}  // namespace

CaseBuilder& register_case(std::string name, const char* file, int line) {
  CaseDefinition& definition = definitions().emplace_back();
  definition.name = std::move(name);
  definition.defined_at = std::string(file) + ":" + std::to_string(line);
  return builders().emplace_back(definition);
}

std::vector<CaseDefinition> registered_cases() {
  return {definitions().begin(), definitions().end()};
}

CaseBuilder& CaseBuilder::markers(std::initializer_list<std::string_view> names) {
  definition_.markers.insert(names.begin(), names.end());
  return *this;
}

CaseBuilder& CaseBuilder::arg(std::string name, std::vector<std::int64_t> values) {
  definition_.axes.push_back(
      {std::move(name), [values = std::move(values)](const Config&) { return values; }});
  return *this;
}

CaseBuilder& CaseBuilder::arg(std::string name, std::vector<std::int64_t> Sizes::*sizes) {
  definition_.axes.push_back(
      {std::move(name), [sizes](const Config& config) { return config.sizes().*sizes; }});
  return *this;
}

CaseBuilder& CaseBuilder::manual_time() {
  definition_.manual_time = true;
  return *this;
}

CaseBuilder& CaseBuilder::tune(CaseTuning tuning) {
  definition_.tunings.push_back(std::move(tuning));
  return *this;
}

}  // namespace sbench
