#pragma once

#include <string>

namespace sbench::reporters::detail {

// Short, exact enough for a report: 4 significant digits, no exponent for
// ordinary magnitudes ("61.3", "2.339", "11020").
std::string format_number(double value);

}  // namespace sbench::reporters::detail
