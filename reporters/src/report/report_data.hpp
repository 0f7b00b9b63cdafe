#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What the Markdown and HTML reports show, read out of a results document
// once so both formats show the same numbers. Absent data gives empty rows,
// which the renderers turn into "not run".
namespace sbench::reporters::detail {

// Section titles, the same in every format.
inline constexpr const char* kComprehensiveTitle = "Comprehensive benchmark (benchmark_suite)";
inline constexpr const char* kThroughputTitle = "Throughput vs agents (batching_performance)";
inline constexpr const char* kCacheTitle = "Cache save and load per size (cache_resume)";
inline constexpr const char* kMemoryTitle = "Memory per agent (memory_utilization)";
inline constexpr const char* kChecksTitle = "Measurement cross-checks";
inline constexpr const char* kNotRun = "not run";

struct Fact {
  std::string label;
  std::string value;
};

// Model, backend, quick mode, host, CPU, cores, commit, time and build.
std::vector<Fact> context_facts(const nlohmann::json& results);

struct SuiteRow {
  std::string name;
  std::string measured, skipped, errored, exit_code;
};
std::vector<SuiteRow> suite_rows(const nlohmann::json& results);

// Counters over one argument axis (agents, tokens): one row per axis value.
struct AxisTable {
  std::string axis;                  // "agents"
  std::vector<std::string> headers;  // one per value column, unit included
  struct Row {
    double axis_value = 0;
    std::vector<std::optional<double>> values;  // one per header
  };
  std::vector<Row> rows;  // by axis value

  // (axis value, value) of the column with this header where it was
  // measured, for a plot.
  std::vector<std::pair<double, double>> points(std::string_view header) const;
};

// Tokens/s, speedup over one agent, TTFT and ITL per agent count; from
// throughput_comparison, else from the sequential and batched cases.
AxisTable throughput_table(const nlohmann::json& results);
// Save and load time and rate, resume TTFT and speedup per cache size.
AxisTable cache_table(const nlohmann::json& results);
// Server RSS, growth, per-agent and KV memory per agent count.
AxisTable memory_table(const nlohmann::json& results);

// The comprehensive suite's six metrics; empty when none of them is in the run.
struct MetricRow {
  std::string name;
  std::optional<double> value;
  std::string unit;
  std::string note;  // "not run", or the error/skip reason
};
std::vector<MetricRow> comprehensive_metrics(const nlohmann::json& results);

struct TargetRow {
  std::string id, description, measured_as, op, threshold, verdict, band;
  std::optional<double> value;
};
struct TargetSummary {
  bool checked = false;  // the document has a targets section
  std::string name, file;
  std::string passed, missed, not_measured;
  std::vector<TargetRow> rows;
};
TargetSummary target_summary(const nlohmann::json& results);

// "pass", "MISS" (stands out in plain text too), "not measured".
std::string verdict_label(const std::string& verdict);

// Cases that errored or were skipped, with their reasons.
struct ProblemRow {
  std::string instance, status, message;
};
std::vector<ProblemRow> problem_rows(const nlohmann::json& results);

// Warnings the cases carry (high CV, non-finite values, a lagging client).
struct WarningRow {
  std::string instance, warning;
};
std::vector<WarningRow> warning_rows(const nlohmann::json& results);

// One case's cross-checks (docs/MEASURING.md), as the reports show them.
struct CheckRow {
  std::string instance;
  std::string token_counts;  // "server", "chunks (estimated)" or "not streamed"
  std::string usage;         // usage against stream: "ok (5)" or "2 of 5 disagree"
  std::string reuse;         // reuse by time: "ok (3)", "1 of 3 saved no time" or "not timed"
  std::string client;        // "ok" or "7 of 200 sent late"
  bool failed = false;
};
// Cases that made generations, in order.
std::vector<CheckRow> check_rows(const nlohmann::json& results);

}  // namespace sbench::reporters::detail
