#pragma once

#include <string>
#include <vector>

#include "sbench/reporters/line_chart.hpp"

namespace sbench::runner {

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// A report of the runner's commands, written once as Markdown and once as a
// self-contained HTML page from the same blocks. Text is escaped for each.
class ReportPage {
 public:
  explicit ReportPage(std::string title);

  void heading(std::string text);
  void paragraph(std::string text);
  void bullets(std::vector<std::string> items);
  void table(ReportTable table);
  // HTML only (an inline SVG); the Markdown points to the HTML page instead.
  void chart(reporters::LineChart chart);

  std::string markdown() const;
  std::string html() const;

 private:
  enum class Kind { heading, paragraph, bullets, table, chart };
  struct Block {
    Kind kind;
    std::vector<std::string> lines;
    ReportTable table;
    reporters::LineChart chart;
  };
  std::string title_;
  std::vector<Block> blocks_;
};

// A number with `digits` decimals, for table cells.
std::string fixed(double value, int digits = 1);

}  // namespace sbench::runner
