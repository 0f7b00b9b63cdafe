#include "registry/case_registration.hpp"
#include "sbench/measurement_checks.hpp"

namespace sbench {

void run_case(const CaseDefinition& definition, benchmark::State& state, Fixtures& fixtures) {
  const std::size_t failures_before = measurement_log::failures();
  try {
    definition.body(state, fixtures);
    if (fixtures.config().run.strict && measurement_log::failures() > failures_before)
      state.SkipWithError(
          ("measurement cross-check failed (run.strict): " + measurement_log::last_failure())
              .c_str());
  } catch (const Skip& reason) {
    skip(state, reason.what());
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  } catch (...) {
    state.SkipWithError("a non-standard exception escaped the case");
  }
}

}  // namespace sbench
