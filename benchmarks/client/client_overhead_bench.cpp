// What the harness's own HTTP client costs and sustains, measured against an
// endpoint that answers a fixed small JSON on another core, so the client's
// core is what limits: requests/s of one client thread (sequential and with N
// keep-alive connections in a closed loop, like `wrk -t1 -cN`), the client
// thread's CPU per request, and the latency the client adds.
// scripts/measure-client-vs-wrk runs this next to wrk on the same endpoint.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <future>
#include <vector>

#include "client/fixed_response_endpoint.hpp"
#include "sbench/http/client.hpp"
#include "sbench/stats/summary.hpp"

namespace {

using sbench::bench::FixedResponseEndpoint;
namespace http = sbench::http;

constexpr int kClientCpu = 0;
constexpr int kEndpointCpu = 1;
constexpr int kRequestsPerIteration = 4000;

const http::Endpoint& endpoint() {
  static FixedResponseEndpoint server(0, kEndpointCpu);
  static const http::Endpoint address{"127.0.0.1", server.port()};
  return address;
}

// `connections` agents, each sending its next request when the previous
// answer arrives: the load `wrk -c<connections>` puts on a server.
std::vector<http::Response> run_closed_loop(http::Client& client, int connections,
                                            int requests_per_connection) {
  std::vector<http::Response> responses;  // touched only on the client thread
  responses.reserve(static_cast<std::size_t>(connections * requests_per_connection));
  std::promise<void> finished;
  int agents_running = connections;
  std::function<void(int)> send_next = [&](int left) {
    client.submit(endpoint(), http::get("/"), [&, left](http::Response response) {
      responses.push_back(std::move(response));
      if (left > 1)
        send_next(left - 1);
      else if (--agents_running == 0)
        finished.set_value();
    });
  };
  for (int agent = 0; agent < connections; ++agent)
    send_next(requests_per_connection);
  finished.get_future().wait();
  return responses;
}

double micros(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::micro>(duration).count();
}

// Counters every case reports, from the responses of all its iterations.
void report(benchmark::State& state, const http::Client& client,
            std::chrono::nanoseconds cpu_before, const std::vector<http::Response>& responses) {
  const http::ClientStats stats = client.stats();
  if (stats.errors.total() > 0)
    state.SkipWithError(("client errors: " + stats.errors.describe()).c_str());
  std::vector<double> latency_us;
  std::vector<double> send_delay_us;
  for (const http::Response& response : responses) {
    latency_us.push_back(micros(response.timing.latency()));
    send_delay_us.push_back(micros(response.timing.send_delay()));
  }
  const auto latency = sbench::stats::summarize(latency_us);
  const auto send_delay = sbench::stats::summarize(send_delay_us);
  const double requests = static_cast<double>(responses.size());
  state.counters["requests_per_s"] = benchmark::Counter(requests, benchmark::Counter::kIsRate);
  state.counters["client_cpu_us_per_req"] = micros(stats.client_thread_cpu - cpu_before) / requests;
  state.counters["latency_p50_us"] = latency.p50;
  state.counters["latency_p99_us"] = latency.p99;
  state.counters["send_delay_p99_us"] = send_delay.p99;
  state.counters["connections_opened"] = static_cast<double>(stats.connections_opened);
}

void BM_SequentialRequests(benchmark::State& state) {
  http::Client client;
  client.send(endpoint(), http::get("/"));  // connect outside the measurement
  const auto cpu_before = client.stats().client_thread_cpu;
  std::vector<http::Response> responses;
  for (auto _ : state)
    responses.push_back(client.send(endpoint(), http::get("/")));
  report(state, client, cpu_before, responses);
}
BENCHMARK(BM_SequentialRequests)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_ClosedLoop(benchmark::State& state) {
  const int connections = static_cast<int>(state.range(0));
  http::Client client;
  run_closed_loop(client, connections, 1);  // open the connections outside the measurement
  const auto cpu_before = client.stats().client_thread_cpu;
  std::vector<http::Response> responses;
  for (auto _ : state) {
    auto batch = run_closed_loop(client, connections, kRequestsPerIteration / connections);
    responses.insert(responses.end(), std::make_move_iterator(batch.begin()),
                     std::make_move_iterator(batch.end()));
  }
  report(state, client, cpu_before, responses);
}
BENCHMARK(BM_ClosedLoop)
    ->ArgName("connections")
    ->Arg(1)
    ->Arg(16)
    ->Arg(64)
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Threads inherit their creator's affinity: the client's thread, created
  // by the cases, shares this core; the endpoint's thread moves to its own.
  sbench::bench::pin_current_thread(kClientCpu);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
