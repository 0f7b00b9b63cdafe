#pragma once

#include <nlohmann/json.hpp>

#include "load/server_memory_probe.hpp"
#include "sweep/point_analysis.hpp"
#include "sweep/sweep_answer.hpp"

namespace sbench::runner {

// A point's measurements as they are stored (sweep_points.jsonl) and
// reported (sweep_results.json): rates in requests/s, times in ms, memory
// in MiB. The answer is computed from this form, so a resumed sweep's
// stored points and its new ones count alike.
nlohmann::json metrics_json(const PointMetrics& metrics);
nlohmann::json memory_json(const PointMemory& memory);

// The worker level a stored closed-loop point stands for.
WorkerLevel worker_level(const nlohmann::json& point);

}  // namespace sbench::runner
