#include "sbench/reporters/report_files.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/report.hpp"

namespace sbench::reporters {

std::filesystem::path report_file(const std::filesystem::path& results,
                                  std::string_view extension) {
  return results.parent_path() / (results.stem().string() + "_report" + std::string(extension));
}

std::vector<std::filesystem::path> write_reports(const nlohmann::json& document,
                                                 const std::filesystem::path& results) {
  const std::filesystem::path markdown = report_file(results, ".md");
  const std::filesystem::path html = report_file(results, ".html");
  write_file_atomically(markdown, markdown_report(document));
  write_file_atomically(html, html_report(document));
  return {markdown, html};
}

void announce_reports(const std::vector<std::filesystem::path>& reports) {
  for (const std::filesystem::path& report : reports)
    std::cout << "Wrote " << report.string() << "\n";
}

}  // namespace sbench::reporters
