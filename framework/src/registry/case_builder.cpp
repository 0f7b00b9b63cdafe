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

CaseBuilder& CaseBuilder::arg(std::string name, std::string_view size) {
  definition_.axes.push_back({std::move(name), [size = std::string(size)](const Config& config) {
                                return config.size<std::vector<std::int64_t>>(size);
                              }});
  return *this;
}

CaseBuilder& CaseBuilder::sizes(std::initializer_list<std::string_view> names) {
  definition_.sizes.insert(definition_.sizes.end(), names.begin(), names.end());
  return *this;
}

CaseBuilder& CaseBuilder::manual_time() {
  definition_.manual_time = true;
  return *this;
}

CaseBuilder& CaseBuilder::iterations(std::int64_t count) {
  return tune([count](CaseTuning& tuning, const Config&) { tuning.iterations = count; });
}

CaseBuilder& CaseBuilder::iterations(std::string_view size) {
  definition_.sizes.emplace_back(size);
  return tune([size = std::string(size)](CaseTuning& tuning, const Config& config) {
    tuning.iterations = config.size<std::int64_t>(size);
  });
}

CaseBuilder& CaseBuilder::tune(CaseTuner tuner) {
  definition_.tuners.push_back(std::move(tuner));
  return *this;
}

CaseTuning CaseDefinition::tuning(const Config& config) const {
  CaseTuning tuning;
  for (const CaseTuner& tuner : tuners)
    tuner(tuning, config);
  return tuning;
}

}  // namespace sbench
