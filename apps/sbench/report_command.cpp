// `sbench report`: the Markdown and HTML reports of a results file.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "results_options.hpp"
#include "sbench/config.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/report.hpp"
#include "sbench/reporters/report_files.hpp"
#include "sbench/reporters/results_document.hpp"

namespace sbench::cli {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string results;
  std::string config_file;
  std::string markdown;  // "" with the flag given: next to the results file; "-": stdout
  std::string html;
  CLI::Option* markdown_flag = nullptr;
  CLI::Option* html_flag = nullptr;
};

void write(const std::string& requested, const fs::path& fallback, const fs::path& results,
           const std::string& text) {
  if (requested == "-") {
    std::cout << text;
    return;
  }
  const fs::path file = requested.empty() ? fallback : fs::path(requested);
  std::error_code error;
  if (fs::equivalent(file, results, error))
    throw std::invalid_argument("refusing to overwrite the results file " + results.string() +
                                " with a report (put the results file first or use --html=FILE)");
  reporters::write_file_atomically(file, text);
  std::cerr << "Wrote " << file.string() << "\n";
}

int report(const ReportOptions& options) {
  const fs::path results = options.results.empty()
                               ? load_project_config(options.config_file).run.output
                               : fs::path(options.results);
  const nlohmann::json document = reporters::read_results_document(results);
  const bool markdown = options.markdown_flag->count() > 0;
  const bool html = options.html_flag->count() > 0;
  // Neither flag: both reports, side by side with the results.
  if (markdown || !html)
    write(options.markdown, reporters::report_file(results, ".md"), results,
          reporters::markdown_report(document));
  if (html || !markdown)
    write(options.html, reporters::report_file(results, ".html"), results,
          reporters::html_report(document));
  return 0;
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "report",
      "Write the Markdown and HTML reports of a results file (both unless one is asked for)");
  auto options = std::make_shared<ReportOptions>();
  command->add_option("results", options->results,
                      "Results file (default: run.output as the suites would write it)");
  command->add_option("--config", options->config_file,
                      "sbench.toml that names the default results file");
  options->markdown_flag =
      command
          ->add_option("--markdown", options->markdown,
                       "Write the Markdown report [to FILE, '-' for stdout; default "
                       "<results>_report.md]")
          ->expected(0, 1);
  options->html_flag = command
                           ->add_option("--html", options->html,
                                        "Write the HTML report [to FILE, '-' for stdout; default "
                                        "<results>_report.html]")
                           ->expected(0, 1);
  command->callback([options] {
    throw CLI::RuntimeError(run_reporting_errors([&] { return report(*options); }));
  });
});

}  // namespace
}  // namespace sbench::cli
