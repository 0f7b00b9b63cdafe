// A real suite run against a server that reports twice the tokens it
// streams (a test double: no real server misbehaves on demand). The case
// still measures, but the disagreement must reach the user: in the results,
// in the printed output, in the Markdown and the HTML report; and with
// run.strict it is a case error.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/fake_http_server.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace {

using sbench::testing::FakeHttpServer;
using sbench::testing::RecordedRequest;
using sbench::testing::Reply;
using sbench::testing::run_command;
using sbench::testing::shell_quote;

// An OpenAI-compatible chat server whose usage doubles what it streams.
Reply doubling_server(const RecordedRequest& request) {
  if (request.target == "/health")
    return sbench::testing::json_reply(R"({"status":"ok"})");
  if (request.target != "/v1/chat/completions")
    return sbench::testing::json_reply(R"({"error":{"message":"not here"}})", 404);
  const nlohmann::json body = nlohmann::json::parse(request.body);
  const int tokens = body.value("max_tokens", 16);
  const nlohmann::json usage = {
      {"prompt_tokens", 20}, {"completion_tokens", 2 * tokens}, {"total_tokens", 20 + 2 * tokens}};
  const auto chunk = [](nlohmann::json choices) {
    return nlohmann::json{{"id", "c"}, {"object", "chat.completion.chunk"}, {"choices", choices}};
  };
  if (!body.value("stream", false)) {
    nlohmann::json whole = {
        {"choices", {{{"index", 0}, {"message", {{"content", "x"}}}, {"finish_reason", "length"}}}},
        {"usage", usage}};
    return sbench::testing::json_reply(whole.dump());
  }
  Reply reply;
  reply.content_type = "text/event-stream";
  reply.pieces.push_back(
      "data: " + chunk({{{"index", 0}, {"delta", {{"role", "assistant"}}}}}).dump() + "\n\n");
  for (int i = 0; i < tokens; ++i)
    reply.pieces.push_back(
        "data: " +
        chunk({{{"index", 0}, {"delta", {{"content", "w"}}}, {"finish_reason", nullptr}}}).dump() +
        "\n\n");
  reply.pieces.push_back(
      "data: " +
      chunk({{{"index", 0}, {"delta", nlohmann::json::object()}, {"finish_reason", "length"}}})
          .dump() +
      "\n\n");
  nlohmann::json last = chunk(nlohmann::json::array());
  last["usage"] = usage;
  reply.pieces.push_back("data: " + last.dump() + "\n\ndata: [DONE]\n\n");
  return reply;
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class UsageCrossCheck : public ::testing::Test {
 protected:
  sbench::testing::CommandResult run_suite(const std::string& extra) {
    return run_command("env -u CI " + shell_quote(SBENCH_BENCHMARK_SUITE) +
                       " --benchmark_filter=throughput_tokens_per_sec --sbench-quick"
                       " --sbench-server-backend=openai --sbench-server-url=" +
                       server_.url() + " --sbench-output=" + shell_quote(results().string()) +
                       " --sbench-targets= --sbench-report " + extra);
  }
  std::filesystem::path results() const { return dir_.path("results.json"); }
  nlohmann::json the_case() const {
    const nlohmann::json document = nlohmann::json::parse(read(results()));
    for (const auto& entry : document["cases"]) {
      if (entry["case"] == "throughput_tokens_per_sec")
        return entry;
    }
    return nullptr;
  }

  sbench::testing::TempDir dir_;
  FakeHttpServer server_{doubling_server};
};

constexpr const char* kWarning = "usage disagrees with the stream";

TEST_F(UsageCrossCheck, ShowsInTheResultsTheOutputAndBothReports) {
  const auto ran = run_suite("");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  const nlohmann::json entry = the_case();
  ASSERT_TRUE(entry.is_object()) << read(results());
  EXPECT_EQ(entry["status"], "ok");
  EXPECT_GT(entry["checks"]["usage_mismatches"].get<int>(), 0);
  EXPECT_EQ(entry["checks"]["usage_mismatches"], entry["checks"]["streams"]);
  EXPECT_EQ(entry["checks"]["token_count_source"], "chunks (estimated)");
  EXPECT_NE(entry["warnings"].dump().find(kWarning), std::string::npos) << entry["warnings"];
  const nlohmann::json document = nlohmann::json::parse(read(results()));
  EXPECT_EQ(document["checks"]["failed_cases"].size(), 1u);
  EXPECT_NE(ran.output.find(kWarning), std::string::npos) << ran.output;
  EXPECT_NE(read(dir_.path("results_report.md")).find(kWarning), std::string::npos);
  EXPECT_NE(read(dir_.path("results_report.html")).find(kWarning), std::string::npos);
}

TEST_F(UsageCrossCheck, StrictMakesItACaseError) {
  const auto ran = run_suite("--sbench-strict");
  EXPECT_NE(ran.exit_code, 0) << ran.output;
  const nlohmann::json entry = the_case();
  ASSERT_TRUE(entry.is_object()) << read(results());
  EXPECT_EQ(entry["status"], "error");
  EXPECT_NE(entry["message"].get<std::string>().find(kWarning), std::string::npos)
      << entry["message"];
}

}  // namespace
