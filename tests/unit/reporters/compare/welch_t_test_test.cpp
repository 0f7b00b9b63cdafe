#include "compare/welch_t_test.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace sbench::reporters::detail {
namespace {

TEST(RegularizedIncompleteBeta, MatchesClosedForms) {
  // I_x(1, b) = 1 - (1 - x)^b, I_x(a, 1) = x^a, I_x(a, a) at 1/2 is 1/2.
  EXPECT_NEAR(regularized_incomplete_beta(1, 4, 0.3), 1 - std::pow(0.7, 4), 1e-12);
  EXPECT_NEAR(regularized_incomplete_beta(3, 1, 0.6), std::pow(0.6, 3), 1e-12);
  EXPECT_NEAR(regularized_incomplete_beta(7.5, 7.5, 0.5), 0.5, 1e-12);
  // I_x(2, 3) = 6x^2(1/2 - 2x/3 + x^2/4) = 0.6875 at x = 1/2.
  EXPECT_NEAR(regularized_incomplete_beta(2, 3, 0.5), 0.6875, 1e-12);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0), 0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1), 1);
}

TEST(RegularizedIncompleteBeta, RejectsArgumentsOutsideItsDomain) {
  EXPECT_THROW(regularized_incomplete_beta(0, 1, 0.5), std::domain_error);
  EXPECT_THROW(regularized_incomplete_beta(1, 1, 1.5), std::domain_error);
  EXPECT_THROW(regularized_incomplete_beta(1, 1, std::nan("")), std::domain_error);
}

TEST(StudentTCdf, MatchesTableValues) {
  EXPECT_NEAR(student_t_cdf(0, 7), 0.5, 1e-12);
  EXPECT_NEAR(student_t_cdf(1, 1), 0.75, 1e-12);  // Cauchy: 1/2 + atan(1)/pi
  EXPECT_NEAR(student_t_cdf(-1, 1), 0.25, 1e-12);
  EXPECT_NEAR(student_t_cdf(2.015048, 5), 0.95, 1e-6);    // t table, 5 dof
  EXPECT_NEAR(student_t_cdf(2.228139, 10), 0.975, 1e-6);  // t table, 10 dof
  EXPECT_NEAR(student_t_cdf(-2.228139, 10), 0.025, 1e-6);
  EXPECT_NEAR(student_t_cdf(1.959964, 1e7), 0.975, 1e-6);  // the normal limit
}

TEST(WelchTTest, MatchesAWorkedExample) {
  // Welch's t-test, example 1 on Wikipedia: t = -2.46, 24.99 dof, p = 0.0214.
  const std::vector<double> a = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                                 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> b = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                                 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  const std::optional<double> p = welch_t_test_p_value(a, b);
  ASSERT_TRUE(p);
  EXPECT_NEAR(*p, 0.021378, 1e-5);
  EXPECT_NEAR(*welch_t_test_p_value(b, a), *p, 1e-12);
}

TEST(WelchTTest, SeparatedSamplesDifferAndOverlappingOnesDoNot) {
  EXPECT_LT(*welch_t_test_p_value({41.8, 42.5, 42.1}, {37.6, 38.3, 37.9}), 0.05);
  EXPECT_GT(*welch_t_test_p_value({10, 14, 12}, {11, 15, 12.5}), 0.05);
}

TEST(WelchTTest, SamplesWithoutSpread) {
  EXPECT_EQ(*welch_t_test_p_value({5, 5, 5}, {5, 5, 5}), 1);
  EXPECT_EQ(*welch_t_test_p_value({5, 5, 5}, {6, 6, 6}), 0);
}

TEST(WelchTTest, NeedsTwoValuesASide) {
  EXPECT_FALSE(welch_t_test_p_value({1}, {1, 2, 3}));
  EXPECT_FALSE(welch_t_test_p_value({1, 2, 3}, {}));
}

}  // namespace
}  // namespace sbench::reporters::detail
