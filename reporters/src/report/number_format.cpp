#include "report/number_format.hpp"

#include <cmath>
#include <cstdio>

namespace sbench::reporters::detail {

std::string format_number(double value) {
  if (!std::isfinite(value))
    return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char text[64];
  // %g would switch to an exponent from 10000 on; large values read better whole.
  if (std::fabs(value) >= 1e4 && std::fabs(value) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace sbench::reporters::detail
