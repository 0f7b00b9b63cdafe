#pragma once

#include <memory>

#include "providers/provider.hpp"

namespace sbench::runner {

// Runs a provider's `command` as a pool of persistent JSON-lines workers
// (docs/RUNNER.md, "Command providers").
std::unique_ptr<Provider> make_command_provider(const ProviderConfig& config);

}  // namespace sbench::runner
