#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbench::reporters {

// Text safe inside a Markdown table cell: no column breaks, no line breaks,
// no raw HTML ("<" is enough to stop a tag; ">=" stays readable).
std::string escape_markdown_cell(std::string_view text);

// A GitHub-flavoured Markdown table; cells are escaped when added.
class MarkdownTable {
 public:
  explicit MarkdownTable(const std::vector<std::string>& headers);
  void add_row(const std::vector<std::string>& cells);
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the first is the header
};

}  // namespace sbench::reporters
