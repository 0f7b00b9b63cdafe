#include "report/report_page.hpp"

#include <iomanip>
#include <sstream>

#include "sbench/reporters/html_escape.hpp"
#include "sbench/reporters/markdown_table.hpp"

namespace sbench::runner {

ReportPage::ReportPage(std::string title) : title_(std::move(title)) {}

void ReportPage::heading(std::string text) {
  blocks_.push_back({Kind::heading, {std::move(text)}, {}, {}});
}

void ReportPage::paragraph(std::string text) {
  blocks_.push_back({Kind::paragraph, {std::move(text)}, {}, {}});
}

void ReportPage::bullets(std::vector<std::string> items) {
  blocks_.push_back({Kind::bullets, std::move(items), {}, {}});
}

void ReportPage::table(ReportTable table) {
  blocks_.push_back({Kind::table, {}, std::move(table), {}});
}

void ReportPage::chart(reporters::LineChart chart) {
  blocks_.push_back({Kind::chart, {}, {}, std::move(chart)});
}

std::string ReportPage::markdown() const {
  std::ostringstream out;
  out << "# " << reporters::escape_markdown_cell(title_) << "\n";
  bool chart_noted = false;
  for (const Block& block : blocks_) {
    switch (block.kind) {
      case Kind::heading:
        out << "\n## " << reporters::escape_markdown_cell(block.lines.front()) << "\n";
        break;
      case Kind::paragraph:
        out << "\n" << reporters::escape_markdown_cell(block.lines.front()) << "\n";
        break;
      case Kind::bullets:
        out << "\n";
        for (const std::string& item : block.lines)
          out << "- " << reporters::escape_markdown_cell(item) << "\n";
        break;
      case Kind::table: {
        reporters::MarkdownTable markdown(block.table.header);
        for (const auto& row : block.table.rows)
          markdown.add_row(row);
        if (!block.table.title.empty())
          out << "\n### " << reporters::escape_markdown_cell(block.table.title) << "\n";
        out << "\n" << markdown.render();
        break;
      }
      case Kind::chart:
        if (!chart_noted)
          out << "\n(The charts are in the HTML report next to this file.)\n";
        chart_noted = true;
        break;
    }
  }
  return out.str();
}

std::string ReportPage::html() const {
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
      << reporters::escape_html(title_)
      << "</title><style>"
         "body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}"
         "table{border-collapse:collapse;margin-bottom:2em}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}"
         "th{background:#f3f3f3}td{font-variant-numeric:tabular-nums}"
         "svg{display:block;margin:1em 0}"
         "</style></head><body>\n<h1>"
      << reporters::escape_html(title_) << "</h1>\n";
  for (const Block& block : blocks_) {
    switch (block.kind) {
      case Kind::heading:
        out << "<h2>" << reporters::escape_html(block.lines.front()) << "</h2>\n";
        break;
      case Kind::paragraph:
        out << "<p>" << reporters::escape_html(block.lines.front()) << "</p>\n";
        break;
      case Kind::bullets:
        out << "<ul>";
        for (const std::string& item : block.lines)
          out << "<li>" << reporters::escape_html(item) << "</li>";
        out << "</ul>\n";
        break;
      case Kind::table:
        if (!block.table.title.empty())
          out << "<h3>" << reporters::escape_html(block.table.title) << "</h3>\n";
        out << "<table><tr>";
        for (const std::string& cell : block.table.header)
          out << "<th>" << reporters::escape_html(cell) << "</th>";
        out << "</tr>\n";
        for (const auto& row : block.table.rows) {
          out << "<tr>";
          for (const std::string& cell : row)
            out << "<td>" << reporters::escape_html(cell) << "</td>";
          out << "</tr>\n";
        }
        out << "</table>\n";
        break;
      case Kind::chart:
        out << reporters::render_line_chart(block.chart);
        break;
    }
  }
  out << "</body></html>\n";
  return out.str();
}

std::string fixed(double value, int digits) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return text.str();
}

}  // namespace sbench::runner
