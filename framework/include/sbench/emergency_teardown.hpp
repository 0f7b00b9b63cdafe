#pragma once

#include "sbench/fixtures.hpp"

namespace sbench {

// While alive, tears `fixtures` down when the process leaves abnormally, so a
// started server never outlives the suite:
//  - SIGINT/SIGTERM: sets sbench::interrupted(), tears down, then re-raises
//    the signal so the exit status still tells what happened (a second
//    signal kills at once);
//  - std::terminate (an exception nobody caught);
//  - exit() called before the suite returns.
// One at a time per process.
class EmergencyTeardown {
 public:
  explicit EmergencyTeardown(Fixtures& fixtures);
  ~EmergencyTeardown();
  EmergencyTeardown(const EmergencyTeardown&) = delete;
  EmergencyTeardown& operator=(const EmergencyTeardown&) = delete;
};

}  // namespace sbench
