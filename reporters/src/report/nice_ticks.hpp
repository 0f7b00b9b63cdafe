#pragma once

#include <string>
#include <vector>

namespace sbench::reporters::detail {

// Axis ticks at round numbers (1, 2 or 5 times a power of ten) that cover a
// data range, as a person would draw them.
struct Ticks {
  double low = 0;   // first tick, <= the data's minimum
  double high = 1;  // last tick, >= the data's maximum
  double step = 1;
  std::vector<double> values;  // low, low + step, ..., high
};

// About `count` ticks covering [low, high]. An empty range (low == high) is
// widened around its value so it still gets an axis.
Ticks nice_ticks(double low, double high, int count = 5);

// A tick's label with as many decimals as the step needs ("0.5", "2000").
std::string tick_label(double value, double step);

}  // namespace sbench::reporters::detail
