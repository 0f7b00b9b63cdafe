#include <nlohmann/json.hpp>

#include "report/number_format.hpp"
#include "report/report_data.hpp"
#include "sbench/reporters/markdown_table.hpp"
#include "sbench/reporters/report.hpp"

namespace sbench::reporters {
namespace {

using namespace detail;

std::string cell(const std::optional<double>& value) {
  return value ? format_number(*value) : "—";
}

std::string not_run() {
  return std::string("_") + kNotRun + "_\n";
}

std::string section(const std::string& title, const std::string& body) {
  return "\n## " + escape_markdown_cell(title) + "\n\n" + body;
}

std::string context_section(const nlohmann::json& results) {
  MarkdownTable table({"", ""});
  for (const Fact& fact : context_facts(results))
    table.add_row({fact.label, fact.value});
  return section("Run", table.render());
}

std::string suites_section(const nlohmann::json& results) {
  const std::vector<SuiteRow> suites = suite_rows(results);
  if (suites.empty())
    return section("Suites", "_no suite recorded_\n");
  MarkdownTable table({"suite", "measured", "skipped", "errored", "exit code"});
  for (const SuiteRow& suite : suites)
    table.add_row({suite.name, suite.measured, suite.skipped, suite.errored, suite.exit_code});
  return section("Suites", table.render());
}

std::string comprehensive_section(const nlohmann::json& results) {
  const std::vector<MetricRow> metrics = comprehensive_metrics(results);
  if (metrics.empty())
    return section(kComprehensiveTitle, not_run());
  MarkdownTable table({"metric", "value", "unit", "note"});
  for (const MetricRow& metric : metrics)
    table.add_row({metric.name, cell(metric.value), metric.unit, metric.note});
  return section(kComprehensiveTitle, table.render());
}

std::string axis_section(const std::string& title, const AxisTable& data) {
  if (data.rows.empty())
    return section(title, not_run());
  std::vector<std::string> headers = {data.axis};
  headers.insert(headers.end(), data.headers.begin(), data.headers.end());
  MarkdownTable table(headers);
  for (const AxisTable::Row& row : data.rows) {
    std::vector<std::string> cells = {format_number(row.axis_value)};
    for (const auto& value : row.values)
      cells.push_back(cell(value));
    table.add_row(cells);
  }
  return section(title, table.render());
}

std::string targets_section(const nlohmann::json& results) {
  const TargetSummary targets = target_summary(results);
  if (!targets.checked)
    return section("Targets", "_no target check in this run_\n");
  std::string body = targets.passed + " passed, " + targets.missed + " missed, " +
                     targets.not_measured + " not measured";
  if (!targets.file.empty())
    body += " (`" + targets.file + "`)";
  body += "\n\n";
  MarkdownTable table(
      {"target", "measured as", "value", "threshold", "verdict", "band", "description"});
  for (const TargetRow& target : targets.rows) {
    table.add_row({target.id, target.measured_as, cell(target.value),
                   target.op + " " + target.threshold, verdict_label(target.verdict), target.band,
                   target.description});
  }
  return section("Targets: " + (targets.name.empty() ? "unnamed" : targets.name),
                 body + table.render());
}

std::string problems_section(const nlohmann::json& results) {
  const std::vector<ProblemRow> problems = problem_rows(results);
  if (problems.empty())
    return section("Errors and skips", "_none_\n");
  MarkdownTable table({"case", "status", "reason"});
  for (const ProblemRow& problem : problems)
    table.add_row({problem.instance, problem.status, problem.message});
  return section("Errors and skips", table.render());
}

std::string warnings_section(const nlohmann::json& results) {
  const std::vector<WarningRow> warnings = warning_rows(results);
  if (warnings.empty())
    return section("Warnings", "_none_\n");
  MarkdownTable table({"case", "warning"});
  for (const WarningRow& warning : warnings)
    table.add_row({warning.instance, warning.warning});
  return section("Warnings", table.render());
}

std::string checks_section(const nlohmann::json& results) {
  const std::vector<CheckRow> rows = check_rows(results);
  if (rows.empty())
    return section(kChecksTitle, "_no generations_\n");
  MarkdownTable table({"case", "token counts", "usage vs stream", "reuse by time", "client"});
  std::size_t failed = 0;
  for (const CheckRow& row : rows) {
    failed += row.failed ? 1 : 0;
    table.add_row({row.instance, row.token_counts, row.usage, row.reuse, row.client});
  }
  const std::string verdict =
      failed == 0
          ? "Every cross-check held.\n\n"
          : "**" + std::to_string(failed) + " case(s) failed a cross-check**: see Warnings.\n\n";
  return section(kChecksTitle, verdict + table.render());
}

}  // namespace

std::string markdown_report(const nlohmann::json& results) {
  return "# semantic-bench report\n" + context_section(results) + suites_section(results) +
         targets_section(results) + comprehensive_section(results) +
         axis_section(kThroughputTitle, throughput_table(results)) +
         axis_section(kCacheTitle, cache_table(results)) +
         axis_section(kMemoryTitle, memory_table(results)) + checks_section(results) +
         problems_section(results) + warnings_section(results);
}

}  // namespace sbench::reporters
