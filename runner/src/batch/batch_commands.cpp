// `sbench batch add | status | cancel | retry-failed | merge`.
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unordered_map>

#include "batch/batch_format.hpp"
#include "batch/batch_queue.hpp"
#include "cache/result_store.hpp"
#include "config/toml_json.hpp"
#include "job/command_errors.hpp"
#include "job/run_plan.hpp"
#include "report/progress.hpp"
#include "report/report_page.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/runner/batch.hpp"

namespace sbench::runner {
namespace {

// Answers per second over the job's latest answers, from their finishing
// times: what the job sustains now, not since it began.
std::optional<double> recent_rate(const BatchQueue& queue, std::int64_t job) {
  const std::vector<std::int64_t> times = queue.recent_finishes(job, 2000);
  if (times.size() < 20)
    return std::nullopt;
  const double span_s = static_cast<double>(times.front() - times.back()) / 1000;
  if (span_s <= 0)
    return std::nullopt;
  return static_cast<double>(times.size() - 1) / span_s;
}

}  // namespace

int batch_add(const BatchAddOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench batch add", err, [&] {
    if (options.files.empty())
      throw InputError("give at least one JSONL file");
    std::optional<BatchShard> shard;
    if (!options.shard.empty()) {
      try {
        const Shard parsed = parse_shard(options.shard);
        shard = BatchShard{parsed.index, parsed.count};
      } catch (const std::invalid_argument& error) {
        throw InputError(std::string("--shard: ") + error.what());
      }
    }
    BatchQueue queue(options.queue);
    for (const std::filesystem::path& file : options.files) {
      const BatchJob job =
          queue.add(file, options.files.size() == 1 ? options.name : "", options.output_dir, shard);
      out << "sbench batch: added job " << job.id << " (" << job.name << "): " << job.rows
          << " requests" << (job.shard.empty() ? "" : " (shard " + job.shard + ")");
      if (job.bad_lines > 0)
        out << ", " << job.bad_lines << " of them bad lines that will go to the error file";
      out << "\n  output " << job.output.string() << "\n  errors " << job.errors.string() << "\n";
    }
    return exit_ok;
  });
}

int batch_status(const std::filesystem::path& queue_dir, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench batch status", err, [&] {
    if (!std::filesystem::exists(queue_dir / "queue.sqlite"))
      throw InputError("no batch queue in " + queue_dir.string() +
                       " (sbench batch add creates it)");
    BatchQueue queue(queue_dir);
    const std::vector<BatchJob> jobs = queue.jobs();
    if (jobs.empty())
      out << "no jobs\n";
    for (const BatchJob& job : jobs) {
      out << "job " << job.id << " (" << job.name << ")"
          << (job.shard.empty() ? "" : " shard " + job.shard) << ": " << job.status << "; "
          << job.done << " done, " << job.failed << " failed, " << job.remaining()
          << " remaining of " << job.rows;
      if (const std::optional<double> rate = recent_rate(queue, job.id)) {
        out << "; latest rate " << fixed(*rate) << " req/s";
        if (job.remaining() > 0 && (job.status == "running" || job.status == "queued"))
          out << ", ETA " << duration_text(static_cast<double>(job.remaining()) / *rate);
      }
      out << "\n  output " << job.output.string() << "\n  errors " << job.errors.string() << "\n";
    }
    return exit_ok;
  });
}

int batch_cancel(const std::filesystem::path& queue_dir, std::int64_t id, std::ostream& out,
                 std::ostream& err) {
  return reporting_errors("sbench batch cancel", err, [&] {
    BatchQueue queue(queue_dir);
    const std::optional<BatchJob> job = queue.job(id);
    if (!job)
      throw InputError("no job " + std::to_string(id) + " in " + queue.file().string());
    if (job->status == "done")
      throw InputError("job " + std::to_string(id) + " is done already");
    queue.set_status(id, "cancelled");
    out << "sbench batch: job " << id << " cancelled (" << job->done + job->failed
        << " answers kept; a running `sbench batch run` stops it within a second)\n";
    return exit_ok;
  });
}

int batch_retry_failed(const std::filesystem::path& queue_dir, std::int64_t id, std::ostream& out,
                       std::ostream& err) {
  return reporting_errors("sbench batch retry-failed", err, [&] {
    BatchQueue queue(queue_dir);
    const std::optional<BatchJob> retry = queue.retry_failed(id);
    if (!retry) {
      out << "sbench batch: job " << id << " has no failed requests\n";
      return exit_ok;
    }
    out << "sbench batch: job " << retry->id << " retries the " << retry->rows
        << " failed requests of job " << id << "\n  output " << retry->output.string()
        << "\n  errors " << retry->errors.string() << "\n";
    return exit_ok;
  });
}

int batch_merge(const BatchMergeOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench batch merge", err, [&] {
    if (options.files.empty())
      throw InputError("give the shards' files to merge");
    std::unordered_map<std::string, std::string> seen;  // custom_id -> file
    std::string merged;
    for (const std::filesystem::path& file : options.files) {
      std::ifstream in(file, std::ios::binary);
      if (!in)
        throw InputError("cannot read " + file.string());
      std::size_t number = 0;
      for (std::string line; std::getline(in, line);) {
        ++number;
        const std::optional<std::string> custom_id = custom_id_of_output_line(line);
        if (!custom_id)
          throw InputError(file.string() + ":" + std::to_string(number) +
                           ": not an output or error line");
        if (!custom_id->empty()) {
          const auto [earlier, fresh] = seen.emplace(*custom_id, file.string());
          if (!fresh)
            throw InputError("custom_id \"" + *custom_id + "\" is in " + earlier->second +
                             " and in " + file.string() + ": the shards overlap");
        }
        merged += line;
        merged += '\n';
      }
    }
    reporters::write_file_atomically(options.into, merged);
    out << "sbench batch: merged " << options.files.size() << " files, " << seen.size()
        << " requests, into " << options.into.string() << "\n";
    return exit_ok;
  });
}

}  // namespace sbench::runner
