// `sbench clean`: forget earlier results, so the next run starts afresh.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "results_options.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/reporters/part_document.hpp"

namespace sbench::cli {
namespace {

int clean(const ResultsOptions& options) {
  const Config config = options.load();
  for (const std::filesystem::path& path :
       {reporters::parts_directory(config.run.output), config.run.output}) {
    std::error_code error;
    const auto removed = std::filesystem::remove_all(path, error);
    if (error) {
      std::cerr << "sbench clean: cannot remove " << path.string() << ": " << error.message()
                << "\n";
      return sbench::exit_error;
    }
    if (removed > 0)
      std::cout << "removed " << path.string() << "\n";
  }
  return sbench::exit_ok;
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("clean", "Remove the results file and its per-suite result parts");
  auto options = std::make_shared<ResultsOptions>();
  command->add_option("--config", options->config_file, "sbench.toml to read");
  command->add_option("--output", options->output, "Results file (run.output)");
  command->callback([options] {
    throw CLI::RuntimeError(run_reporting_errors([&] { return clean(*options); }));
  });
});

}  // namespace
}  // namespace sbench::cli
