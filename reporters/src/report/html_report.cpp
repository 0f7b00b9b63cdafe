#include <nlohmann/json.hpp>

#include "report/number_format.hpp"
#include "report/report_data.hpp"
#include "report/svg_chart.hpp"
#include "sbench/reporters/html_escape.hpp"
#include "sbench/reporters/report.hpp"

namespace sbench::reporters {
namespace {

using namespace detail;

constexpr const char* kStyle = R"(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1200px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.pass td.verdict { background: #d9f2dc; color: #185c22; font-weight: 600; }
tr.miss td.verdict { background: #fadcdc; color: #8a1414; font-weight: 600; }
tr.failed td { background: #fadcdc; }
tr.not-measured td.verdict { background: #eeeeee; color: #555; }
p.not-run, p.none { color: #777; font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { border: 1px solid #e3e3e3; background: #fff; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #333; }
svg.chart .chart-title { font-size: 15px; font-weight: 600; }
svg.chart .axis-title { font-size: 13px; }
svg.chart .no-data { font-size: 16px; fill: #999; }
svg.chart .grid { stroke: #eee; }
svg.chart .axis, svg.chart .tick-mark { stroke: #444; }
)";

std::string number_cell(const std::optional<double>& value) {
  return "<td class=\"num\">" + (value ? format_number(*value) : std::string("—")) + "</td>";
}

std::string text_cell(const std::string& text) {
  return "<td>" + escape_html(text) + "</td>";
}

std::string header_row(const std::vector<std::string>& headers) {
  std::string row = "<tr>";
  for (const std::string& header : headers)
    row += "<th>" + escape_html(header) + "</th>";
  return row + "</tr>\n";
}

std::string section(const std::string& title, const std::string& body) {
  return "<section>\n<h2>" + escape_html(title) + "</h2>\n" + body + "</section>\n";
}

std::string placeholder(const char* css_class, const std::string& text) {
  return "<p class=\"" + std::string(css_class) + "\">" + escape_html(text) + "</p>\n";
}

std::string context_section(const nlohmann::json& results) {
  std::string table = "<table class=\"facts\">\n";
  for (const Fact& fact : context_facts(results))
    table += "<tr><th>" + escape_html(fact.label) + "</th>" + text_cell(fact.value) + "</tr>\n";
  return section("Run", table + "</table>\n");
}

std::string suites_section(const nlohmann::json& results) {
  const std::vector<SuiteRow> suites = suite_rows(results);
  if (suites.empty())
    return section("Suites", placeholder("none", "no suite recorded"));
  std::string table =
      "<table>\n" + header_row({"suite", "measured", "skipped", "errored", "exit code"});
  for (const SuiteRow& suite : suites) {
    table += "<tr>" + text_cell(suite.name) + text_cell(suite.measured) + text_cell(suite.skipped) +
             text_cell(suite.errored) + text_cell(suite.exit_code) + "</tr>\n";
  }
  return section("Suites", table + "</table>\n");
}

// The verdict's CSS class comes from a fixed set, never from the document's text.
const char* verdict_class(const std::string& verdict) {
  if (verdict == "pass")
    return "pass";
  if (verdict == "miss")
    return "miss";
  return "not-measured";
}

std::string targets_section(const nlohmann::json& results) {
  const TargetSummary targets = target_summary(results);
  if (!targets.checked)
    return section("Targets", placeholder("none", "no target check in this run"));
  std::string body = "<p class=\"summary\">" + escape_html(targets.passed) + " passed, " +
                     escape_html(targets.missed) + " missed, " + escape_html(targets.not_measured) +
                     " not measured";
  if (!targets.file.empty())
    body += " (<code>" + escape_html(targets.file) + "</code>)";
  body +=
      "</p>\n<table class=\"targets\">\n" +
      header_row({"target", "measured as", "value", "threshold", "verdict", "band", "description"});
  for (const TargetRow& target : targets.rows) {
    body += "<tr class=\"" + std::string(verdict_class(target.verdict)) + "\">" +
            text_cell(target.id) + text_cell(target.measured_as) + number_cell(target.value) +
            text_cell(target.op + " " + target.threshold) + "<td class=\"verdict\">" +
            escape_html(verdict_label(target.verdict)) + "</td>" + text_cell(target.band) +
            text_cell(target.description) + "</tr>\n";
  }
  return section("Targets: " + (targets.name.empty() ? "unnamed" : targets.name),
                 body + "</table>\n");
}

std::string comprehensive_section(const nlohmann::json& results) {
  const std::vector<MetricRow> metrics = comprehensive_metrics(results);
  if (metrics.empty())
    return section(kComprehensiveTitle, placeholder("not-run", kNotRun));
  std::string table = "<table>\n" + header_row({"metric", "value", "unit", "note"});
  for (const MetricRow& metric : metrics) {
    table += "<tr>" + text_cell(metric.name) + number_cell(metric.value) + text_cell(metric.unit) +
             text_cell(metric.note) + "</tr>\n";
  }
  return section(kComprehensiveTitle, table + "</table>\n");
}

std::string axis_table(const AxisTable& data) {
  std::vector<std::string> headers = {data.axis};
  headers.insert(headers.end(), data.headers.begin(), data.headers.end());
  std::string table = "<table>\n" + header_row(headers);
  for (const AxisTable::Row& row : data.rows) {
    table += "<tr>" + number_cell(row.axis_value);
    for (const auto& value : row.values)
      table += number_cell(value);
    table += "</tr>\n";
  }
  return table + "</table>\n";
}

// One chart: its title, y axis title and the headers of the table columns it plots.
struct ChartSpec {
  std::string title;
  std::string y_label;
  std::vector<std::string> columns;
};

std::string axis_section(const std::string& title, const AxisTable& data,
                         const std::string& x_label, const std::vector<ChartSpec>& charts) {
  std::string body = "<div class=\"charts\">\n";
  for (const ChartSpec& spec : charts) {
    LineChart chart{spec.title, x_label, spec.y_label, {}, true};
    for (const std::string& column : spec.columns)
      chart.series.push_back({column, data.points(column)});
    body += render_line_chart(chart);
  }
  body += "</div>\n";
  body += data.rows.empty() ? placeholder("not-run", kNotRun) : axis_table(data);
  return section(title, body);
}

std::string problems_section(const nlohmann::json& results) {
  const std::vector<ProblemRow> problems = problem_rows(results);
  if (problems.empty())
    return section("Errors and skips", placeholder("none", "none"));
  std::string table = "<table>\n" + header_row({"case", "status", "reason"});
  for (const ProblemRow& problem : problems) {
    table += "<tr>" + text_cell(problem.instance) + text_cell(problem.status) +
             text_cell(problem.message) + "</tr>\n";
  }
  return section("Errors and skips", table + "</table>\n");
}

std::string warnings_section(const nlohmann::json& results) {
  const std::vector<WarningRow> warnings = warning_rows(results);
  if (warnings.empty())
    return section("Warnings", placeholder("none", "none"));
  std::string table = "<table>\n" + header_row({"case", "warning"});
  for (const WarningRow& warning : warnings)
    table += "<tr>" + text_cell(warning.instance) + text_cell(warning.warning) + "</tr>\n";
  return section("Warnings", table + "</table>\n");
}

std::string checks_section(const nlohmann::json& results) {
  const std::vector<CheckRow> rows = check_rows(results);
  if (rows.empty())
    return section(kChecksTitle, placeholder("no generations", "none"));
  std::string table = "<table>\n" + header_row({"case", "token counts", "usage vs stream",
                                                "reuse by time", "client"});
  std::size_t failed = 0;
  for (const CheckRow& row : rows) {
    failed += row.failed ? 1 : 0;
    table += std::string(row.failed ? "<tr class=\"failed\">" : "<tr>") + text_cell(row.instance) +
             text_cell(row.token_counts) + text_cell(row.usage) + text_cell(row.reuse) +
             text_cell(row.client) + "</tr>\n";
  }
  const std::string verdict =
      failed == 0 ? "<p>Every cross-check held.</p>\n"
                  : "<p><strong>" + std::to_string(failed) +
                        " case(s) failed a cross-check</strong>: see Warnings.</p>\n";
  return section(kChecksTitle, verdict + table + "</table>\n");
}

}  // namespace

std::string html_report(const nlohmann::json& results) {
  const std::string throughput = axis_section(kThroughputTitle, throughput_table(results), "agents",
                                              {{"Throughput vs agents", "tokens/s", {"tokens/s"}}});
  const std::string cache =
      axis_section(kCacheTitle, cache_table(results), "cache size (tokens)",
                   {{"Cache save and load time vs size", "time (ms)", {"save ms", "load ms"}}});
  const std::string memory =
      axis_section(kMemoryTitle, memory_table(results), "agents",
                   {{"Server memory vs agents", "server RSS (MB)", {"server RSS MB"}},
                    {"Memory per agent vs agents", "per agent (MB)", {"per agent MB"}}});
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>semantic-bench report</title>\n<style>" +
         std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>semantic-bench report</h1>\n" +
         context_section(results) + suites_section(results) + targets_section(results) +
         comprehensive_section(results) + throughput + cache + memory + checks_section(results) +
         problems_section(results) + warnings_section(results) + "</body>\n</html>\n";
}

}  // namespace sbench::reporters
