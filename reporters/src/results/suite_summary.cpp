#include "suite_summary.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace sbench::reporters::detail {

void count_case_statuses(nlohmann::json& suite, const nlohmann::json& cases) {
  int measured = 0;
  int skipped = 0;
  int errored = 0;
  for (const nlohmann::json& entry : cases) {
    if (entry.value("suite", "") != suite.value("name", ""))
      continue;
    const std::string status = entry.value("status", "");
    measured += status == "ok";
    skipped += status == "skipped";
    errored += status == "error";
  }
  suite["measured"] = measured;
  suite["skipped"] = skipped;
  suite["errored"] = errored;
}

nlohmann::json checks_summary(const nlohmann::json& cases) {
  std::map<std::string, std::uint64_t> totals = {
      {"streams", 0},       {"estimated_streams", 0},          {"usage_mismatches", 0},
      {"resumes_timed", 0}, {"resumes_without_time_saved", 0}, {"sends", 0},
      {"late_sends", 0}};
  nlohmann::json failed = nlohmann::json::array();
  for (const nlohmann::json& entry : cases) {
    const auto checks = entry.is_object() ? entry.find("checks") : entry.end();
    if (checks == entry.end() || !checks->is_object())
      continue;
    const auto count = [&](const std::string& name) {
      const auto found = checks->find(name);
      return found != checks->end() && found->is_number_unsigned() ? found->get<std::uint64_t>()
                                                                   : std::uint64_t{0};
    };
    for (auto& [name, total] : totals)
      total += count(name);
    if (count("usage_mismatches") > 0 || count("resumes_without_time_saved") > 0)
      failed.push_back(entry.value("instance", ""));
  }
  nlohmann::json summary(totals);
  summary["failed_cases"] = std::move(failed);
  return summary;
}

}  // namespace sbench::reporters::detail
