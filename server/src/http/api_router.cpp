#include "routes.hpp"

namespace sbench::server::http {

Router make_api_router(RouteContext& context) {
  Router router;
  add_info_routes(router, context);
  add_agent_routes(router, context);
  add_generate_route(router, context);
  add_completion_routes(router, context);
  add_chat_route(router, context);
  add_tokenize_route(router, context);
  add_stats_routes(router, context);
  add_metrics_route(router, context);
  return router;
}

}  // namespace sbench::server::http
