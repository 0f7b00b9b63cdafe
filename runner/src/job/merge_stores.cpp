// `sbench run merge`: the stores of a sharded job combined into one, and one
// report over the newest job of each shard.
#include <algorithm>
#include <iostream>

#include "job/command_errors.hpp"
#include "job/job_setup.hpp"
#include "report/run_report.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/runner/runner.hpp"

namespace sbench::runner {
namespace {

int merge_stores(const MergeOptions& options, std::ostream& out) {
  ResultStore combined(options.into);
  std::vector<std::string> jobs;
  for (const std::filesystem::path& shard : options.stores) {
    const ResultStore::MergeCounts counts = combined.merge_from(shard);
    const std::optional<std::string> job = ResultStore(shard).latest_job();
    out << shard.string() << ": " << counts.results_added << " results added, "
        << counts.results_replaced << " replaced by newer, " << counts.attempts << " attempts"
        << (job ? ", job " + *job : ", no job") << "\n";
    if (job && std::find(jobs.begin(), jobs.end(), *job) == jobs.end())
      jobs.push_back(*job);
  }
  JobTiming timing;
  const nlohmann::json results = build_run_results(combined, jobs, timing);
  for (const std::filesystem::path& path : write_run_reports(results, options.output))
    out << "wrote " << path.string() << "\n";
  out << summary_text(results);
  return results["totals"]["failed"].get<std::size_t>() > 0 ? exit_error : exit_ok;
}

}  // namespace

int merge(const MergeOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench run merge", err, [&] { return merge_stores(options, out); });
}

}  // namespace sbench::runner
