#pragma once

#include <functional>
#include <ostream>
#include <string_view>

namespace sbench::runner {

// The exit code of `body`, its errors reported alike by every runner
// command: "<command>: <what>" for bad input (exit 2), "<command>: error:
// <what>" for anything else (exit 1).
int reporting_errors(std::string_view command, std::ostream& err, const std::function<int()>& body);

}  // namespace sbench::runner
