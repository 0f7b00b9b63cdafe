#include "case_listing.hpp"

#include <sstream>

namespace sbench::detail {
namespace {

std::string joined(const MarkerSet& markers) {
  std::string text;
  for (const std::string& marker : markers)
    text += (text.empty() ? "" : ",") + marker;
  return text;
}

const CaseDefinition* case_of(std::string_view instance,
                              const std::vector<const CaseDefinition*>& cases) {
  const std::string_view family = instance.substr(0, instance.find('/'));
  for (const CaseDefinition* definition : cases) {
    if (definition->name == family)
      return definition;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> list_case_instances(const std::vector<const CaseDefinition*>& cases) {
  // Google Benchmark alone knows how it names instances (args, /real_time,
  // /repeats:N, ...); in list mode it writes them to the display reporter's
  // stream, so we read them from there.
  std::ostringstream names;
  benchmark::ConsoleReporter reporter;
  reporter.SetOutputStream(&names);
  benchmark::RunSpecifiedBenchmarks(&reporter);

  std::vector<std::string> lines;
  std::istringstream read_back(names.str());
  for (std::string instance; std::getline(read_back, instance);) {
    const CaseDefinition* definition = case_of(instance, cases);
    lines.push_back(instance + "\t" + (definition ? joined(definition->markers) : ""));
  }
  return lines;
}

}  // namespace sbench::detail
