#include "report/report_data.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

#include "report/number_format.hpp"
#include "report/results_fields.hpp"

namespace sbench::reporters::detail {
namespace {

using nlohmann::json;

bool measured(const json& test_case) {
  return text_at(test_case, "status") == "ok";
}

std::string or_unknown(std::string text) {
  return text.empty() ? "unknown" : text;
}

// "12" -> 12; anything else (empty, "3x") -> none.
std::optional<int> parse_count(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// Agent count of the batching suite's per-model cases:
// sequential_1_agent_per_model, batched_<N>_agents_per_model.
std::optional<int> agents_of_batching_case(std::string_view name) {
  for (const std::string_view prefix : {"sequential_", "batched_"}) {
    if (!name.starts_with(prefix) || !name.ends_with("_per_model"))
      continue;
    name.remove_prefix(prefix.size());
    return parse_count(name.substr(0, name.find('_')));
  }
  return std::nullopt;
}

// Values per axis value and column, filled by whoever knows where they come from.
class AxisTableBuilder {
 public:
  AxisTableBuilder(std::string axis, std::vector<std::string> headers)
      : axis_(std::move(axis)), headers_(std::move(headers)) {}

  void set(double axis_value, std::size_t column, std::optional<double> value) {
    if (!value)
      return;
    auto& row = rows_[axis_value];
    row.resize(headers_.size());
    row[column] = value;
  }
  std::optional<double> get(double axis_value, std::size_t column) const {
    const auto row = rows_.find(axis_value);
    return row == rows_.end() ? std::nullopt : row->second[column];
  }

  AxisTable build() const {
    AxisTable table{axis_, headers_, {}};
    for (const auto& [axis_value, values] : rows_)
      table.rows.push_back({axis_value, values});
    return table;
  }

 private:
  std::string axis_;
  std::vector<std::string> headers_;
  std::map<double, std::vector<std::optional<double>>> rows_;
};

struct CounterColumn {
  std::string_view case_name;
  std::string_view counter;
  std::string header;
};

// One row per value of `axis` among the measured cases the columns name.
AxisTable table_over_axis(const json& results, std::string axis,
                          const std::vector<CounterColumn>& columns) {
  std::vector<std::string> headers;
  for (const CounterColumn& column : columns)
    headers.push_back(column.header);
  AxisTableBuilder table(axis, headers);
  for (const json& test_case : array_at(results, "cases")) {
    const std::optional<double> axis_value = number_at(object_at(test_case, "args"), axis);
    if (!measured(test_case) || !axis_value)
      continue;
    const std::string name = text_at(test_case, "case");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].case_name == name)
        table.set(*axis_value, i, number_at(object_at(test_case, "counters"), columns[i].counter));
    }
  }
  return table.build();
}

std::string unit_of_metric(std::string_view name) {
  if (name.ends_with("_per_sec"))
    return "tokens/s";
  if (name.ends_with("_sec"))
    return "s";
  if (name.ends_with("_ms"))
    return "ms";
  if (name.ends_with("_gb"))
    return "GB";
  return "";
}

}  // namespace

std::vector<std::pair<double, double>> AxisTable::points(std::string_view header) const {
  std::vector<std::pair<double, double>> points;
  const auto column =
      static_cast<std::size_t>(std::find(headers.begin(), headers.end(), header) - headers.begin());
  for (const Row& row : rows) {
    if (column < row.values.size() && row.values[column])
      points.emplace_back(row.axis_value, *row.values[column]);
  }
  return points;
}

std::vector<Fact> context_facts(const json& results) {
  const json& context = object_at(results, "context");
  const json* quick = field(context, "quick");
  std::string server = text_at(context, "server_url");
  if (server.empty()) {
    for (const json& word : array_at(context, "server_command"))
      server += (server.empty() ? "" : " ") + (word.is_string() ? word.get<std::string>() : "");
  }
  const std::optional<double> memory = number_at(context, "memory_bytes");
  return {
      {"Model", or_unknown(text_at(context, "model"))},
      {"Backend", or_unknown(text_at(context, "backend"))},
      {"Quick mode",
       quick != nullptr && quick->is_boolean() ? (quick->get<bool>() ? "yes" : "no") : "unknown"},
      {"Host", or_unknown(text_at(context, "host"))},
      {"CPU", or_unknown(text_at(context, "cpu"))},
      {"Cores", or_unknown(text_at(context, "cores"))},
      {"Memory", memory ? format_number(*memory / (1 << 30)) + " GiB" : "unknown"},
      {"Commit", or_unknown(text_at(context, "git_commit"))},
      {"Time", or_unknown(text_at(context, "time"))},
      {"Build", or_unknown(text_at(context, "compiler") + " " + text_at(context, "build_type"))},
      {"Server", or_unknown(server)},
      {"Generator", or_unknown(text_at(results, "generator"))},
  };
}

std::vector<SuiteRow> suite_rows(const json& results) {
  std::vector<SuiteRow> rows;
  for (const json& suite : array_at(results, "suites")) {
    rows.push_back({text_at(suite, "name"), text_at(suite, "measured"), text_at(suite, "skipped"),
                    text_at(suite, "errored"), text_at(suite, "exit_code")});
  }
  return rows;
}

AxisTable throughput_table(const json& results) {
  enum Column : std::size_t { tokens_per_s, speedup, ttft, itl };
  const std::pair<std::string_view, Column> kComparisonCounters[] = {
      {"tokens_per_s_", tokens_per_s}, {"speedup_", speedup}};
  AxisTableBuilder table("agents", {"tokens/s", "speedup (x)", "TTFT ms", "ITL ms"});
  for (const json& test_case : array_at(results, "cases")) {
    if (!measured(test_case))
      continue;
    const json& counters = object_at(test_case, "counters");
    const std::string name = text_at(test_case, "case");
    if (name == "throughput_comparison") {
      for (const auto& [counter, value] : counters.items()) {
        const std::string_view key = counter;
        for (const auto& [prefix, column] : kComparisonCounters) {
          if (!key.starts_with(prefix) || !value.is_number())
            continue;
          if (const auto agents = parse_count(key.substr(prefix.size())))
            table.set(*agents, column, value.get<double>());
        }
      }
    } else if (const auto agents = agents_of_batching_case(name)) {
      if (!table.get(*agents, tokens_per_s))  // throughput_comparison's own figure wins
        table.set(*agents, tokens_per_s, number_at(counters, "tokens_per_s"));
      table.set(*agents, ttft, number_at(counters, "ttft_ms"));
      table.set(*agents, itl, number_at(counters, "itl_ms"));
    }
  }
  // Without throughput_comparison the speedup is worked out against one agent.
  AxisTable built = table.build();
  const std::optional<double> single = table.get(1, tokens_per_s);
  for (AxisTable::Row& row : built.rows) {
    if (!row.values[speedup] && row.values[tokens_per_s] && single && *single > 0)
      row.values[speedup] = *row.values[tokens_per_s] / *single;
  }
  return built;
}

AxisTable cache_table(const json& results) {
  return table_over_axis(results, "tokens",
                         {{"cache_save_time", "save_ms", "save ms"},
                          {"cache_save_time", "save_mb_per_s", "save MB/s"},
                          {"cache_load_time", "load_ms", "load ms"},
                          {"cache_load_time", "load_mb_per_s", "load MB/s"},
                          {"resume_generation_speed", "ttft_after_load_ms", "TTFT after load ms"},
                          {"cold_start_vs_cache_resume", "speedup", "resume speedup (x)"}});
}

AxisTable memory_table(const json& results) {
  return table_over_axis(results, "agents",
                         {{"memory_per_agent", "server_rss_mb", "server RSS MB"},
                          {"memory_per_agent", "rss_growth_mb", "RSS growth MB"},
                          {"memory_per_agent", "per_agent_mb", "per agent MB"},
                          {"memory_per_agent", "kv_allocated_mb", "KV allocated MB"}});
}

std::vector<MetricRow> comprehensive_metrics(const json& results) {
  static const std::vector<std::string> kMetrics = {
      "model_load_time_sec",       "cache_save_time_ms",        "cache_load_time_ms",
      "generation_with_cache_sec", "throughput_tokens_per_sec", "memory_usage_gb"};
  std::vector<MetricRow> rows;
  bool any = false;
  for (const std::string& metric : kMetrics) {
    MetricRow row{metric, std::nullopt, unit_of_metric(metric), "not run"};
    for (const json& test_case : array_at(results, "cases")) {
      if (text_at(test_case, "case") != metric)
        continue;
      any = true;
      if (measured(test_case)) {
        row.value = number_at(object_at(test_case, "counters"), metric);
        row.note = row.value ? "" : "no value";
      } else {
        row.note = text_at(test_case, "status") + ": " + text_at(test_case, "message");
      }
    }
    rows.push_back(std::move(row));
  }
  return any ? rows : std::vector<MetricRow>{};
}

TargetSummary target_summary(const json& results) {
  const json* targets = field(results, "targets");
  if (targets == nullptr || !targets->is_object())
    return {};
  TargetSummary summary{true,
                        text_at(*targets, "name"),
                        text_at(*targets, "file"),
                        text_at(*targets, "passed"),
                        text_at(*targets, "missed"),
                        text_at(*targets, "not_measured"),
                        {}};
  for (const json& target : array_at(*targets, "results")) {
    std::string instance = text_at(target, "instance");
    if (instance.empty())
      instance = text_at(target, "case");
    summary.rows.push_back({text_at(target, "id"), text_at(target, "description"),
                            text_at(target, "counter") + " of " + instance, text_at(target, "op"),
                            text_at(target, "threshold"), text_at(target, "verdict"),
                            text_at(target, "band"), number_at(target, "value")});
  }
  return summary;
}

std::string verdict_label(const std::string& verdict) {
  if (verdict == "miss")
    return "MISS";
  if (verdict == "not_measured")
    return "not measured";
  return verdict;
}

std::vector<ProblemRow> problem_rows(const json& results) {
  std::vector<ProblemRow> rows;
  for (const json& test_case : array_at(results, "cases")) {
    const std::string status = text_at(test_case, "status");
    if (status != "ok")
      rows.push_back(
          {text_at(test_case, "instance"), or_unknown(status), text_at(test_case, "message")});
  }
  return rows;
}

std::vector<WarningRow> warning_rows(const json& results) {
  std::vector<WarningRow> rows;
  for (const json& test_case : array_at(results, "cases")) {
    for (const json& warning : array_at(test_case, "warnings"))
      rows.push_back({text_at(test_case, "instance"),
                      warning.is_string() ? warning.get<std::string>() : warning.dump()});
  }
  return rows;
}

namespace {

// "ok (n)" when none of `total` failed, else "failed of total <what>".
std::string tally(double failed, double total, const std::string& what) {
  const auto count = [](double value) { return std::to_string(static_cast<long long>(value)); };
  return failed > 0 ? count(failed) + " of " + count(total) + " " + what
                    : "ok (" + count(total) + ")";
}

}  // namespace

std::vector<CheckRow> check_rows(const json& results) {
  std::vector<CheckRow> rows;
  for (const json& test_case : array_at(results, "cases")) {
    const json& checks = object_at(test_case, "checks");
    const auto count = [&](std::string_view name) { return number_at(checks, name).value_or(0); };
    if (count("generations") == 0)
      continue;
    CheckRow row;
    row.instance = text_at(test_case, "instance");
    const std::string source = text_at(checks, "token_count_source");
    row.token_counts = source.empty() ? "not streamed" : source;
    row.usage = count("streams") > 0
                    ? tally(count("usage_mismatches"), count("streams"), "disagree")
                    : "not streamed";
    row.reuse = count("resumes_timed") > 0 ? tally(count("resumes_without_time_saved"),
                                                   count("resumes_timed"), "saved no time")
                                           : "not timed";
    row.client = tally(count("late_sends"), count("sends"), "sent late");
    row.failed = count("usage_mismatches") > 0 || count("resumes_without_time_saved") > 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sbench::reporters::detail
