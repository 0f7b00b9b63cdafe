#pragma once

#include <ostream>

#include "sbench/reporters/target_evaluation.hpp"

namespace sbench::reporters {

// A fixed-width table, one line per result, then a summary line:
//
//   id                case[args]                    counter  target  value  verdict  band
//   cache.load_8k     cache_load_time[tokens=8000]  load_ms  < 500   76.5   pass     good
void print_target_table(std::ostream& out, const TargetReport& report);

}  // namespace sbench::reporters
