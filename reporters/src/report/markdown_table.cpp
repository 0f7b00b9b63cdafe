#include "sbench/reporters/markdown_table.hpp"

namespace sbench::reporters {

std::string escape_markdown_cell(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '|':
        escaped += "\\|";
        break;
      case '\n':
        escaped += ' ';
        break;
      case '\r':
        break;
      case '<':
        escaped += "&lt;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

MarkdownTable::MarkdownTable(const std::vector<std::string>& headers) {
  add_row(headers);
}

void MarkdownTable::add_row(const std::vector<std::string>& cells) {
  std::vector<std::string> row;
  for (const std::string& cell : cells)
    row.push_back(escape_markdown_cell(cell));
  rows_.push_back(std::move(row));
}

std::string MarkdownTable::render() const {
  std::string text;
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    text += "|";
    for (const std::string& cell : rows_[r])
      text += " " + cell + " |";
    text += "\n";
    if (r == 0) {
      text += "|";
      for (std::size_t c = 0; c < rows_[0].size(); ++c)
        text += "---|";
      text += "\n";
    }
  }
  return text;
}

}  // namespace sbench::reporters
