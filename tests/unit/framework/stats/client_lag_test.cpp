#include "sbench/stats/client_lag.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sbench::stats {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

std::vector<nanoseconds> delays(std::size_t on_time, std::size_t late) {
  std::vector<nanoseconds> result(on_time, microseconds(50));
  result.insert(result.end(), late, milliseconds(3));
  return result;
}

TEST(ClientLag, OnePercentLateIsTolerated) {
  const ClientLag lag = detect_client_lag(delays(99, 1));
  EXPECT_EQ(lag.late, 1u);
  EXPECT_DOUBLE_EQ(lag.late_fraction, 0.01);
  EXPECT_FALSE(lag.lagging);
  EXPECT_EQ(client_lag_warning(lag), "");
}

TEST(ClientLag, MoreThanOnePercentLateWarns) {
  const ClientLag lag = detect_client_lag(delays(98, 2));
  EXPECT_TRUE(lag.lagging);
  EXPECT_EQ(lag.worst, milliseconds(3));
  EXPECT_NE(client_lag_warning(lag).find("2 of 100"), std::string::npos);
}

TEST(ClientLag, ThresholdIsConfigurable) {
  const ClientLag lag = detect_client_lag(delays(10, 0), {.late_after = microseconds(10)});
  EXPECT_EQ(lag.late, 10u);
  EXPECT_TRUE(lag.lagging);
}

TEST(ClientLag, NoRequestsIsNotLagging) {
  EXPECT_FALSE(detect_client_lag({}).lagging);
}

}  // namespace
}  // namespace sbench::stats
