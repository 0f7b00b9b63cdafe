#include "sbench/suite.hpp"

namespace sbench {
namespace {

// A function-local static: registration runs during static initialisation of
// the generated source, in no particular order with anything else.
SuiteBuildInfo& stored_build_info() {
  static SuiteBuildInfo info;
  return info;
}

}  // namespace

bool register_suite_build_info(SuiteBuildInfo info) {
  stored_build_info() = std::move(info);
  return true;
}

const SuiteBuildInfo& suite_build_info() {
  return stored_build_info();
}

}  // namespace sbench
