// /health, /v1/models, /v1/stats and /metrics.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

class InfoRoutes : public ServerSuite {};

TEST_F(InfoRoutes, HealthNamesTheModel) {
  const HttpResult result = get("/health");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.header("content-type"), "application/json");
  EXPECT_EQ(result.json(), (nlohmann::json{{"status", "ok"}, {"model", "tiny"}}));
}

TEST_F(InfoRoutes, ModelsListsTheModelWithItsShape) {
  const nlohmann::json body = get("/v1/models").json();
  EXPECT_EQ(body["object"], "list");
  ASSERT_EQ(body["data"].size(), 1u);
  const nlohmann::json& model = body["data"][0];
  EXPECT_EQ(model["id"], "tiny");
  EXPECT_EQ(model["object"], "model");
  for (const char* field :
       {"dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "parameters", "max_context"})
    EXPECT_GT(model[field].get<long long>(), 0) << field;
  EXPECT_FALSE(model["kernels"].get<std::string>().empty());
}

TEST_F(InfoRoutes, StatsBreakDownMemoryPerAgent) {
  const std::string agent = create_agent();
  ASSERT_EQ(
      post("/v1/agents/" + agent + "/generate", {{"prompt", "hello"}, {"max_tokens", 2}}).status,
      200);
  const nlohmann::json stats = get("/v1/stats").json();
  EXPECT_EQ(stats["model"], "tiny");
  EXPECT_GT(stats["model_bytes"].get<long long>(), 0);
  EXPECT_GT(stats["blocks_total"].get<long long>(), 0);
  EXPECT_GT(stats["blocks_used"].get<long long>(), 0);
  EXPECT_GE(stats["kv_bytes_allocated"].get<long long>(),
            stats["kv_bytes_theoretical"].get<long long>());
  EXPECT_TRUE(stats["padding_overhead_pct"].is_number());
  bool listed = false;
  for (const nlohmann::json& entry : stats["agents"]) {
    if (entry["id"] != agent)
      continue;
    listed = true;
    EXPECT_TRUE(entry["resident"].get<bool>());
    EXPECT_GT(entry["tokens"].get<int>(), 0);
  }
  EXPECT_TRUE(listed);
}

TEST_F(InfoRoutes, MetricsAreInPrometheusTextFormat) {
  const std::string agent = create_agent();
  ASSERT_EQ(post("/v1/agents/" + agent + "/generate", {{"prompt", "hi"}, {"max_tokens", 3}}).status,
            200);
  const HttpResult result = get("/metrics");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  for (const char* metric :
       {"sbench_requests_total", "sbench_requests_failed_total", "sbench_prompt_tokens_total",
        "sbench_cached_tokens_total", "sbench_generated_tokens_total", "sbench_decode_steps_total",
        "sbench_requests_running", "sbench_requests_queued", "sbench_kv_blocks_used",
        "sbench_kv_blocks_total", "sbench_kv_cache_usage_ratio", "sbench_agents",
        "sbench_model_bytes"}) {
    EXPECT_NE(result.body.find(std::string("# TYPE ") + metric + " "), std::string::npos) << metric;
    EXPECT_NE(result.body.find(std::string("\n") + metric + " "), std::string::npos) << metric;
  }
  EXPECT_EQ(result.body.find("sbench_generated_tokens_total 0\n"), std::string::npos);
}

// The value of a metric line `name value` in /metrics' text, or -1.
double metric_value(const std::string& text, const std::string& name) {
  const std::size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

TEST(QueueMetrics, QueueDepthAndWaitShowARequestHeldBehindAnother) {
  const TempDir cache;
  SpawnedServer server(tiny_server_args(cache.path(), {"--max-batch", "1"}));
  HttpClient running(server.port());
  ASSERT_EQ(running.post_json("/v1/agents", {{"id", "first"}}).status, 201);
  ASSERT_EQ(running.post_json("/v1/agents", {{"id", "second"}}).status, 201);
  running.send_request(
      "POST", "/v1/agents/first/generate",
      nlohmann::json{
          {"prompt", "hold"}, {"max_tokens", 4000}, {"ignore_eos", true}, {"stream", true}}
          .dump());
  ASSERT_EQ(running.read_header().status, 200);

  HttpClient waiting(server.port());
  waiting.send_request("POST", "/v1/agents/second/generate",
                       nlohmann::json{{"prompt", "next"}, {"max_tokens", 1}}.dump());
  HttpClient observer(server.port());
  const auto queued = [&] {
    return metric_value(observer.request("GET", "/metrics").body, "sbench_requests_queued");
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (queued() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(queued(), 1);
  const auto held_from = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double held_at_least =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - held_from).count();
  running.close();  // the first is cancelled and the second runs
  ASSERT_EQ(waiting.read_header().status, 200);

  const std::string text = observer.request("GET", "/metrics").body;
  EXPECT_NE(text.find("# TYPE sbench_queue_wait_seconds summary"), std::string::npos) << text;
  EXPECT_EQ(metric_value(text, "sbench_queue_wait_seconds_count"), 2) << text;
  EXPECT_GE(metric_value(text, "sbench_queue_wait_seconds_sum"), held_at_least) << text;
  EXPECT_EQ(metric_value(text, "sbench_requests_queued"), 0) << text;
}

}  // namespace
}  // namespace sbench::test
