#include "sweep/goodput.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sbench::runner {
namespace {

using std::chrono::milliseconds;

// Probes pass up to `limit` requests/s: the search must land within 5% below it.
double search(double start, double limit, int* probes = nullptr) {
  GoodputSearch goodput(start);
  int count = 0;
  while (const std::optional<double> rate = goodput.next()) {
    goodput.record(*rate, *rate <= limit, /*in_flight=*/1.0);
    ++count;
  }
  if (probes != nullptr)
    *probes = count;
  return goodput.best().value_or(0);
}

TEST(GoodputSearch, ClimbsThenBisectsToWithinFivePercentOfTheLimit) {
  int probes = 0;
  const double found = search(1, 37, &probes);
  EXPECT_LE(found, 37);
  EXPECT_GE(found, 37 * 0.95);
  EXPECT_LE(probes, 12);
}

TEST(GoodputSearch, HalvesWhenTheFirstRateAlreadyFails) {
  const double found = search(40, 3.3);
  EXPECT_LE(found, 3.3);
  EXPECT_GE(found, 3.3 * 0.95);
}

TEST(GoodputSearch, GivesUpRatherThanProbingForeverWhenNothingPasses) {
  EXPECT_EQ(search(1, 0), 0);
}

TEST(GoodputSearch, StopsHalvingOnceAProbeMissedOnAnIdleServer) {
  // Every request takes 500 ms, over an SLO of less: at 40 req/s 20 are in
  // flight, at 0.625 req/s 0.31, and lower rates cannot help.
  GoodputSearch goodput(40);
  std::vector<double> probed;
  while (const std::optional<double> rate = goodput.next()) {
    probed.push_back(*rate);
    goodput.record(*rate, false, *rate * 0.5);
  }
  EXPECT_EQ(probed.back(), 0.625);
  EXPECT_EQ(probed.size(), 7u);
  EXPECT_FALSE(goodput.best().has_value());
}

TEST(GoodputJson, ARequestMeetsTheSlosOnlyIfItMeetsEveryOne) {
  const LoadClock::time_point t0{};
  auto record = [&](int ttft_ms, int end_ms, int pieces, std::string error = "") {
    RequestRecord r;
    r.scheduled = r.sent = t0;
    r.done = t0 + milliseconds(end_ms);
    for (int i = 0; i < pieces; ++i)
      r.token_times.push_back(t0 + milliseconds(ttft_ms) +
                              (milliseconds(end_ms - ttft_ms) * i) / std::max(1, pieces - 1));
    r.error_kind = std::move(error);
    return r;
  };
  const std::vector<RequestRecord> records = {
      record(100, 500, 5),             // meets all: TTFT 100, gaps 100, e2e 500
      record(300, 600, 4),             // TTFT too long
      record(100, 1900, 10),           // gaps of 200 ms: ITL too long
      record(100, 500, 5, "timeout"),  // failed
  };
  const nlohmann::json slo = {{"ttft_ms", 200}, {"itl_ms", 150}, {"e2e_ms", 2000}};
  const nlohmann::json result = goodput_json(records, slo);
  EXPECT_EQ(result["met"], 1);
  EXPECT_EQ(result["requests"], 4);
  EXPECT_DOUBLE_EQ(result["met_share"].get<double>(), 0.25);
  EXPECT_EQ(goodput_json(records, {{"e2e_ms", 1000}})["met"], 2);
}

}  // namespace
}  // namespace sbench::runner
