// POST /v1/agents/{id}/save|unload|load and the errors of damaged or foreign files.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

class CacheFiles : public ServerSuite {
 protected:
  static HttpResult action(const std::string& agent, const std::string& name) {
    return client().request("POST", "/v1/agents/" + agent + "/" + name);
  }
  static nlohmann::json generate(const std::string& agent, const std::string& prompt) {
    const HttpResult result = post("/v1/agents/" + agent + "/generate",
                                   {{"prompt", prompt}, {"max_tokens", 6}, {"ignore_eos", true}});
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json();
  }
  // An agent with some context, saved to <cache_dir>/<agent>.kv and unloaded.
  static std::string saved_and_unloaded_agent() {
    const std::string agent = create_agent();
    generate(agent, "Some context");
    EXPECT_EQ(action(agent, "save").status, 200);
    EXPECT_EQ(action(agent, "unload").status, 200);
    return agent;
  }
};

TEST_F(CacheFiles, RoundTripContinuesLikeAnAgentThatNeverLeft) {
  const std::string travelled = create_agent();
  const std::string stayed = create_agent();
  generate(travelled, "The cache");
  generate(stayed, "The cache");

  const HttpResult saved = action(travelled, "save");
  ASSERT_EQ(saved.status, 200) << saved.body;
  const nlohmann::json save = saved.json();
  EXPECT_EQ(save["agent"], travelled);
  EXPECT_GT(save["tokens"].get<int>(), 0);
  EXPECT_GT(save["bytes"].get<long long>(), 0);
  EXPECT_GE(save["ms"].get<double>(), 0.0);
  EXPECT_EQ(std::filesystem::path(save["path"].get<std::string>()).filename(), travelled + ".kv");

  const HttpResult unloaded = action(travelled, "unload");
  ASSERT_EQ(unloaded.status, 200) << unloaded.body;
  EXPECT_GT(unloaded.json()["freed_bytes"].get<long long>(), 0);

  const HttpResult loaded = action(travelled, "load");
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  EXPECT_EQ(loaded.json()["tokens"], save["tokens"]);

  const nlohmann::json after_load = generate(travelled, " continues");
  const nlohmann::json never_left = generate(stayed, " continues");
  EXPECT_EQ(after_load["tokens"], never_left["tokens"]);
  EXPECT_EQ(after_load["usage"]["cached_tokens"], never_left["usage"]["cached_tokens"]);
  EXPECT_GE(after_load["usage"]["cached_tokens"].get<int>(), save["tokens"].get<int>() - 1);
}

// {"from": source} gives another agent its own copy of the saved context:
// both continue alike, each in its own blocks, and the source's file is
// untouched; a bad or missing source is refused and leaves no agent behind.
TEST_F(CacheFiles, LoadFromAnotherAgentsFileGivesAnIndependentCopy) {
  const std::string source = saved_and_unloaded_agent();
  const std::filesystem::path source_file = cache_dir() / (source + ".kv");
  const auto source_bytes = std::filesystem::file_size(source_file);

  const std::string copy = "copy-of-" + source;
  const HttpResult copied = post("/v1/agents/" + copy + "/load", {{"from", source}});
  ASSERT_EQ(copied.status, 200) << copied.body;
  EXPECT_EQ(copied.json()["agent"], copy);
  EXPECT_EQ(std::filesystem::path(copied.json()["path"].get<std::string>()), source_file);
  const HttpResult reloaded = action(source, "load");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(copied.json()["tokens"], reloaded.json()["tokens"]);

  const nlohmann::json copy_continues = generate(copy, " continues");
  const nlohmann::json source_continues = generate(source, " continues");
  EXPECT_EQ(copy_continues["tokens"], source_continues["tokens"]);
  EXPECT_EQ(copy_continues["usage"]["cached_tokens"], source_continues["usage"]["cached_tokens"]);
  EXPECT_EQ(std::filesystem::file_size(source_file), source_bytes);
  EXPECT_FALSE(std::filesystem::exists(cache_dir() / (copy + ".kv")));

  expect_error(post("/v1/agents/other/load", {{"from", "no-such-agent"}}), 404);
  expect_error(post("/v1/agents/other/load", {{"from", "../" + source}}), 400);
  expect_error(post("/v1/agents/other/load", {{"from", 7}}), 400);
  expect_error(post("/v1/agents/other/load", {{"from", source}, {"to", "x"}}), 400);
  EXPECT_EQ(client().request("DELETE", "/v1/agents/other").status, 404) << "no agent left behind";
  expect_healthy();
}

TEST_F(CacheFiles, CorruptFileIsUnprocessable) {
  const std::string agent = saved_and_unloaded_agent();
  const std::filesystem::path file = cache_dir() / (agent + ".kv");
  ASSERT_TRUE(std::filesystem::exists(file));
  {
    std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
    stream.seekg(static_cast<std::streamoff>(std::filesystem::file_size(file) / 2));
    const char byte = static_cast<char>(stream.peek());
    stream.seekp(static_cast<std::streamoff>(std::filesystem::file_size(file) / 2));
    stream.put(static_cast<char>(byte ^ 0x5a));
  }
  expect_error(action(agent, "load"), 422);

  std::ofstream(file, std::ios::binary | std::ios::trunc) << "not a cache file";
  expect_error(action(agent, "load"), 422);
  expect_healthy();
}

// A save killed mid-way leaves "<id>.kv.tmp.XXXXXX": a server removes such
// files when it starts, and before it saves the same agent again.
TEST_F(CacheFiles, TempFilesOfKilledSavesAreRemovedAtStartAndBeforeTheNextSave) {
  const TempDir cache;
  std::ofstream(cache.path() / "gone.kv.tmp.Ab12Cd") << "half a save";
  SpawnedServer fresh(tiny_server_args(cache.path()));
  EXPECT_FALSE(std::filesystem::exists(cache.path() / "gone.kv.tmp.Ab12Cd")) << "at start";

  HttpClient fresh_client(fresh.port());
  ASSERT_EQ(fresh_client.post_json("/v1/agents", {{"id", "again"}}).status, 201);
  ASSERT_EQ(
      fresh_client.post_json("/v1/agents/again/generate", {{"prompt", "x"}, {"max_tokens", 2}})
          .status,
      200);
  std::ofstream(cache.path() / "again.kv.tmp.Ef34Gh") << "half a save";
  std::ofstream(cache.path() / "other.kv.tmp.Ij56Kl") << "another agent's";
  ASSERT_EQ(fresh_client.request("POST", "/v1/agents/again/save").status, 200);
  EXPECT_FALSE(std::filesystem::exists(cache.path() / "again.kv.tmp.Ef34Gh")) << "at the save";
  EXPECT_TRUE(std::filesystem::exists(cache.path() / "other.kv.tmp.Ij56Kl"));
  EXPECT_TRUE(std::filesystem::exists(cache.path() / "again.kv"));
  EXPECT_EQ(fresh.terminate(), std::optional<int>(0));
}

// Names planted in the cache folder: a directory answered 500, a FIFO hung
// an I/O thread for ever, a symlink was followed out of the folder. Each is
// now a 422 at once, and the server stays responsive.
TEST_F(CacheFiles, ADirectoryFifoOrSymlinkAtTheFileNameIsUnprocessable) {
  const std::string source = saved_and_unloaded_agent();
  std::filesystem::create_directory(cache_dir() / "a-directory.kv");
  ASSERT_EQ(::mkfifo((cache_dir() / "a-fifo.kv").c_str(), 0600), 0);
  std::filesystem::create_symlink(cache_dir() / (source + ".kv"), cache_dir() / "a-link.kv");
  for (const char* agent : {"a-directory", "a-fifo", "a-link", "a-fifo"}) {
    const HttpResult loaded = action(agent, "load");
    expect_error(loaded, 422);
    EXPECT_NE(loaded.body.find("regular file"), std::string::npos) << loaded.body;
  }
  expect_healthy();
}

TEST_F(CacheFiles, AnotherModelsFileIsUnprocessable) {
  {
    // Same preset, other weights: the fingerprint differs.
    SpawnedServer other(tiny_server_args(cache_dir(), {"--seed", "7"}));
    HttpClient other_client(other.port());
    ASSERT_EQ(other_client.post_json("/v1/agents", {{"id", "foreign"}}).status, 201);
    ASSERT_EQ(
        other_client
            .post_json("/v1/agents/foreign/generate", {{"prompt", "elsewhere"}, {"max_tokens", 2}})
            .status,
        200);
    ASSERT_EQ(other_client.request("POST", "/v1/agents/foreign/save").status, 200);
    EXPECT_EQ(other.terminate(), std::optional<int>(0));
  }
  expect_error(client().request("POST", "/v1/agents/foreign/load"), 422);
  expect_healthy();
}

TEST_F(CacheFiles, AnF32FileNeverLoadsIntoTheF16ServerSilently) {
  {
    // The suite's server keeps f16 (the default); this one the same model in f32.
    SpawnedServer other(tiny_server_args(cache_dir(), {"--kv-dtype", "f32"}));
    HttpClient other_client(other.port());
    ASSERT_EQ(other_client.post_json("/v1/agents", {{"id", "full-width"}}).status, 201);
    ASSERT_EQ(other_client
                  .post_json("/v1/agents/full-width/generate",
                             {{"prompt", "f32 keys"}, {"max_tokens", 2}})
                  .status,
              200);
    ASSERT_EQ(other_client.request("POST", "/v1/agents/full-width/save").status, 200);
    EXPECT_EQ(other.terminate(), std::optional<int>(0));
  }
  const HttpResult refused = client().request("POST", "/v1/agents/full-width/load");
  expect_error(refused, 422);
  EXPECT_NE(refused.body.find("--kv-dtype f32"), std::string::npos) << refused.body;
  expect_healthy();
}

TEST_F(CacheFiles, MissingFileIsNotFound) {
  expect_error(action("never-saved", "load"), 404);
}

TEST_F(CacheFiles, UnloadedAgentCannotGenerateUntilLoaded) {
  const std::string agent = saved_and_unloaded_agent();
  expect_error(post("/v1/agents/" + agent + "/generate", {{"prompt", "x"}}), 409);
  EXPECT_EQ(action(agent, "load").status, 200);
  EXPECT_EQ(post("/v1/agents/" + agent + "/generate", {{"prompt", "x"}, {"max_tokens", 1}}).status,
            200);
}

}  // namespace
}  // namespace sbench::test
