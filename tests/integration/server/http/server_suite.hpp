#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "support/spawned_server.hpp"
#include "support/temp_dir.hpp"

namespace sbench::test {

using ::sbench::testing::SpawnedServer;
using ::sbench::testing::TempDir;

// The command line of a tiny-model server on an ephemeral port with its cache in `cache_dir`.
std::vector<std::string> tiny_server_args(const std::filesystem::path& cache_dir,
                                          const std::vector<std::string>& extra = {});

// One server per test suite (pytest's scope="module"), stopped with SIGTERM
// at the end, which must exit 0.
class ServerSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  static SpawnedServer& server() { return *server_; }
  static const std::filesystem::path& cache_dir() { return cache_dir_->path(); }
  static HttpClient client() { return HttpClient(server_->port()); }

  static HttpResult get(const std::string& target) { return client().request("GET", target); }
  static HttpResult post(const std::string& target, const nlohmann::json& body) {
    return client().post_json(target, body);
  }
  // A fresh agent with a unique id.
  static std::string create_agent();
  // Checks status and the JSON error body ({"error":{"status","code","message"}}).
  static void expect_error(const HttpResult& result, int status);
  static void expect_healthy();

 private:
  static std::unique_ptr<TempDir> cache_dir_;
  static std::unique_ptr<SpawnedServer> server_;
};

}  // namespace sbench::test
