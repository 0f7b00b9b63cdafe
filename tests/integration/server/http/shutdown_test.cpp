// SIGTERM/SIGINT stop the server cleanly (exit 0), even mid-stream; bad
// command lines exit 2 and bad model files 1, each with a message; the
// environment's SBENCH_KERNELS picks the kernel set.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

using namespace std::chrono_literals;

TEST(Shutdown, SigtermDuringAStreamExitsZeroPromptly) {
  const TempDir cache;
  SpawnedServer server(tiny_server_args(cache.path()));
  HttpClient streaming(server.port());
  ASSERT_EQ(streaming.post_json("/v1/agents", {{"id", "talker"}}).status, 201);
  streaming.send_request(
      "POST", "/v1/agents/talker/generate",
      nlohmann::json{{"prompt", "go"}, {"max_tokens", 4000}, {"ignore_eos", true}, {"stream", true}}
          .dump());
  ASSERT_EQ(streaming.read_header().status, 200);

  const auto start = std::chrono::steady_clock::now();
  server.send_signal(SIGTERM);
  std::string body;
  try {
    while (streaming.read_body_some(body)) {
    }
  } catch (const std::exception&) {
    // the connection may be dropped instead of ending the stream
  }
  EXPECT_EQ(server.wait_for_exit(10s), std::optional<int>(0));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(body.find("[DONE]"), std::string::npos) << "a stopped stream must not claim success";
}

TEST(Shutdown, SigintExitsZero) {
  const TempDir cache;
  SpawnedServer server(tiny_server_args(cache.path()));
  server.send_signal(SIGINT);
  EXPECT_EQ(server.wait_for_exit(10s), std::optional<int>(0));
}

int exit_code_of(const std::string& arguments, const std::string& environment = "") {
  const std::string command =
      environment + " " + SBENCH_SERVER_BINARY + " " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CommandLine, BadValuesAndUnknownFlagsExitTwo) {
  EXPECT_EQ(exit_code_of("--port notaport"), 2);
  EXPECT_EQ(exit_code_of("--port 70000"), 2);
  EXPECT_EQ(exit_code_of("--block-size 0"), 2);
  EXPECT_EQ(exit_code_of("--kv-dtype f8"), 2);
  EXPECT_EQ(exit_code_of("--no-such-flag"), 2);
  EXPECT_NE(exit_code_of("--model nonexistent --port 0"), 0);
}

TEST(CommandLine, BadModelFileExitsOne) {
  const TempDir dir;
  const std::filesystem::path file = dir.path() / "broken.bin";
  std::ofstream(file, std::ios::binary) << "definitely not a checkpoint";
  EXPECT_EQ(exit_code_of("--port 0 --model-file " + file.string()), 1);
}

TEST(KernelSets, SbenchKernelsPicksTheSetAndAnUnknownOneExitsOne) {
  const TempDir cache;
  ::setenv("SBENCH_KERNELS", "portable", 1);
  SpawnedServer portable(tiny_server_args(cache.path()));
  ::unsetenv("SBENCH_KERNELS");
  SpawnedServer fastest(tiny_server_args(cache.path()));
  auto kernels = [](const SpawnedServer& server) {
    return HttpClient(server.port()).request("GET", "/v1/models").json()["data"][0]["kernels"];
  };
  EXPECT_EQ(kernels(portable), "portable");
  EXPECT_TRUE(kernels(fastest).is_string());
  EXPECT_EQ(exit_code_of("--port 0", "SBENCH_KERNELS=avx1024"), 1);
}

}  // namespace
}  // namespace sbench::test
