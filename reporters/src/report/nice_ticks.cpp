#include "report/nice_ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sbench::reporters::detail {
namespace {

// The round number (1, 2, 5 or 10 times a power of ten) nearest to `value`.
double round_step(double value) {
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  const double fraction = value / power;
  if (fraction < 1.5)
    return power;
  if (fraction < 3)
    return 2 * power;
  if (fraction < 7)
    return 5 * power;
  return 10 * power;
}

}  // namespace

Ticks nice_ticks(double low, double high, int count) {
  if (low > high)
    std::swap(low, high);
  if (low == high) {
    const double pad = low == 0 ? 1 : std::fabs(low) * 0.5;
    low -= pad;
    high += pad;
  }
  Ticks ticks;
  ticks.step = round_step((high - low) / std::max(count - 1, 1));
  ticks.low = std::floor(low / ticks.step) * ticks.step;
  ticks.high = std::ceil(high / ticks.step) * ticks.step;
  const int steps = static_cast<int>(std::lround((ticks.high - ticks.low) / ticks.step));
  for (int i = 0; i <= steps; ++i)
    ticks.values.push_back(ticks.low + i * ticks.step);
  return ticks;
}

std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step))), 0, 9);
  if (std::fabs(value) < step * 1e-9)
    value = 0;  // no "-0"
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace sbench::reporters::detail
