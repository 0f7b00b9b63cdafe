#include "sbench/reporters/target_evaluation.hpp"

namespace sbench::reporters {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json result_json(const TargetResult& result) {
  const Target& target = *result.target;
  nlohmann::json args = nlohmann::json::object();
  for (const auto& [axis, value] : target.args)
    args[axis] = value;
  return {
      {"id", target.id},
      {"description", target.description},
      {"case", target.case_name},
      {"args", args},
      {"instance", or_null(result.instance)},
      {"counter", target.counter},
      {"op", target.op ? nlohmann::json(to_string(*target.op)) : nlohmann::json(nullptr)},
      {"threshold", target.op ? nlohmann::json(target.threshold) : nlohmann::json(nullptr)},
      {"value", or_null(result.value)},
      {"verdict", to_string(result.verdict)},
      {"band", result.band ? nlohmann::json(to_string(*result.band)) : nlohmann::json(nullptr)}};
}

}  // namespace

nlohmann::json to_json(const TargetReport& report) {
  nlohmann::json results = nlohmann::json::array();
  for (const TargetResult& result : report.results)
    results.push_back(result_json(result));
  return {{"file", report.set->file.string()},
          {"name", report.set->name},
          {"passed", report.count(Verdict::pass)},
          {"missed", report.count(Verdict::miss)},
          {"not_measured", report.count(Verdict::not_measured)},
          {"results", results}};
}

}  // namespace sbench::reporters
