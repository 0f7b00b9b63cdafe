#include "suite_summary.hpp"

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

}  // namespace sbench::reporters::detail
