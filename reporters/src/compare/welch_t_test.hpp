#pragma once

#include <optional>
#include <vector>

namespace sbench::reporters::detail {

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and
// 0 <= x <= 1 (continued fraction, as in Numerical Recipes' betacf).
// Throws std::domain_error outside that domain.
double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for Student's t distribution with `degrees_of_freedom` > 0.
double student_t_cdf(double t, double degrees_of_freedom);

// Two-sided p-value of Welch's unequal-variances t-test that the two samples
// have the same mean; none when a sample has fewer than two values. Two
// samples without any spread are either identical (p = 1) or apart (p = 0).
std::optional<double> welch_t_test_p_value(const std::vector<double>& a,
                                           const std::vector<double>& b);

}  // namespace sbench::reporters::detail
