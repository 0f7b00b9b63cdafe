#include "server_suite.hpp"

#include <atomic>

namespace sbench::test {

std::unique_ptr<TempDir> ServerSuite::cache_dir_;
std::unique_ptr<SpawnedServer> ServerSuite::server_;

std::vector<std::string> tiny_server_args(const std::filesystem::path& cache_dir,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      SBENCH_SERVER_BINARY, "--model",          "tiny",      "--port", "0",
      "--cache-dir",        cache_dir.string(), "--threads", "1",      "--no-fsync"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void ServerSuite::SetUpTestSuite() {
  cache_dir_ = std::make_unique<TempDir>();
  // Short timeouts keep the slow-client and idle-connection tests fast.
  server_ = std::make_unique<SpawnedServer>(
      tiny_server_args(cache_dir_->path(), {"--header-timeout", "1", "--request-timeout", "2",
                                            "--idle-timeout", "2", "--max-body-bytes", "65536"}));
}

void ServerSuite::TearDownTestSuite() {
  EXPECT_EQ(server_->terminate(), std::optional<int>(0));
  server_.reset();
  cache_dir_.reset();
}

std::string ServerSuite::create_agent() {
  static std::atomic<int> next{0};
  const std::string id = "agent-" + std::to_string(next++);
  const HttpResult result = post("/v1/agents", {{"id", id}});
  EXPECT_EQ(result.status, 201) << result.body;
  return id;
}

void ServerSuite::expect_error(const HttpResult& result, int status) {
  EXPECT_EQ(result.status, status) << result.body;
  EXPECT_EQ(result.header("content-type"), "application/json");
  const nlohmann::json body = result.json();
  ASSERT_TRUE(body.contains("error")) << result.body;
  EXPECT_EQ(body["error"]["status"], status);
  EXPECT_TRUE(body["error"]["code"].is_string());
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

void ServerSuite::expect_healthy() {
  const HttpResult health = get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
}

}  // namespace sbench::test
