#include "generation_params.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {

void add_info_routes(Router& router, RouteContext& context) {
  Engine& engine = context.engine;
  router.add("GET", "/health", [&engine](const HttpRequest&, const auto&) {
    return json_response(200, {{"status", "ok"}, {"model", engine.config().name}});
  });
  router.add("GET", "/v1/models", [&engine, &context](const HttpRequest&, const auto&) {
    const ModelConfig& config = engine.config();
    const nlohmann::json model = {
        {"id", config.name},
        {"object", "model"},
        {"created", context.started_at},
        {"owned_by", "sbench"},
        {"dim", config.dim},
        {"hidden_dim", config.hidden_dim},
        {"n_layers", config.n_layers},
        {"n_heads", config.n_heads},
        {"n_kv_heads", config.n_kv_heads},
        {"vocab_size", config.vocab_size},
        {"parameters", config.parameter_count()},
        {"max_context", max_context_tokens(engine)},
        {"kv_dtype", kv_dtype_name(engine.options().kv_dtype)},
        {"kv_bytes_per_token", config.kv_bytes_per_token(engine.options().kv_dtype)},
        {"fingerprint", engine.fingerprint()},
        {"kernels", engine.kernels()},
    };
    return json_response(200, {{"object", "list"}, {"data", nlohmann::json::array({model})}});
  });
}

}  // namespace sbench::server::http
