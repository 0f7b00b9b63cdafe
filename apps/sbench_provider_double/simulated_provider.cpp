#include "simulated_provider.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <variant>

namespace sbench::provider_double {
namespace {

using namespace std::chrono_literals;

// A lognormal's tail reaches any length, past what steady_clock's nanosecond
// ticks hold; no test waits a day.
constexpr double kMaxLatencyMs = 86'400'000.0;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A reply written at once, without latency or fault.
Decision immediate(Reply reply) {
  Decision decision;
  decision.reply = std::move(reply);
  return decision;
}

Decision refuse(Reply reply, Clock::duration wait) {
  reply.headers.emplace_back("Retry-After", std::to_string(ceil_seconds(wait)));
  reply.headers.emplace_back("retry-after-ms", std::to_string(ceil_milliseconds(wait)));
  return immediate(std::move(reply));
}

// OpenAI's wording, which clients and people grep for.
std::string refusal_message(const Refusal& refusal) {
  const bool requests = refusal.kind == LimitKind::kRequests;
  return std::string("Rate limit reached for ") +
         (requests ? "requests per min (RPM)" : "tokens per min (TPM)") + ": Limit " +
         std::to_string(refusal.per_minute) + ", Requested " +
         std::to_string(static_cast<std::int64_t>(refusal.requested)) + ". Please try again in " +
         format_reset(refusal.retry_after) + ".";
}

}  // namespace

SimulatedProvider::SimulatedProvider(const DoubleOptions& options)
    : options_(options),
      started_unix_(unix_now()),
      random_(options.seed),
      limits_(options.rpm, options.tpm, options.burst_seconds, Clock::now()),
      quota_(options.daily_quota),
      warm_up_left_(options.fail_first) {
  for (const std::string& model : options.models)
    completed_per_model_.emplace(model, 0);
}

void SimulatedProvider::request_started() {
  ++counters_.requests;
  ++counters_.in_flight;
  counters_.max_in_flight = std::max(counters_.max_in_flight, counters_.in_flight);
}

void SimulatedProvider::request_ended() {
  --counters_.in_flight;
}

Decision SimulatedProvider::decide(Endpoint endpoint, std::string_view body) {
  const Clock::time_point now = Clock::now();
  Decision decision = admit(endpoint, body, now);
  limits_.add_headers(decision.reply.headers, now);
  return decision;
}

Decision SimulatedProvider::admit(Endpoint endpoint, std::string_view body, Clock::time_point now) {
  // A server warming up answers before it even reads the request.
  if (warm_up_left_ > 0) {
    --warm_up_left_;
    ++counters_.injected_503;
    return refuse(error_reply(503, "The server is warming up; please retry shortly.",
                              "server_error", "service_unavailable"),
                  1s);
  }
  auto parsed = parse_completion_request(endpoint, body);
  if (Reply* invalid = std::get_if<Reply>(&parsed))
    return immediate(std::move(*invalid));
  const auto& request = std::get<CompletionRequest>(parsed);
  if (!completed_per_model_.contains(request.model))
    return immediate(error_reply(
        404, "The model `" + request.model + "` does not exist or you do not have access to it.",
        "invalid_request_error", "model_not_found"));
  if (quota_.exhausted()) {
    ++counters_.quota_exhausted;
    return refuse(error_reply(429, "You exceeded your current quota", "insufficient_quota",
                              "insufficient_quota"),
                  24h);
  }
  // request_started() has already counted this request.
  if (options_.max_concurrency > 0 && counters_.in_flight - 1 >= options_.max_concurrency) {
    ++counters_.rate_limited;
    return refuse(
        error_reply(429,
                    "Rate limit reached for concurrent requests: Limit " +
                        std::to_string(options_.max_concurrency) + ". Please try again in 1s.",
                    "requests", "rate_limit_exceeded"),
        1s);
  }
  // Charged for the most it could produce, as OpenAI does before generating.
  const double charge = static_cast<double>(request.prompt_tokens + request.max_tokens);
  if (const std::optional<Refusal> refusal = limits_.admit(charge, now)) {
    ++counters_.rate_limited;
    return refuse(error_reply(429, refusal_message(*refusal),
                              refusal->kind == LimitKind::kRequests ? "requests" : "tokens",
                              "rate_limit_exceeded"),
                  refusal->retry_after);
  }
  return answer(endpoint, request);
}

Decision SimulatedProvider::answer(Endpoint endpoint, const CompletionRequest& request) {
  Completion completion = complete(request);
  Decision decision;
  decision.latency = draw_latency(completion.completion_tokens);
  // One draw picks at most one fault, so each rate is that fault's share.
  const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  double threshold = options_.error_rate;
  if (draw < threshold) {
    ++counters_.injected_500;
    decision.reply = error_reply(500, "The server had an error while processing your request.",
                                 "server_error", "server_error");
    return decision;
  }
  threshold += options_.reset_rate;
  if (draw < threshold) {
    ++counters_.injected_resets;
    decision.fate = Fate::kReset;
    return decision;
  }
  threshold += options_.hang_rate;
  if (draw < threshold) {
    ++counters_.injected_hangs;
    decision.fate = Fate::kHang;
    return decision;
  }
  quota_.use();
  const nlohmann::json body =
      completion_body(endpoint, next_id_++, unix_now(), request, completion);
  decision.reply = request.stream ? stream_reply(endpoint, body, request) : json_reply(200, body);
  decision.usage = Usage{request.model, request.prompt_tokens, completion.completion_tokens};
  return decision;
}

Clock::duration SimulatedProvider::draw_latency(std::int64_t completion_tokens) {
  const double mean = options_.latency_ms;
  const double spread = options_.latency_spread;
  double ms = mean;
  switch (options_.latency_dist) {
    case LatencyDist::kFixed:
      break;
    case LatencyDist::kUniform:
      ms =
          std::uniform_real_distribution<double>(mean * (1 - spread), mean * (1 + spread))(random_);
      break;
    case LatencyDist::kExponential:
      if (mean > 0)
        ms = std::exponential_distribution<double>(1 / mean)(random_);
      break;
    case LatencyDist::kLognormal:
      // mu chosen so that the mean stays --latency-ms whatever sigma is.
      if (mean > 0 && spread > 0)
        ms = std::lognormal_distribution<double>(std::log(mean) - spread * spread / 2,
                                                 spread)(random_);
      break;
  }
  ms += options_.ms_per_output_token * static_cast<double>(completion_tokens);
  if (answers_drawn_++ < options_.fast_first)
    ms /= options_.fast_factor;
  return std::chrono::round<Clock::duration>(
      std::chrono::duration<double, std::milli>(std::min(ms, kMaxLatencyMs)));
}

void SimulatedProvider::delivered(const Usage& usage) {
  ++counters_.completed;
  counters_.prompt_tokens += usage.prompt_tokens;
  counters_.completion_tokens += usage.completion_tokens;
  ++completed_per_model_[usage.model];
}

Reply SimulatedProvider::models() const {
  nlohmann::json data = nlohmann::json::array();
  for (const std::string& model : options_.models)
    data.push_back({{"id", model},
                    {"object", "model"},
                    {"created", started_unix_},
                    {"owned_by", "sbench-provider-double"}});
  return json_reply(200, {{"object", "list"}, {"data", data}});
}

Reply SimulatedProvider::stats() const {
  nlohmann::json per_model = nlohmann::json::object();
  for (const auto& [model, completed] : completed_per_model_)
    per_model[model] = completed;
  const Counters& c = counters_;
  return json_reply(200, {{"requests", c.requests},
                          {"completed", c.completed},
                          {"rate_limited", c.rate_limited},
                          {"quota_exhausted", c.quota_exhausted},
                          {"injected_500", c.injected_500},
                          {"injected_503", c.injected_503},
                          {"injected_resets", c.injected_resets},
                          {"injected_hangs", c.injected_hangs},
                          {"in_flight", c.in_flight},
                          {"max_in_flight", c.max_in_flight},
                          {"prompt_tokens", c.prompt_tokens},
                          {"completion_tokens", c.completion_tokens},
                          {"per_model", per_model}});
}

}  // namespace sbench::provider_double
