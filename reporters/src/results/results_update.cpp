#include "sbench/reporters/results_update.hpp"

#include "parts_lock.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/merge_parts.hpp"
#include "sbench/reporters/part_document.hpp"

namespace sbench::reporters {

ResultsUpdate check_targets(nlohmann::json document, const std::filesystem::path& targets_file) {
  ResultsUpdate update;
  update.document = std::move(document);
  update.targets = load_targets(targets_file);
  update.report = evaluate_targets(*update.targets, update.document);
  update.document["targets"] = to_json(*update.report);
  return update;
}

ResultsUpdate update_results(const Config& config, std::ostream& warnings) {
  // Read the targets first: a bad file is reported before anything is written.
  std::optional<TargetSet> targets;
  if (!config.run.targets.empty())
    targets = load_targets(config.run.targets);

  const std::filesystem::path parts_dir = parts_directory(config.run.output);
  detail::PartsLock lock(parts_dir);
  MergedResults merged = merge_parts(parts_dir, warnings);
  ResultsUpdate update;
  update.parts_used = merged.parts_used;
  if (merged.parts_used == 0)
    return update;
  update.document = std::move(merged.document);
  if (targets) {
    update.targets = std::move(targets);
    update.report = evaluate_targets(*update.targets, update.document);
    update.document["targets"] = to_json(*update.report);
  }
  write_file_atomically(config.run.output, update.document.dump(2) + "\n");
  return update;
}

}  // namespace sbench::reporters
