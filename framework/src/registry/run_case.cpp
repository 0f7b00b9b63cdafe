#include "sbench/case_registration.hpp"

namespace sbench {

void run_case(const CaseDefinition& definition, benchmark::State& state, Fixtures& fixtures) {
  try {
    definition.body(state, fixtures);
  } catch (const Skip& reason) {
    skip(state, reason.what());
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  } catch (...) {
    state.SkipWithError("a non-standard exception escaped the case");
  }
}

}  // namespace sbench
