#include "compare/welch_t_test.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace sbench::reporters::detail {
namespace {

// The continued fraction of I_x(a, b) by the modified Lentz method; it
// converges fast for x < (a + 1) / (a + b + 2).
double incomplete_beta_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 300;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;
  const double qab = a + b;
  const double qap = a + 1;
  const double qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny)
    d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    d = std::fabs(d) < kTiny ? kTiny : d;
    c = 1 + aa / c;
    c = std::fabs(c) < kTiny ? kTiny : c;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    d = std::fabs(d) < kTiny ? kTiny : d;
    c = 1 + aa / c;
    c = std::fabs(c) < kTiny ? kTiny : c;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon)
      break;
  }
  return h;
}

struct Sample {
  double mean = 0;
  double variance = 0;  // unbiased
  double size = 0;
};

Sample describe(const std::vector<double>& values) {
  Sample sample;
  sample.size = static_cast<double>(values.size());
  sample.mean = std::accumulate(values.begin(), values.end(), 0.0) / sample.size;
  for (const double value : values)
    sample.variance += (value - sample.mean) * (value - sample.mean);
  sample.variance /= sample.size - 1;
  return sample;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) {
    throw std::domain_error(
        "regularized incomplete beta needs a, b > 0 and 0 <= x <= 1, got a=" + std::to_string(a) +
        " b=" + std::to_string(b) + " x=" + std::to_string(x));
  }
  if (x == 0 || x == 1)
    return x;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2))
    return front * incomplete_beta_fraction(a, b, x) / a;
  return 1 - front * incomplete_beta_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double degrees_of_freedom) {
  if (!(degrees_of_freedom > 0))
    throw std::domain_error("Student's t needs degrees of freedom > 0");
  if (std::isinf(t))
    return t > 0 ? 1 : 0;
  const double x = degrees_of_freedom / (degrees_of_freedom + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(degrees_of_freedom / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

std::optional<double> welch_t_test_p_value(const std::vector<double>& a,
                                           const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2)
    return std::nullopt;
  const Sample first = describe(a);
  const Sample second = describe(b);
  const double first_term = first.variance / first.size;
  const double second_term = second.variance / second.size;
  const double standard_error_squared = first_term + second_term;
  if (standard_error_squared == 0)
    return first.mean == second.mean ? 1.0 : 0.0;
  const double t = (first.mean - second.mean) / std::sqrt(standard_error_squared);
  // Welch–Satterthwaite degrees of freedom.
  const double dof =
      standard_error_squared * standard_error_squared /
      (first_term * first_term / (first.size - 1) + second_term * second_term / (second.size - 1));
  // Two-sided: P(|T| >= |t|) = I_{dof / (dof + t^2)}(dof / 2, 1 / 2).
  return regularized_incomplete_beta(dof / 2, 0.5, dof / (dof + t * t));
}

}  // namespace sbench::reporters::detail
