#include "sbench/reporters/target_table.hpp"

#include <algorithm>
#include <array>
#include <iomanip>
#include <sstream>

namespace sbench::reporters {
namespace {

constexpr std::size_t column_count = 7;
using Row = std::array<std::string, column_count>;

std::string number(double value) {
  std::ostringstream text;
  text << std::setprecision(4) << value;
  return text.str();
}

std::string case_with_args(const Target& target) {
  std::string text = target.case_name;
  if (target.args.empty())
    return text;
  text += "[";
  for (const auto& [axis, value] : target.args)
    text += (text.back() == '[' ? "" : ",") + axis + "=" + std::to_string(value);
  return text + "]";
}

std::string wanted(const Target& target) {
  return target.op ? std::string(to_string(*target.op)) + " " + number(target.threshold) : "(band)";
}

Row row_of(const TargetResult& result) {
  const Target& target = *result.target;
  // A target without args covers every instance: say which one this line is.
  const std::string where =
      target.args.empty() && result.instance ? *result.instance : case_with_args(target);
  return {target.id,
          where,
          target.counter,
          wanted(target),
          result.value ? number(*result.value) : "-",
          std::string(result.verdict == Verdict::miss ? "MISS" : to_string(result.verdict)),
          result.band ? std::string(to_string(*result.band)) : "-"};
}

}  // namespace

void print_target_table(std::ostream& out, const TargetReport& report) {
  std::vector<Row> rows = {{"id", "case", "counter", "target", "value", "verdict", "band"}};
  for (const TargetResult& result : report.results)
    rows.push_back(row_of(result));
  std::array<std::size_t, column_count> widths{};
  for (const Row& row : rows) {
    for (std::size_t column = 0; column < column_count; ++column)
      widths[column] = std::max(widths[column], row[column].size());
  }
  const std::string title = report.set->name.empty() ? "Targets" : "Targets: " + report.set->name;
  out << title << " (" << report.set->file.string() << ")\n";
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < column_count; ++column)
      line += row[column] + std::string(widths[column] - row[column].size() + 2, ' ');
    line.erase(line.find_last_not_of(' ') + 1);
    out << "  " << line << "\n";
  }
  out << report.count(Verdict::pass) << " passed, " << report.count(Verdict::miss) << " missed, "
      << report.count(Verdict::not_measured) << " not measured\n";
}

}  // namespace sbench::reporters
