#include "load/request_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config/toml_json.hpp"
#include "load/arrivals.hpp"
#include "support/temp_dir.hpp"
#include "unit/runner/load/edited_options.hpp"

namespace sbench::runner {
namespace {

using ::testing::HasSubstr;

LoadTarget chat_target() {
  LoadTarget target(edited<TargetOptions>([](TargetOptions& o) { o.model = "m"; }));
  return target;
}

TEST(RequestSource, SyntheticPromptsDifferPerRequestAndCarryTheSettings) {
  const LoadTarget target = chat_target();
  const RequestSource source(edited<RequestShapeOptions>([](RequestShapeOptions& o) {
                               o.prompt_words = 6;
                               o.max_tokens = 9;
                               o.parameters = {"temperature=0", "stop=END"};
                             }),
                             target);
  const nlohmann::json first = source.body(0);
  const nlohmann::json second = source.body(1);
  EXPECT_NE(first["messages"][0]["content"], second["messages"][0]["content"]);
  EXPECT_EQ(first, source.body(0));  // the same index, the same request
  EXPECT_EQ(first["model"], "m");
  EXPECT_EQ(first["max_tokens"], 9);
  EXPECT_EQ(first["stream"], true);
  EXPECT_EQ(first["stream_options"]["include_usage"], true);
  EXPECT_EQ(first["temperature"], 0);
  EXPECT_EQ(first["stop"], "END");  // a bare word is a string
}

TEST(RequestSource, OllamaBodiesPutSamplingIntoOptions) {
  const LoadTarget target(edited<TargetOptions>([](TargetOptions& o) {
    o.backend = "ollama";
    o.model = "llama3";
  }));
  const RequestSource source(edited<RequestShapeOptions>([](RequestShapeOptions& o) {
                               o.max_tokens = 5;
                               o.parameters = {"temperature=0.2", "keep_alive=\"5m\""};
                             }),
                             target);
  const nlohmann::json body = source.body(3);
  EXPECT_EQ(body["options"]["num_predict"], 5);
  EXPECT_EQ(body["options"]["temperature"], 0.2);
  EXPECT_EQ(body["keep_alive"], "5m");
  EXPECT_FALSE(body.contains("stream_options"));
}

TEST(RequestSource, ASampleOfBatchLinesIsSentInTurnAndItsBytesAreItsIdentity) {
  testing::TempDir dir;
  const std::filesystem::path sample = dir.path("sample.jsonl");
  std::ofstream(sample)
      << R"({"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"messages":[{"role":"user","content":"one"}],"max_tokens":3}})"
      << "\n\n"
      << R"({"messages":[{"role":"user","content":"two"}]})"
      << "\n";
  const LoadTarget target = chat_target();
  const RequestSource source(edited<RequestShapeOptions>([&](RequestShapeOptions& o) {
                               o.sample = sample;
                               o.max_tokens = 7;
                             }),
                             target);
  EXPECT_EQ(source.body(0)["messages"][0]["content"], "one");
  EXPECT_EQ(source.body(0)["max_tokens"], 3);  // the sample's own wins
  EXPECT_EQ(source.body(1)["messages"][0]["content"], "two");
  EXPECT_EQ(source.body(1)["max_tokens"], 7);
  EXPECT_EQ(source.body(2), source.body(0));
  const std::string identity = source.identity().dump();
  std::ofstream(sample, std::ios::app) << R"({"messages":[{"role":"user","content":"three"}]})"
                                       << "\n";
  EXPECT_NE(RequestSource(edited<RequestShapeOptions>([&](RequestShapeOptions& o) {
                            o.sample = sample;
                            o.max_tokens = 7;
                          }),
                          target)
                .identity()
                .dump(),
            identity);
}

TEST(RequestSource, ABadSampleNamesTheFileAndTheLine) {
  testing::TempDir dir;
  const std::filesystem::path sample = dir.path("bad.jsonl");
  std::ofstream(sample) << R"({"messages":[]})"
                        << "\n"
                        << "{not json\n";
  const LoadTarget target = chat_target();
  try {
    RequestSource source(
        edited<RequestShapeOptions>([&](RequestShapeOptions& o) { o.sample = sample; }), target);
    FAIL() << "accepted a bad sample";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("bad.jsonl:2"));
  }
  std::ofstream(sample) << R"({"prompt":"only a prompt"})"
                        << "\n";
  EXPECT_THROW(
      RequestSource(edited<RequestShapeOptions>([&](RequestShapeOptions& o) { o.sample = sample; }),
                    target),
      InputError);  // chat needs messages
  EXPECT_THROW(RequestSource(edited<RequestShapeOptions>(
                                 [](RequestShapeOptions& o) { o.parameters = {"=1"}; }),
                             target),
               InputError);
}

TEST(Arrivals, EachScheduleHasTheRateAndTheSpreadItWasAskedFor) {
  auto mean_and_cv = [](const std::vector<double>& times) {
    std::vector<double> gaps;
    for (std::size_t i = 1; i < times.size(); ++i)
      gaps.push_back(times[i] - times[i - 1]);
    double mean = 0;
    for (double gap : gaps)
      mean += gap / static_cast<double>(gaps.size());
    double variance = 0;
    for (double gap : gaps)
      variance += (gap - mean) * (gap - mean) / static_cast<double>(gaps.size() - 1);
    return std::pair{mean, std::sqrt(variance) / mean};
  };
  const auto [constant_mean, constant_cv] =
      mean_and_cv(arrival_times(Arrivals::constant, 4, 1000, 1, 1));
  EXPECT_NEAR(constant_mean, 0.25, 1e-12);
  EXPECT_NEAR(constant_cv, 0, 1e-9);
  const auto [poisson_mean, poisson_cv] =
      mean_and_cv(arrival_times(Arrivals::poisson, 4, 20000, 1, 7));
  EXPECT_NEAR(poisson_mean, 0.25, 0.01);
  EXPECT_NEAR(poisson_cv, 1.0, 0.05);
  const auto [gamma_mean, gamma_cv] = mean_and_cv(arrival_times(Arrivals::gamma, 4, 20000, 3, 7));
  EXPECT_NEAR(gamma_mean, 0.25, 0.02);
  EXPECT_NEAR(gamma_cv, 3.0, 0.3);
  EXPECT_EQ(arrival_times(Arrivals::poisson, 4, 50, 1, 9),
            arrival_times(Arrivals::poisson, 4, 50, 1, 9));
}

}  // namespace
}  // namespace sbench::runner
