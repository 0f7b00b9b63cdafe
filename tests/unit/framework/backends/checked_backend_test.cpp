// What every backend records for the cross-checks (docs/MEASURING.md), here
// against a test double speaking sbench-server's agent API: a server whose
// loads are claimed by its counts but save no time is caught by the clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sbench/backend.hpp"
#include "sbench/measurement_checks.hpp"
#include "support/backend_test_support.hpp"

namespace sbench {
namespace {

using std::chrono::milliseconds;
using testing::RecordedRequest;
using testing::Reply;

// An agent stream whose first token comes after `first_token` and whose
// usage says `cached` tokens were reused.
Reply agent_stream(milliseconds first_token, int prompt, int cached) {
  Reply reply;
  reply.content_type = "text/event-stream";
  reply.pieces = {
      "data: {\"tokens\":[70],\"text\":\"a\"}\n\n", "data: {\"tokens\":[71],\"text\":\"b\"}\n\n",
      "data: " +
          nlohmann::json{
              {"finish_reason", "length"},
              {"usage",
               {{"prompt_tokens", prompt}, {"completion_tokens", 2}, {"cached_tokens", cached}}}}
              .dump() +
          "\n\ndata: [DONE]\n\n"};
  reply.delays = {first_token, milliseconds(5), milliseconds(1)};
  return reply;
}

// Cold prefills take `cold` to the first token; a resume takes `resume`.
class ScriptedAgentServer {
 public:
  ScriptedAgentServer(milliseconds cold, milliseconds resume)
      : server_([cold, resume](const RecordedRequest& request) {
          if (request.target.ends_with("/load"))
            return testing::json_reply(R"({"tokens":400,"bytes":1000,"ms":1.0})");
          if (!request.target.ends_with("/generate"))
            return testing::json_reply("{}");
          const auto body = nlohmann::json::parse(request.body);
          if (body.contains("prompt_tokens"))  // a fresh context
            return agent_stream(cold, body["prompt_tokens"], 0);
          return agent_stream(resume, 1, 400);
        }) {}

  testing::FakeHttpServer& server() { return server_; }

 private:
  testing::FakeHttpServer server_;
};

GenerateRequest streamed(const std::string& agent, Prompt prompt) {
  GenerateRequest request;
  request.agent = agent;
  request.prompt = std::move(prompt);
  request.max_tokens = 2;
  request.stream = true;
  return request;
}

MeasurementChecks cold_then_resume(milliseconds cold, milliseconds resume) {
  ScriptedAgentServer scripted(cold, resume);
  auto backend = testing::backend_for(Backend::reference, scripted.server());
  measurement_log::take();  // only this scenario's records
  EXPECT_EQ(backend->create_agent("a"), "");
  EXPECT_TRUE(backend->generate(streamed("a", PromptTokens{400})).ok());
  EXPECT_TRUE(backend->load_agent("a").ok());
  const GenerateResult resumed = backend->generate(streamed("a", "x"));
  EXPECT_TRUE(resumed.ok()) << resumed.error << " (the server's own count says it reused)";
  return measurement_log::take();
}

TEST(CheckedBackend, AResumeAsSlowAsAColdPrefillIsFlagged) {
  const MeasurementChecks checks = cold_then_resume(milliseconds(200), milliseconds(180));
  EXPECT_EQ(checks.resumes_timed, 1u);
  EXPECT_EQ(checks.resumes_without_time_saved, 1u);
  EXPECT_TRUE(checks.failed());
  ASSERT_FALSE(checks.warnings.empty());
  EXPECT_NE(checks.warnings[0].find("load claimed, no time saved: agent a loaded 400 tokens"),
            std::string::npos)
      << checks.warnings[0];
}

TEST(CheckedBackend, AFastResumePasses) {
  const MeasurementChecks checks = cold_then_resume(milliseconds(200), milliseconds(5));
  EXPECT_EQ(checks.resumes_timed, 1u);
  EXPECT_EQ(checks.resumes_without_time_saved, 0u);
  EXPECT_FALSE(checks.failed());
  EXPECT_EQ(checks.generations, 2u);
  EXPECT_EQ(checks.streams, 2u);
  EXPECT_EQ(checks.token_count_source(), "server");
}

TEST(CheckedBackend, WithoutAColdPrefillSeenNothingIsTimed) {
  ScriptedAgentServer scripted(milliseconds(200), milliseconds(180));
  auto backend = testing::backend_for(Backend::reference, scripted.server());
  measurement_log::take();
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->load_agent("a").ok());
  ASSERT_TRUE(backend->generate(streamed("a", "x")).ok());
  const MeasurementChecks checks = measurement_log::take();
  EXPECT_EQ(checks.resumes_timed, 0u);
  EXPECT_FALSE(checks.failed());
}

}  // namespace
}  // namespace sbench
