// sbench-provider-double: a TEST DOUBLE of a paid OpenAI-compatible LLM API
// (docs/PROVIDER_DOUBLE.md). It reproduces what tests cannot provoke at the
// real, paid thing: rate limits, a quota, latency and faults. It is no model:
// its answers echo the prompt.

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>

#include "double_options.hpp"
#include "double_server.hpp"

namespace {

using sbench::provider_double::DoubleOptions;
using sbench::provider_double::DoubleServer;
using sbench::provider_double::LatencyDist;

// Whatever CLI11's error, a caller sees one exit code for a bad command line.
constexpr int kUsageError = 2;
// Three rates summing to 1 in decimal may exceed it by a rounding error.
constexpr double kRateSumSlack = 1e-9;

const std::map<std::string, LatencyDist> kLatencyDists = {
    {"fixed", LatencyDist::kFixed},
    {"uniform", LatencyDist::kUniform},
    {"exponential", LatencyDist::kExponential},
    {"lognormal", LatencyDist::kLognormal},
};

// A value that is no number is left for CLI11's conversion to report.
std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || stop != end)
    return std::nullopt;
  return value;
}

// CLI11's NonNegativeNumber and Range print the whole double range in their
// messages; these say plainly what is wrong.
CLI::Validator non_negative() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        const std::optional<double> value = parse_number(input);
        return value && *value < 0 ? "must not be negative, got " + input : "";
      },
      ">= 0");
}

CLI::Validator positive() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        const std::optional<double> value = parse_number(input);
        return value && *value <= 0 ? "must be positive, got " + input : "";
      },
      "> 0");
}

CLI::Validator probability() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        const std::optional<double> value = parse_number(input);
        return value && !(*value >= 0 && *value <= 1)
                   ? "must be a probability from 0 to 1, got " + input
                   : "";
      },
      "in [0, 1]");
}

void add_flags(CLI::App& app, DoubleOptions& o, std::string& latency_dist) {
  app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", o.port,
                 "Port to listen on; 0 picks a free one, printed as `listening on "
                 "http://HOST:PORT` (the only line on stdout)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--port-file", o.port_file,
                 "Also write the bound port to this file (written whole, then renamed into place)");
  app.add_option("--models", o.models,
                 "Comma-separated models served; a request for another gets 404 model_not_found")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the latency and fault draws (std::mt19937_64)")
      ->capture_default_str();

  app.add_option("--latency-dist", latency_dist,
                 "Distribution of a request's latency: fixed, uniform, exponential or lognormal")
      ->check(CLI::IsMember(kLatencyDists))
      ->capture_default_str();
  app.add_option("--latency-ms", o.latency_ms, "Mean latency of a request, in ms")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--latency-spread", o.latency_spread,
                 "uniform: half-width as a fraction of the mean (at most 1); lognormal: sigma; "
                 "unused by fixed and exponential")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--ms-per-output-token", o.ms_per_output_token,
                 "Latency added per completion token, in ms")
      ->check(non_negative())
      ->capture_default_str();

  app.add_option("--rpm", o.rpm, "Requests per minute, refilled continuously; 0 = unlimited")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--tpm", o.tpm,
                 "Tokens per minute, refilled continuously; a request is charged its prompt "
                 "tokens + max_tokens; 0 = unlimited")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--burst-seconds", o.burst_seconds,
                 "Seconds of --rpm / --tpm a full bucket holds (at least one request)")
      ->check(positive())
      ->capture_default_str();
  app.add_option("--daily-quota", o.daily_quota,
                 "Successful answers allowed; after them every completion request gets 429 "
                 "insufficient_quota; 0 = no quota")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--max-concurrency", o.max_concurrency,
                 "Requests served at once; one arriving over it gets 429; 0 = no cap")
      ->check(non_negative())
      ->capture_default_str();

  app.add_option("--slots", o.slots,
                 "Requests worked on at once, like a local server's parallel sequences; later "
                 "ones wait for a slot (their latency starts when they get one); 0 = no limit")
      ->check(non_negative())
      ->capture_default_str();

  app.add_option("--error-rate", o.error_rate,
                 "Probability that a request within the limits gets a 500 after its latency")
      ->check(probability())
      ->capture_default_str();
  app.add_option("--reset-rate", o.reset_rate,
                 "Probability that a request within the limits has its connection reset after "
                 "its latency")
      ->check(probability())
      ->capture_default_str();
  app.add_option("--hang-rate", o.hang_rate,
                 "Probability that a request within the limits is never answered (the "
                 "connection stays open until the client closes it)")
      ->check(probability())
      ->capture_default_str();
  app.add_option("--fail-first", o.fail_first,
                 "The first N completion requests get 503 with Retry-After: 1 (a server warming "
                 "up)")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--fast-first", o.fast_first,
                 "The first N completion answers come --fast-factor times sooner: a short test "
                 "then shows a burst rate far above the sustained one")
      ->check(non_negative())
      ->capture_default_str();
  app.add_option("--fast-factor", o.fast_factor, "How much sooner the first answers come")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
}

// What no single flag's check can see.
void check_together(const DoubleOptions& o) {
  if (o.models.empty())
    throw CLI::ValidationError("--models", "name at least one model");
  std::set<std::string> seen;
  for (const std::string& model : o.models) {
    if (model.empty())
      throw CLI::ValidationError("--models", "a model name cannot be empty");
    if (!seen.insert(model).second)
      throw CLI::ValidationError("--models", "'" + model + "' is named twice");
  }
  if (o.latency_dist == LatencyDist::kUniform && o.latency_spread > 1)
    throw CLI::ValidationError("--latency-spread",
                               "a uniform latency's half-width cannot exceed its mean (at most 1)");
  if (o.error_rate + o.reset_rate + o.hang_rate > 1 + kRateSumSlack)
    throw CLI::ValidationError("--error-rate, --reset-rate, --hang-rate",
                               "a request gets at most one fault, so the rates must sum to at "
                               "most 1");
}

// A test polling for the file never reads it half written.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string partial = path + ".tmp";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << port << '\n';
    out.close();
    if (!out)
      throw std::runtime_error("cannot write the port file " + partial);
  }
  std::filesystem::rename(partial, path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "sbench-provider-double: a TEST DOUBLE of a paid OpenAI-compatible LLM API. It imitates "
      "the provider's rate limits, quota, latency and faults so that sbench run can be tested "
      "against them; it is no model, and its answers echo the prompt."};
  app.footer(
      "Endpoints: POST /v1/chat/completions, POST /v1/completions (non-streaming), GET "
      "/v1/models, GET /double/stats. See docs/PROVIDER_DOUBLE.md.");
  DoubleOptions options;
  std::string latency_dist = "fixed";
  add_flags(app, options, latency_dist);
  try {
    app.parse(argc, argv);
    options.latency_dist = kLatencyDists.at(latency_dist);
    check_together(options);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kUsageError;
  }

  try {
    DoubleServer server(options);
    if (!options.port_file.empty())
      write_port_file(options.port_file, server.port());
    // The only line on stdout: a test reads the port from it.
    std::cout << "listening on http://" << options.host << ':' << server.port() << std::endl;
    server.run();
  } catch (const std::exception& error) {
    std::cerr << "sbench-provider-double: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
