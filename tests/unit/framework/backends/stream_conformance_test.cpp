// The backend conformance suite (docs/MEASURING.md): a scripted stream server
// (FakeHttpServer, a test double) replays the ways real servers stream, in
// each backend's wire format, and every backend must time and count it right.
// The truth is the moment the double handed each event's last byte to the
// socket; TTFT and ITL must match it to within 1 ms, and token counts exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sbench/backend.hpp"
#include "support/backend_test_support.hpp"

namespace sbench {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using Clock = std::chrono::steady_clock;

// One step of a scripted stream, in no backend's format yet.
struct Step {
  enum class Kind {
    token,    // generated text carrying `tokens` tokens
    empty,    // an event with empty generated text
    role,     // a chat role delta (other formats: an empty event)
    comment,  // an SSE keep-alive comment (NDJSON: nothing)
    finish,   // the end: finish_reason / stop / done, with usage unless `no_usage`
    done,     // data: [DONE] (formats without it: nothing)
    error,    // an error event
    usage,    // OpenAI's usage-only chunk (other formats: nothing)
  };
  Kind kind;
  int delay_ms = 0;
  std::string text;
  std::size_t tokens = 0;
};

Step token(int delay_ms, std::string text, std::size_t tokens = 1) {
  return {Step::Kind::token, delay_ms, std::move(text), tokens};
}
Step event(Step::Kind kind, int delay_ms = 0) {
  return {kind, delay_ms, "", 0};
}

// How a scenario frames its events on the wire.
struct Framing {
  std::string line_end = "\n";
  bool split_events = false;     // each event in two TCP writes, cut mid-JSON
  bool no_usage = false;         // the final event carries no usage
  std::size_t usage_tokens = 0;  // 0: the scripted truth
};

// The wire formats under test.
enum class Format {
  reference,
  openai_chat,
  openai_completions,
  openai_continuous,
  llamacpp,
  llamacpp_chat,  // llama.cpp's /v1/chat/completions on an agent's slot
  ollama,
  ollama_chat,  // Ollama's /api/chat
};

std::string format_name(Format format) {
  switch (format) {
    case Format::reference:
      return "reference";
    case Format::openai_chat:
      return "openai_chat";
    case Format::openai_completions:
      return "openai_completions";
    case Format::openai_continuous:
      return "openai_chat_continuous_usage";
    case Format::llamacpp:
      return "llamacpp";
    case Format::llamacpp_chat:
      return "llamacpp_chat";
    case Format::ollama:
      return "ollama";
    case Format::ollama_chat:
      return "ollama_chat";
  }
  return "?";
}

// Formats whose wire shape is OpenAI's, and Ollama's NDJSON ones.
bool is_openai(Format format) {
  return format == Format::openai_chat || format == Format::openai_completions ||
         format == Format::openai_continuous || format == Format::llamacpp_chat;
}

bool is_ollama(Format format) {
  return format == Format::ollama || format == Format::ollama_chat;
}

// Whether the format states each event's token count (else one event with
// text is one token, an estimate).
bool states_counts(Format format) {
  return format == Format::reference || format == Format::llamacpp ||
         format == Format::openai_continuous;
}

class Encoder {
 public:
  Encoder(Format format, Framing framing) : format_(format), framing_(std::move(framing)) {}

  // The bytes of one step; empty when the format has no such thing.
  std::string encode(const Step& step, std::size_t truth_tokens) {
    using Kind = Step::Kind;
    const std::size_t usage = framing_.usage_tokens ? framing_.usage_tokens : truth_tokens;
    switch (step.kind) {
      case Kind::comment:
        return is_ollama(format_) ? "" : sse(": keep-alive");
      case Kind::done:
        return format_ == Format::llamacpp || is_ollama(format_) ? "" : data("[DONE]");
      case Kind::error:
        return line(R"({"error":{"message":"boom: the engine failed"}})");
      case Kind::usage:
        return is_openai(format_) && !framing_.no_usage
                   ? line(openai_envelope(nlohmann::json::array(), usage).dump())
                   : "";
      case Kind::token:
        generated_ += step.tokens;
        return line(token_json(step.text, step.tokens).dump());
      case Kind::empty:
      case Kind::role:
        return line(empty_json(step.kind == Kind::role).dump());
      case Kind::finish:
        return line(finish_json(usage).dump());
    }
    return "";
  }

 private:
  std::string sse(const std::string& text) const {
    return text + framing_.line_end + framing_.line_end;
  }
  std::string data(const std::string& json) const { return sse("data: " + json); }
  std::string line(const std::string& json) const {
    return is_ollama(format_) ? json + "\n" : data(json);
  }

  nlohmann::json usage_json(std::size_t completion) const {
    return {
        {"prompt_tokens", 5}, {"completion_tokens", completion}, {"total_tokens", 5 + completion}};
  }

  nlohmann::json openai_envelope(nlohmann::json choices, std::optional<std::size_t> usage) const {
    nlohmann::json chunk = {{"id", "x"}, {"object", "chunk"}, {"model", "m"}, {"choices", choices}};
    if (usage)
      chunk["usage"] = usage_json(*usage);
    return chunk;
  }

  nlohmann::json openai_choice(nlohmann::json delta, nlohmann::json finish) const {
    nlohmann::json choice = {{"index", 0}, {"finish_reason", std::move(finish)}};
    if (format_ == Format::openai_completions)
      choice["text"] = delta.value("content", "");
    else
      choice["delta"] = std::move(delta);
    return choice;
  }

  std::optional<std::size_t> running_usage() const {
    if (format_ != Format::openai_continuous || framing_.no_usage)
      return std::nullopt;
    return generated_;
  }

  nlohmann::json token_json(const std::string& text, std::size_t tokens) const {
    switch (format_) {
      case Format::reference:
        return {{"tokens", std::vector<int>(tokens, 65)}, {"text", text}};
      case Format::llamacpp:
        // No ids: the running tokens_predicted is the count.
        return {{"content", text},
                {"tokens", nlohmann::json::array()},
                {"stop", false},
                {"tokens_predicted", generated_},
                {"tokens_evaluated", 5}};
      case Format::ollama:
        return {{"model", "m"}, {"response", text}, {"done", false}};
      case Format::ollama_chat:
        return {{"model", "m"},
                {"message", {{"role", "assistant"}, {"content", text}}},
                {"done", false}};
      default:
        return openai_envelope(nlohmann::json::array({openai_choice({{"content", text}}, nullptr)}),
                               running_usage());
    }
  }

  nlohmann::json empty_json(bool role) const {
    switch (format_) {
      case Format::reference:
        return {{"tokens", nlohmann::json::array()}, {"text", ""}};
      case Format::llamacpp:
        return {{"content", ""},
                {"tokens", nlohmann::json::array()},
                {"stop", false},
                {"tokens_predicted", generated_},
                {"tokens_evaluated", 5}};
      case Format::ollama:
        return {{"model", "m"}, {"response", ""}, {"done", false}};
      case Format::ollama_chat:
        return {
            {"model", "m"}, {"message", {{"role", "assistant"}, {"content", ""}}}, {"done", false}};
      default: {
        nlohmann::json delta = {{"content", ""}};
        if (role)
          delta["role"] = "assistant";
        return openai_envelope(nlohmann::json::array({openai_choice(delta, nullptr)}),
                               running_usage());
      }
    }
  }

  nlohmann::json finish_json(std::size_t usage) const {
    const bool with_usage = !framing_.no_usage;
    switch (format_) {
      case Format::reference: {
        nlohmann::json last = {{"text", ""}, {"finish_reason", "length"}};
        if (with_usage)
          last["usage"] = usage_json(usage);
        return last;
      }
      case Format::llamacpp: {
        nlohmann::json last = {
            {"content", ""}, {"tokens", nlohmann::json::array()}, {"stop", true}};
        if (with_usage) {
          last["tokens_predicted"] = usage;
          last["tokens_evaluated"] = 5;
        }
        return last;
      }
      case Format::ollama:
      case Format::ollama_chat: {
        nlohmann::json last = {{"model", "m"}, {"response", ""}, {"done", true}};
        if (with_usage) {
          last["eval_count"] = usage;
          last["prompt_eval_count"] = 5;
        }
        return last;
      }
      default:
        return openai_envelope(
            nlohmann::json::array({openai_choice(nlohmann::json::object(), "length")}),
            running_usage());
    }
  }

  Format format_;
  Framing framing_;
  std::size_t generated_ = 0;
};

// The scripted stream as the double sends it, with the truth about it.
struct Script {
  testing::Reply reply;
  std::vector<int> token_pieces;  // the piece completing each token step
  std::vector<std::size_t> token_counts;
};

Script script_for(Format format, const std::vector<Step>& steps, const Framing& framing) {
  std::size_t truth = 0;
  for (const Step& step : steps)
    truth += step.tokens;
  Encoder encoder(format, framing);
  Script script;
  script.reply.content_type = is_ollama(format) ? "application/x-ndjson" : "text/event-stream";
  for (const Step& step : steps) {
    const std::string bytes = encoder.encode(step, truth);
    if (bytes.empty())
      continue;
    if (framing.split_events && bytes.size() > 8) {
      script.reply.pieces.push_back(bytes.substr(0, bytes.size() / 2));
      script.reply.delays.push_back(milliseconds(step.delay_ms));
      script.reply.pieces.push_back(bytes.substr(bytes.size() / 2));
      script.reply.delays.push_back(milliseconds(15));  // the event is complete only now
    } else {
      script.reply.pieces.push_back(bytes);
      script.reply.delays.push_back(milliseconds(step.delay_ms));
    }
    if (step.kind == Step::Kind::token) {
      script.token_pieces.push_back(static_cast<int>(script.reply.pieces.size()) - 1);
      script.token_counts.push_back(step.tokens);
    }
  }
  return script;
}

std::unique_ptr<BackendClient> backend_of(Format format, const testing::FakeHttpServer& server) {
  ServerConfig config;
  config.url = server.url();
  config.model = "m";
  switch (format) {
    case Format::reference:
      config.backend = Backend::reference;
      break;
    case Format::llamacpp_chat:
      config.api = ServerApi::chat;
      [[fallthrough]];
    case Format::llamacpp:
      config.backend = Backend::llamacpp;
      config.command = {"llama-server", "-np", "1"};
      config.url.clear();  // the slot count comes from the command line
      break;
    case Format::ollama_chat:
      config.api = ServerApi::chat;
      [[fallthrough]];
    case Format::ollama:
      config.backend = Backend::ollama;
      break;
    case Format::openai_completions:
      config.backend = Backend::openai;
      config.api = ServerApi::completions;
      break;
    case Format::openai_continuous:
      config.continuous_usage_stats = true;
      [[fallthrough]];
    case Format::openai_chat:
      config.backend = Backend::openai;
      config.api = ServerApi::chat;
      break;
  }
  return make_backend(config, {{"127.0.0.1", server.port()}, {}});
}

bool is_generation(const std::string& target) {
  return target == "/v1/chat/completions" || target == "/v1/completions" ||
         target == "/completion" || target == "/api/generate" || target == "/api/chat" ||
         target.ends_with("/generate");
}

// Agent creation, slot erasing: fine. No /metrics.
testing::Reply other_route(const std::string& target) {
  return testing::json_reply("{}", target == "/metrics" ? 404 : 200);
}

// A streamed generation on the route of the format under test: the native
// streams of sbench-server and llama.cpp are an agent's.
GenerateRequest generation_request(Format format, BackendClient& backend) {
  GenerateRequest request = testing::text_request("", "Say", true);
  if (format == Format::reference || format == Format::llamacpp ||
      format == Format::llamacpp_chat) {
    EXPECT_EQ(backend.create_agent("a"), "");
    request.agent = "a";
  }
  return request;
}

// Runs the scenario against `format`'s backend: the result, and the truth.
struct Outcome {
  GenerateResult result;
  std::vector<Clock::time_point> written;
  Script script;
  Clock::time_point scheduled;
};

constexpr nanoseconds kTolerance = milliseconds(1);

// What the client should have measured: TTFT and one ITL per token after
// the first, from the moments the double wrote each token event.
struct Truth {
  nanoseconds ttft;
  std::vector<nanoseconds> itl;
};

Truth truth_of(const Outcome& outcome) {
  const Script& script = outcome.script;
  const auto at = [&](std::size_t step) { return outcome.written[script.token_pieces[step]]; };
  Truth truth{at(0) - outcome.scheduled,
              std::vector<nanoseconds>(script.token_counts[0] - 1, nanoseconds{0})};
  for (std::size_t step = 1; step < script.token_pieces.size(); ++step) {
    const nanoseconds gap = at(step) - at(step - 1);
    truth.itl.insert(truth.itl.end(), script.token_counts[step],
                     gap / static_cast<long>(script.token_counts[step]));
  }
  return truth;
}

bool near(nanoseconds measured, nanoseconds truth) {
  return (measured > truth ? measured - truth : truth - measured) <= kTolerance;
}

// Whether every measured latency is within the tolerance of the truth.
bool timed_right(const Outcome& outcome) {
  const stats::TokenTiming& timing = outcome.result.token_timing;
  if (!outcome.result.ok() || outcome.written.size() != outcome.script.reply.pieces.size() ||
      outcome.script.token_pieces.empty() || !timing.time_to_first_token)
    return false;
  const Truth truth = truth_of(outcome);
  if (!near(*timing.time_to_first_token, truth.ttft) ||
      timing.inter_token_latencies.size() != truth.itl.size())
    return false;
  for (std::size_t i = 0; i < truth.itl.size(); ++i) {
    if (!near(timing.inter_token_latencies[i], truth.itl[i]))
      return false;
  }
  return true;
}

Outcome run_once(Format format, const std::vector<Step>& steps, const Framing& framing) {
  Outcome outcome;
  outcome.script = script_for(format, steps, framing);
  testing::FakeHttpServer server([&](const testing::RecordedRequest& request) {
    return is_generation(request.target) ? outcome.script.reply : other_route(request.target);
  });
  auto backend = backend_of(format, server);
  GenerateRequest request = generation_request(format, *backend);
  outcome.scheduled = Clock::now();
  request.scheduled = outcome.scheduled;
  outcome.result = backend->generate(request);
  outcome.written = server.written_at();
  return outcome;
}

// A mistake in attributing time is off by a scripted gap (tens of ms) on
// every try; a preempted thread on a busy 2-core machine is off once. So a
// scenario whose timing misses the truth gets two more tries before the
// assertions judge it.
Outcome run(Format format, const std::vector<Step>& steps, const Framing& framing = {}) {
  constexpr int kTries = 3;
  Outcome outcome;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    outcome = run_once(format, steps, framing);
    if (!outcome.result.ok() || outcome.script.token_pieces.empty() || timed_right(outcome))
      break;
  }
  return outcome;
}

void expect_near(nanoseconds measured, nanoseconds truth, const std::string& what) {
  EXPECT_TRUE(near(measured, truth))
      << what << ": measured " << measured.count() << " ns, truth " << truth.count() << " ns";
}

// TTFT, every ITL and the token count against the script's truth.
void expect_timing_matches_truth(const Outcome& outcome, std::size_t usage_tokens) {
  const GenerateResult& result = outcome.result;
  ASSERT_TRUE(result.ok()) << result.error;
  const stats::TokenTiming& timing = result.token_timing;
  const Script& script = outcome.script;
  ASSERT_EQ(outcome.written.size(), script.reply.pieces.size());
  ASSERT_FALSE(script.token_pieces.empty());
  ASSERT_TRUE(timing.time_to_first_token) << "no chunk was taken for a token";
  const Truth truth = truth_of(outcome);
  expect_near(*timing.time_to_first_token, truth.ttft, "TTFT");
  ASSERT_EQ(timing.inter_token_latencies.size(), truth.itl.size());
  for (std::size_t i = 0; i < truth.itl.size(); ++i)
    expect_near(timing.inter_token_latencies[i], truth.itl[i], "ITL " + std::to_string(i));
  std::size_t streamed = 0;
  for (std::size_t count : script.token_counts)
    streamed += count;
  EXPECT_EQ(timing.streamed_tokens, streamed);
  EXPECT_EQ(timing.tokens, usage_tokens);
  EXPECT_TRUE(timing.usage_matches_stream());
}

using Kind = Step::Kind;

// The steps every format shares around a scenario's middle.
std::vector<Step> stream_of(std::vector<Step> middle, bool with_done = true) {
  std::vector<Step> steps = std::move(middle);
  steps.push_back(event(Kind::finish, 5));
  steps.push_back(event(Kind::usage, 2));
  if (with_done)
    steps.push_back(event(Kind::done, 2));
  return steps;
}

class StreamConformance : public ::testing::TestWithParam<Format> {};

TEST_P(StreamConformance, EmptyFirstEventNeitherEndsTtftNorCounts) {
  const Outcome outcome =
      run(GetParam(),
          stream_of({event(Kind::empty, 5), token(60, "Hi"), token(25, " there"), token(30, "!")}));
  expect_timing_matches_truth(outcome, 3);
  EXPECT_EQ(outcome.result.text, "Hi there!");
}

TEST_P(StreamConformance, RoleOnlyDeltaIsNoToken) {
  const Outcome outcome =
      run(GetParam(), stream_of({event(Kind::role, 2), token(80, "A"), token(20, "B")}));
  expect_timing_matches_truth(outcome, 2);
}

TEST_P(StreamConformance, KeepAliveCommentsAreNoEvents) {
  const Outcome outcome =
      run(GetParam(), stream_of({event(Kind::comment, 5), token(40, "A"), event(Kind::comment, 10),
                                 token(20, "B"), token(20, "C")}));
  expect_timing_matches_truth(outcome, 3);
}

TEST_P(StreamConformance, SeveralTokensPerEvent) {
  const Outcome outcome =
      run(GetParam(), stream_of({token(30, "one two", 2), token(40, " three four five six", 4)}));
  if (states_counts(GetParam())) {
    expect_timing_matches_truth(outcome, 6);
    EXPECT_EQ(outcome.result.token_timing.token_count_source, stats::TokenCountSource::server);
  } else {
    // Nothing says an event holds 4: the estimate is 2 and the usage's 6
    // exposes it.
    ASSERT_TRUE(outcome.result.ok()) << outcome.result.error;
    EXPECT_EQ(outcome.result.token_timing.streamed_tokens, 2u);
    EXPECT_EQ(outcome.result.token_timing.tokens, 6u);
    EXPECT_FALSE(outcome.result.token_timing.usage_matches_stream());
    EXPECT_EQ(outcome.result.token_timing.token_count_source,
              stats::TokenCountSource::chunks_estimated);
  }
}

TEST_P(StreamConformance, UsageOnlyInTheLastChunkIsTheCount) {
  const Outcome outcome = run(GetParam(), stream_of({token(20, "A"), token(20, "B")}));
  expect_timing_matches_truth(outcome, 2);
  ASSERT_TRUE(outcome.result.usage);
  EXPECT_EQ(outcome.result.usage->completion_tokens, 2u);
}

TEST_P(StreamConformance, NoUsageAtAllCountsTheStream) {
  Framing framing;
  framing.no_usage = true;
  const Outcome outcome =
      run(GetParam(), stream_of({token(20, "A"), token(20, "B"), token(20, "C")}), framing);
  expect_timing_matches_truth(outcome, 3);
  EXPECT_FALSE(outcome.result.token_timing.usage_tokens);
  if (!states_counts(GetParam()) || GetParam() == Format::openai_continuous) {
    EXPECT_EQ(outcome.result.token_timing.token_count_source,
              stats::TokenCountSource::chunks_estimated);
  }
}

TEST_P(StreamConformance, DoneMarkerMissing) {
  const Outcome outcome = run(GetParam(), stream_of({token(20, "A"), token(20, "B")}, false));
  if (GetParam() == Format::reference) {
    // sbench-server always ends with [DONE]: without it the answer was cut.
    EXPECT_FALSE(outcome.result.ok());
  } else {
    // A finish_reason (stop, done) is a complete answer.
    expect_timing_matches_truth(outcome, 2);
  }
}

TEST_P(StreamConformance, CrlfFraming) {
  Framing framing;
  framing.line_end = "\r\n";
  const Outcome outcome =
      run(GetParam(), stream_of({event(Kind::empty, 3), token(30, "A"), token(20, "B")}), framing);
  expect_timing_matches_truth(outcome, 2);
}

TEST_P(StreamConformance, EventSplitAcrossWritesArrivesWhenComplete) {
  Framing framing;
  framing.split_events = true;
  const Outcome outcome =
      run(GetParam(), stream_of({token(20, "A"), token(20, "B"), token(20, "C")}), framing);
  expect_timing_matches_truth(outcome, 3);
}

TEST_P(StreamConformance, ErrorEventMidStreamFailsTheGeneration) {
  const Outcome outcome =
      run(GetParam(), {token(10, "A"), event(Kind::error, 10), event(Kind::done, 2)});
  EXPECT_FALSE(outcome.result.ok());
  EXPECT_NE(outcome.result.error.find("boom"), std::string::npos) << outcome.result.error;
}

TEST_P(StreamConformance, Http200WithAnErrorBodyFails) {
  testing::FakeHttpServer server([](const testing::RecordedRequest& request) {
    if (!is_generation(request.target))
      return other_route(request.target);
    return testing::json_reply(R"({"error":{"message":"boom: model not loaded"}})", 200);
  });
  auto backend = backend_of(GetParam(), server);
  const GenerateRequest request = generation_request(GetParam(), *backend);
  const GenerateResult result = backend->generate(request);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("boom"), std::string::npos) << result.error;
}

TEST_P(StreamConformance, StreamStoppingWithoutAFinalEventFails) {
  const Outcome outcome = run(GetParam(), {token(10, "A"), token(10, "B")});
  EXPECT_FALSE(outcome.result.ok()) << "a cut stream must not pass as a complete answer";
}

INSTANTIATE_TEST_SUITE_P(EveryBackend, StreamConformance,
                         ::testing::Values(Format::reference, Format::openai_chat,
                                           Format::openai_completions, Format::openai_continuous,
                                           Format::llamacpp, Format::llamacpp_chat, Format::ollama,
                                           Format::ollama_chat),
                         [](const auto& info) { return format_name(info.param); });

}  // namespace
}  // namespace sbench
