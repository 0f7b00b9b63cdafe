// Cache files the real sbench-server refuses, seen through the framework:
// the backend's error carries the server's cause. And a save on a full disk:
// the cause named, no temporary file left, the previous file still loadable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sbench/server_fixture.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"
#include "tiny_server_config.hpp"

namespace sbench {
namespace {

namespace fs = std::filesystem;

GenerateResult generate(BackendClient& backend, const std::string& agent) {
  GenerateRequest request;
  request.agent = agent;
  request.prompt = PromptTokens{10};
  request.max_tokens = 4;
  request.timeout = std::chrono::seconds(10);
  return backend.generate(request);
}

// A saved agent `agent` in the fixture's cache directory.
void save_an_agent(BackendClient& backend, const std::string& agent) {
  ASSERT_EQ(backend.create_agent(agent), "");
  const GenerateResult generated = generate(backend, agent);
  ASSERT_TRUE(generated.ok()) << generated.error;
  const CacheOperationResult saved = backend.save_agent(agent);
  ASSERT_TRUE(saved.ok()) << saved.error;
  ASSERT_TRUE(backend.unload_agent(agent).ok());
}

class CacheFileFaults : public ::testing::Test {
 protected:
  CacheFileFaults() { config_.server.cache_dir = dir_.path("cache"); }

  fs::path cache_file(const std::string& agent) const {
    return config_.server.cache_dir / (agent + ".kv");
  }

  sbench::testing::TempDir dir_;
  Config config_ = testing::tiny_server_config();
};

TEST_F(CacheFileFaults, CorruptFileLoadFailsWithTheServersCause) {
  ServerFixture server(config_);
  save_an_agent(server.backend(), "a");
  {
    // One KV byte flipped: only the checksum can tell.
    std::fstream file(cache_file("a"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(fs::file_size(cache_file("a")) / 2));
    const char byte = static_cast<char>(file.peek());
    file.seekp(file.tellg());
    file.put(static_cast<char>(byte ^ 0x5a));
  }
  const CacheOperationResult loaded = server.backend().load_agent("a");
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error.find("422"), std::string::npos) << loaded.error;
  EXPECT_NE(loaded.error.find("checksum"), std::string::npos) << loaded.error;
}

TEST_F(CacheFileFaults, FileThatIsNoCacheFileFailsWithTheServersCause) {
  ServerFixture server(config_);
  fs::create_directories(config_.server.cache_dir);
  {
    // Longer than a cache file's header, so it is the content that is wrong.
    std::ofstream notes(cache_file("notes"));
    for (int line = 0; line < 100; ++line)
      notes << "these are my notes, not a KV cache\n";
  }
  const CacheOperationResult loaded = server.backend().load_agent("notes");
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error.find("422"), std::string::npos) << loaded.error;
  EXPECT_NE(loaded.error.find("not a cache file"), std::string::npos) << loaded.error;
}

TEST_F(CacheFileFaults, AnotherModelsFileFailsWithTheServersCause) {
  {
    // Another seed is another model, with the same shapes.
    Config other = config_;
    other.server.command.insert(other.server.command.end(), {"--seed", "7"});
    ServerFixture foreign(other);
    save_an_agent(foreign.backend(), "foreign");
  }
  ServerFixture server(config_);
  const CacheOperationResult loaded = server.backend().load_agent("foreign");
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error.find("422"), std::string::npos) << loaded.error;
  EXPECT_NE(loaded.error.find("model"), std::string::npos) << loaded.error;
}

// The server's cache directory on a 512 KiB tmpfs of its own, mounted in a
// user and mount namespace (unshare -Urm), so no root is needed; the test
// sees that directory through /proc/<pid>/root.
TEST(CacheFileOnAFullDisk, SaveFailsNamingTheCauseAndKeepsThePreviousFile) {
  if (sbench::testing::run_command("unshare -Urm true").exit_code != 0)
    GTEST_SKIP() << "unshare -Urm is not permitted here: no private tmpfs to fill";
  Config config = testing::command_config(
      {"unshare", "-Urm", "sh", "-c",
       R"(mount -t tmpfs -o size=512k tmpfs "$0" && exec "$1" --model tiny --port "$2" )"
       R"(--cache-dir "$0" --threads 1 --no-fsync)",
       "{cache_dir}", SBENCH_SERVER_BINARY, "{port}"},
      30);
  ServerFixture server(config);
  BackendClient& backend = server.backend();
  save_an_agent(backend, "a");
  const CacheOperationResult first = backend.load_agent("a");
  ASSERT_TRUE(first.ok()) << first.error;

  // The cache directory as the server sees it: on the tmpfs.
  const fs::path cache = fs::path("/proc") / std::to_string(*server.pid()) / "root" /
                         fs::relative(server.log_path().parent_path() / "cache", "/");
  ASSERT_TRUE(fs::exists(cache / "a.kv")) << cache;
  const auto saved_size = fs::file_size(cache / "a.kv");
  {
    std::ofstream filler(cache / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) &&
           filler.flush()) {
    }
  }
  ASSERT_TRUE(generate(backend, "a").ok());  // a longer context than the saved one
  const CacheOperationResult full = backend.save_agent("a");
  EXPECT_FALSE(full.ok());
  EXPECT_NE(full.error.find("No space left on device"), std::string::npos) << full.error;

  for (const auto& entry : fs::directory_iterator(cache))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  EXPECT_EQ(fs::file_size(cache / "a.kv"), saved_size);
  ASSERT_TRUE(backend.unload_agent("a").ok());
  const CacheOperationResult reloaded = backend.load_agent("a");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error;
  EXPECT_EQ(reloaded.tokens, first.tokens);
}

}  // namespace
}  // namespace sbench
