// Creating and deleting agents.

#include <gtest/gtest.h>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

class Agents : public ServerSuite {};

TEST_F(Agents, CreateWithAndWithoutAnId) {
  const HttpResult named = post("/v1/agents", {{"id", "named_agent-1"}});
  EXPECT_EQ(named.status, 201);
  EXPECT_EQ(named.json()["id"], "named_agent-1");

  const HttpResult generated = client().request("POST", "/v1/agents");
  EXPECT_EQ(generated.status, 201);
  const std::string id = generated.json()["id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(client().request("DELETE", "/v1/agents/" + id).status, 200);
}

TEST_F(Agents, DuplicateIdIsAConflict) {
  const std::string agent = create_agent();
  expect_error(post("/v1/agents", {{"id", agent}}), 409);
}

TEST_F(Agents, DeleteRemovesTheAgent) {
  const std::string agent = create_agent();
  const HttpResult deleted = client().request("DELETE", "/v1/agents/" + agent);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.json()["agent"], agent);
  expect_error(client().request("DELETE", "/v1/agents/" + agent), 404);
  expect_error(post("/v1/agents/" + agent + "/generate", {{"prompt", "x"}}), 404);
}

TEST_F(Agents, InvalidIdsAreRefused) {
  expect_error(post("/v1/agents", {{"id", "../x"}}), 400);
  expect_error(post("/v1/agents", {{"id", ""}}), 400);
  expect_error(post("/v1/agents", {{"id", std::string(65, 'a')}}), 400);
  expect_error(post("/v1/agents", {{"id", 7}}), 400);
  expect_healthy();
}

TEST(AgentLimit, AgentsBeyondMaxAgentsAre429) {
  const TempDir cache;
  SpawnedServer limited(tiny_server_args(cache.path(), {"--max-agents", "1"}));
  HttpClient connection(limited.port());
  EXPECT_EQ(connection.post_json("/v1/agents", {{"id", "first"}}).status, 201);
  const HttpResult refused = connection.post_json("/v1/agents", {{"id", "second"}});
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "capacity_exceeded");
  EXPECT_EQ(limited.terminate(), std::optional<int>(0));
}

}  // namespace
}  // namespace sbench::test
