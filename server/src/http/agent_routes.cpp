#include "error_response.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

constexpr const char* kAgentIdRule = "1 to 64 characters from [A-Za-z0-9_-]";

nlohmann::json cache_file_json(const std::string& agent, const CacheFileResult& result) {
  return {{"agent", agent},
          {"tokens", result.tokens},
          {"bytes", result.bytes},
          {"ms", result.ms},
          {"path", result.path.string()}};
}

// Save and unload take no parameters; a body, if any, must be an empty object.
void expect_no_fields(const HttpRequest& request) {
  JsonBody(request.body).reject_unknown_fields();
}

}  // namespace

std::string checked_agent_id(const std::string& segment) {
  if (!Engine::valid_agent_id(segment))
    throw HttpError(400, "invalid agent id: it must be " + std::string(kAgentIdRule));
  return segment;
}

void add_agent_routes(Router& router, RouteContext& context) {
  Engine& engine = context.engine;
  router.add("POST", "/v1/agents", [&engine](const HttpRequest& request, const auto&) {
    JsonBody body(request.body);
    const std::optional<std::string> id = body.string("id");
    body.reject_unknown_fields();
    if (id && !Engine::valid_agent_id(*id))
      throw HttpError(400, "field 'id' must be " + std::string(kAgentIdRule));
    return json_response(201, {{"id", engine.create_agent(id)}});
  });
  router.add("DELETE", "/v1/agents/{id}", [&engine](const HttpRequest&, const auto& params) {
    const std::string agent = checked_agent_id(params[0]);
    engine.delete_agent(agent);
    return json_response(200, {{"agent", agent}, {"deleted", true}});
  });
  router.add("POST", "/v1/agents/{id}/save",
             [&engine](const HttpRequest& request, const auto& params) {
               const std::string agent = checked_agent_id(params[0]);
               expect_no_fields(request);
               return json_response(200, cache_file_json(agent, engine.save(agent)));
             });
  router.add(
      "POST", "/v1/agents/{id}/load", [&engine](const HttpRequest& request, const auto& params) {
        const std::string agent = checked_agent_id(params[0]);
        JsonBody body(request.body);
        const std::optional<std::string> from = body.string("from");
        body.reject_unknown_fields();
        if (from && !Engine::valid_agent_id(*from))
          throw HttpError(400, "field 'from' must be " + std::string(kAgentIdRule));
        return json_response(200, cache_file_json(agent, engine.load(agent, from.value_or(agent))));
      });
  router.add("POST", "/v1/agents/{id}/unload",
             [&engine](const HttpRequest& request, const auto& params) {
               const std::string agent = checked_agent_id(params[0]);
               expect_no_fields(request);
               return json_response(200, {{"agent", agent}, {"freed_bytes", engine.unload(agent)}});
             });
}

}  // namespace sbench::server::http
