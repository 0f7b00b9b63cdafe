// /health, /v1/models, /v1/stats and /metrics.

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sbench::test
