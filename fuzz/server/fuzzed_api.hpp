#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "http/routes.hpp"
#include "sbench/server/engine.hpp"
#include "support/fuzz_check.hpp"
#include "support/temp_dir.hpp"

namespace sbench::fuzz {

// The server's real router and routes over a real engine (the tiny model),
// shut down before the first input: every request is read, validated and
// routed exactly as in the server, and a generation that passes validation
// is refused with 503 instead of spending milliseconds on the model. The
// cache routes run for real, in a temporary directory. Agent "a" exists and
// has a saved file, so the agent routes get past "unknown agent".
class FuzzedApi {
 public:
  static FuzzedApi& instance() {
    static FuzzedApi api;
    return api;
  }

  server::http::HttpResponse handle(const server::http::HttpRequest& request) {
    server::http::HttpResponse response = router_.handle(request);
    check(response);
    restore();
    return response;
  }

 private:
  FuzzedApi() : engine_(options(cache_dir_.path())), routes_{engine_, 0} {
    engine_.create_agent(std::string(kAgent));
    engine_.save(std::string(kAgent));
    engine_.shutdown();
    router_ = server::http::make_api_router(routes_);
  }

  static server::EngineOptions options(const std::filesystem::path& cache_dir) {
    server::EngineOptions options;
    options.preset = "tiny";
    options.cache_dir = cache_dir;
    options.threads = 1;
    options.kv_memory_bytes = std::size_t{16} << 20;
    options.max_agents = 8;
    options.fsync_saves = false;
    return options;
  }

  // What no request may get: a 500 (an exception the routes did not expect)
  // or an error body that is not the documented JSON.
  static void check(const server::http::HttpResponse& response) {
    require(!response.generation, "a generation started on an engine that is shut down");
    require(response.status < 500 || response.status == 503, "a 5xx other than 503");
    if (response.status >= 400) {
      const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
      require(!body.is_discarded() && body["error"]["status"] == response.status,
              "an error body that is not {\"error\":{\"status\":...}}");
    }
  }

  // Puts back what an input changed: agents it created, deleted or
  // unloaded, and files it saved, so every input meets the same server.
  void restore() {
    const server::EngineStats stats = engine_.stats();
    const bool pristine = stats.agents.size() == 1 && stats.agents[0].id == kAgent &&
                          stats.agents[0].resident && stats.agents[0].tokens == 0;
    if (!pristine) {
      for (const server::AgentStats& agent : stats.agents)
        engine_.delete_agent(agent.id);
      engine_.create_agent(std::string(kAgent));
    }
    for (const auto& entry : std::filesystem::directory_iterator(cache_dir_.path())) {
      if (entry.path().filename() != std::string(kAgent) + ".kv")
        std::filesystem::remove_all(entry.path());
    }
  }

  static constexpr std::string_view kAgent = "a";

  testing::TempDir cache_dir_;
  server::Engine engine_;
  server::http::RouteContext routes_;
  server::http::Router router_;
};

}  // namespace sbench::fuzz
