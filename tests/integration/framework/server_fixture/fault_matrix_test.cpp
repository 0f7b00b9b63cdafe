// The fault matrix of a suite run: the real probe suite process against an
// OpenAI-compatible server that misbehaves on its N-th generation (a test
// double: no real server misbehaves on demand). For each fault: the run ends
// within its timeout, the output and the case's entry in the results file
// name the cause, and the cases before the fault are kept as measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probe_suite.hpp"
#include "support/fake_http_server.hpp"
#include "support/run_command.hpp"

namespace {

using namespace std::chrono_literals;
using sbench::testing::FakeHttpServer;
using sbench::testing::ProbeSuite;
using sbench::testing::RecordedRequest;
using sbench::testing::Reply;

std::string event(const nlohmann::json& chunk) {
  return "data: " + chunk.dump() + "\n\n";
}

nlohmann::json chunk(nlohmann::json choices) {
  return {{"id", "c"}, {"object", "chat.completion.chunk"}, {"choices", std::move(choices)}};
}

nlohmann::json token_chunk() {
  return chunk({{{"index", 0}, {"delta", {{"content", "w"}}}, {"finish_reason", nullptr}}});
}

// A whole answer to the probe's generation: its 4 tokens, the end, the usage.
std::vector<std::string> good_stream() {
  std::vector<std::string> pieces(4, event(token_chunk()));
  pieces.push_back(event(
      chunk({{{"index", 0}, {"delta", nlohmann::json::object()}, {"finish_reason", "length"}}})));
  nlohmann::json last = chunk(nlohmann::json::array());
  last["usage"] = {{"prompt_tokens", 1}, {"completion_tokens", 4}, {"total_tokens", 5}};
  pieces.push_back(event(last) + "data: [DONE]\n\n");
  return pieces;
}

Reply stream_reply(std::vector<std::string> pieces) {
  return sbench::testing::streamed_reply("text/event-stream", std::move(pieces));
}

// Healthy; generation number `fault_at` (from 1) gets `fault`, and with
// `storm` so does every one after it; the others get good_stream().
class FaultyServer {
 public:
  FaultyServer(int fault_at, Reply fault, bool storm = false)
      : fault_at_(fault_at), fault_(std::move(fault)), storm_(storm) {}

  std::string url() const { return server_.url(); }

 private:
  Reply answer(const RecordedRequest& request) {
    if (request.target != "/v1/chat/completions")  // /health, /v1/models
      return sbench::testing::json_reply(R"({"status":"ok","data":[]})");
    const int number = ++generations_;
    if (number == fault_at_ || (storm_ && number > fault_at_))
      return fault_;
    return stream_reply(good_stream());
  }

  const int fault_at_;
  const Reply fault_;
  const bool storm_;
  std::atomic<int> generations_{0};
  FakeHttpServer server_{[this](const RecordedRequest& request) { return answer(request); }};
};

class FaultMatrix : public ::testing::Test {
 protected:
  // The probe's streaming cases against `url`, each request bounded by 2 s.
  ProbeSuite::Run run(const std::string& url, const std::string& filter = "stream_",
                      const std::string& wrapper = "") {
    return suite_.run({"--sbench-server-backend=openai", "--sbench-server-url=" + url,
                       "--sbench-server-startup-timeout-s=1", "--benchmark_filter=" + filter},
                      wrapper);
  }

  // The run failed within `bound`, naming `cause` in its output and in the
  // case's entry, and kept the first case as measured.
  void expect_failed_second_case(const ProbeSuite::Run& ran, const std::string& cause,
                                 std::chrono::seconds bound = 8s) {
    EXPECT_LT(ran.took, bound);
    EXPECT_EQ(ran.command.exit_code, 1) << ran.command.output;
    EXPECT_NE(ran.command.output.find(cause), std::string::npos) << ran.command.output;
    EXPECT_EQ(suite_.case_entry("stream_first")["status"], "ok") << suite_.document();
    const nlohmann::json failed = suite_.case_entry("stream_second");
    EXPECT_EQ(failed["status"], "error") << failed;
    EXPECT_NE(failed.value("message", "").find(cause), std::string::npos) << failed;
  }

  ProbeSuite suite_;
};

TEST_F(FaultMatrix, ServerNeverHealthyFailsEveryCaseNamingTheHealthCheck) {
  FakeHttpServer unhealthy([](const RecordedRequest&) {
    return sbench::testing::json_reply(R"({"error":"warming up"})", 503);
  });
  const auto ran = run(unhealthy.url());
  EXPECT_LT(ran.took, 8s);
  EXPECT_EQ(ran.command.exit_code, 1) << ran.command.output;
  const std::string cause = "did not answer GET /health with 200 within 1";
  EXPECT_NE(ran.command.output.find(cause), std::string::npos) << ran.command.output;
  for (const char* name : {"stream_first", "stream_second", "stream_third"}) {
    const nlohmann::json entry = suite_.case_entry(name);
    EXPECT_EQ(entry["status"], "error") << name << ": " << suite_.document();
    EXPECT_NE(entry.value("message", "").find("(last: HTTP 503"), std::string::npos) << entry;
  }
  for (const RecordedRequest& request : unhealthy.requests())
    EXPECT_EQ(request.target, "/health");  // nothing was sent to a server not ready
}

TEST_F(FaultMatrix, TruncatedStreamFailsItsCaseOnly) {
  std::vector<std::string> pieces = good_stream();
  pieces.resize(2);  // two tokens, then the connection closes
  const FaultyServer server(2, stream_reply(pieces));
  const auto ran = run(server.url());
  expect_failed_second_case(ran, "the answer was cut short");
  EXPECT_EQ(suite_.case_entry("stream_third")["status"], "ok") << suite_.document();
}

TEST_F(FaultMatrix, MalformedEventFailsItsCaseOnly) {
  const FaultyServer server(
      2, stream_reply({event(token_chunk()), "data: {\"choices\": [\n\n", "data: [DONE]\n\n"}));
  const auto ran = run(server.url());
  expect_failed_second_case(ran, "malformed stream event (not JSON): {\"choices\": [");
  EXPECT_EQ(suite_.case_entry("stream_third")["status"], "ok") << suite_.document();
}

TEST_F(FaultMatrix, ConnectionResetMidStreamFailsItsCaseOnly) {
  Reply reset = stream_reply({event(token_chunk())});
  reset.reset = true;
  const FaultyServer server(2, reset);
  const auto ran = run(server.url());
  expect_failed_second_case(ran, "reset");
  EXPECT_EQ(suite_.case_entry("stream_third")["status"], "ok") << suite_.document();
}

class RefusalStorm : public FaultMatrix, public ::testing::WithParamInterface<int> {};

// The backends do not retry (a retry would hide the refusal in the timing):
// every refused case fails at once with the status and the server's words.
TEST_P(RefusalStorm, FailsEveryRefusedCaseWithTheStatusAndTheServersMessage) {
  Reply refusal =
      sbench::testing::json_reply(R"({"error":{"message":"slow down please"}})", GetParam());
  refusal.headers = {"Retry-After: 30"};
  const FaultyServer server(2, refusal, /*storm=*/true);
  const auto ran = run(server.url());
  expect_failed_second_case(ran, std::to_string(GetParam()));
  const nlohmann::json third = suite_.case_entry("stream_third");
  EXPECT_EQ(third["status"], "error") << third;
  EXPECT_NE(third.value("message", "").find("slow down please"), std::string::npos) << third;
}

INSTANTIATE_TEST_SUITE_P(TooManyRequestsAndUnavailable, RefusalStorm, ::testing::Values(429, 503));

TEST_F(FaultMatrix, StreamHangingMidWayFailsAtTheRequestTimeout) {
  Reply hang = stream_reply({event(token_chunk()), event(token_chunk())});
  // Silent far past the probe's 2 s timeout: a run that ends within 6 s ended
  // by the timeout, with room for a slow start on a busy machine.
  hang.delays = {0ms, 8s};
  const FaultyServer server(2, hang);
  const auto ran = run(server.url(), "stream_first|stream_second");
  expect_failed_second_case(ran, "timeout", 6s);
}

// The results directory on a 4 KiB tmpfs of its own (unshare -Urm: no root
// needed): room for one part, not for the merged file too. The run says why
// it failed and leaves no temporary file.
TEST_F(FaultMatrix, FullDiskAtResultsSaveFailsTheRunNamingTheCause) {
  if (sbench::testing::run_command("unshare -Urm true").exit_code != 0)
    GTEST_SKIP() << "unshare -Urm is not permitted here: no private tmpfs to fill";
  const FaultyServer server(0, {});  // never faults
  const std::string results_dir = suite_.results().parent_path().string();
  // After the suite, and still in the namespace, list what it left there.
  const std::string script =
      R"sh(mount -t tmpfs -o size=4k tmpfs "$0" && "$@"; echo "exit $?"; find "$0" -type f)sh";
  const auto ran = run(server.url(), "stream_first",
                       "unshare -Urm sh -c " + sbench::testing::shell_quote(script) + " " +
                           sbench::testing::shell_quote(results_dir));
  EXPECT_LT(ran.took, 8s);
  const std::string& output = ran.command.output;
  EXPECT_NE(output.find("exit 1\n"), std::string::npos) << output;
  EXPECT_NE(output.find("results not saved after this case: cannot write"), std::string::npos)
      << output;
  EXPECT_NE(output.find("sbench: error: cannot write"), std::string::npos) << output;
  EXPECT_NE(output.find("No space left on device"), std::string::npos) << output;
  // What find listed: no temporary file; the part the refresh after the case
  // could still write is kept, though the final one could not replace it.
  const std::string left = output.substr(std::min(output.find("exit 1\n"), output.size()));
  EXPECT_EQ(left.find(".tmp"), std::string::npos) << left;
  EXPECT_NE(left.find("results.parts/fixture_probe_suite."), std::string::npos) << left;
}

}  // namespace
