// `sbench compare`: counter by counter, how a run differs from a base run,
// failing on regressions beyond --fail limits (pytest-benchmark's
// --benchmark-compare-fail).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "results_options.hpp"
#include "sbench/reporters/compare.hpp"
#include "sbench/reporters/results_document.hpp"

namespace sbench::cli {
namespace {

struct CompareOptions {
  std::string base;
  std::string next;
  std::vector<std::string> fail;
  std::string format = "table";
};

std::string describe_run(const std::string& file, const nlohmann::json& results) {
  const nlohmann::json context = results.value("context", nlohmann::json::object());
  const auto text = [&context](const char* key) {
    const auto found = context.find(key);
    return found != context.end() && found->is_string() ? found->get<std::string>() : "unknown";
  };
  return file + " (commit " + text("git_commit") + ", " + text("time") + ")";
}

int compare(const CompareOptions& options) {
  std::vector<reporters::FailRule> rules;
  for (const std::string& spec : options.fail)
    rules.push_back(reporters::parse_fail_rule(spec));
  const nlohmann::json base = reporters::read_results_document(options.base);
  const nlohmann::json next = reporters::read_results_document(options.next);
  const reporters::Comparison comparison = reporters::compare_results(base, next);
  const std::vector<reporters::Regression> regressions =
      reporters::find_regressions(comparison, rules);
  if (options.format == "json") {
    std::cout << reporters::comparison_json(comparison, regressions).dump(2) << "\n";
  } else {
    std::cout << "base: " << describe_run(options.base, base) << "\n"
              << "new:  " << describe_run(options.next, next) << "\n"
              << "change: (new - base) / |base| of the mean over repetitions; significance: "
                 "Welch's t-test, p < 0.05, needs "
              << reporters::kMinRepetitionsForSignificance << " repetitions a side\n\n"
              << reporters::comparison_table(comparison, regressions);
    if (!rules.empty() && regressions.empty())
      std::cout << "\nNo regression beyond the --fail limits.\n";
  }
  return regressions.empty() ? 0 : reporters::kExitRegression;
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare two results files counter by counter; exit 4 on a regression beyond --fail");
  auto options = std::make_shared<CompareOptions>();
  command->add_option("base", options->base, "Results file of the base run")->required();
  command->add_option("new", options->next, "Results file of the new run")->required();
  command
      ->add_option("--fail", options->fail,
                   "STAT:X% (STAT: mean, median, min, max over repetitions): exit 4 when a "
                   "counter got worse by more than X%; repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--format", options->format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  command->callback([options] {
    throw CLI::RuntimeError(run_reporting_errors([&] { return compare(*options); }));
  });
});

}  // namespace
}  // namespace sbench::cli
