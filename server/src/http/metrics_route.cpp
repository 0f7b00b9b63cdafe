#include <sstream>

#include "routes.hpp"

namespace sbench::server::http {
namespace {

// Prometheus text exposition format 0.0.4.
class PrometheusText {
 public:
  template <typename Number>
  void add(const char* name, const char* type, const char* help, Number value) {
    out_ << "# HELP sbench_" << name << ' ' << help << '\n'
         << "# TYPE sbench_" << name << ' ' << type << '\n'
         << "sbench_" << name << ' ' << value << '\n';
  }
  // A summary without quantiles: the mean is sum / count over any interval.
  template <typename Count>
  void add_summary(const char* name, const char* help, double sum, Count count) {
    out_ << "# HELP sbench_" << name << ' ' << help << '\n'
         << "# TYPE sbench_" << name << " summary\n"
         << "sbench_" << name << "_sum " << sum << '\n'
         << "sbench_" << name << "_count " << count << '\n';
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

std::string metrics_text(const EngineStats& stats, const ConnectionCounts& connections) {
  const double usage_ratio = stats.blocks_total > 0 ? static_cast<double>(stats.blocks_used) /
                                                          static_cast<double>(stats.blocks_total)
                                                    : 0.0;
  PrometheusText text;
  text.add("requests_total", "counter", "Generation requests accepted.", stats.requests_total);
  text.add("requests_failed_total", "counter", "Generation requests that ended in an error.",
           stats.requests_failed);
  text.add("prompt_tokens_total", "counter", "Prompt tokens received.", stats.prompt_tokens_total);
  text.add("cached_tokens_total", "counter", "Context tokens reused from the KV cache.",
           stats.cached_tokens_total);
  text.add("generated_tokens_total", "counter", "Tokens generated.", stats.generated_tokens_total);
  text.add("decode_steps_total", "counter", "Batched forward steps run.", stats.decode_steps_total);
  text.add("requests_running", "gauge", "Generations being computed.", stats.running_requests);
  text.add("requests_queued", "gauge", "Generations waiting to be scheduled.",
           stats.queued_requests);
  text.add_summary("queue_wait_seconds", "Time generations waited in the queue before running.",
                   stats.queue_wait_seconds_total, stats.requests_scheduled_total);
  text.add("requests_waiting_for_kv", "gauge",
           "Running generations waiting for a free KV cache block.", stats.kv_waiting_requests);
  text.add("kv_waits_total", "counter", "Generations that had to wait for a free KV cache block.",
           stats.kv_waits_total);
  text.add("kv_blocks_used", "gauge", "KV cache blocks in use.", stats.blocks_used);
  text.add("kv_blocks_total", "gauge", "KV cache blocks in the pool.", stats.blocks_total);
  text.add("kv_cache_usage_ratio", "gauge", "KV cache blocks in use over blocks in the pool.",
           usage_ratio);
  text.add("kv_bytes_allocated", "gauge", "Bytes of the KV blocks in use.",
           stats.kv_bytes_allocated);
  text.add("agents", "gauge", "Agents known to the server.", stats.agents.size());
  text.add("model_bytes", "gauge", "Bytes of model weights.", stats.model_bytes);
  text.add("http_connections_open", "gauge", "HTTP connections open.", connections.open.load());
  text.add("http_connections_refused_total", "counter",
           "HTTP connections answered 429 at --max-connections.", connections.refused.load());
  return text.str();
}

}  // namespace

void add_metrics_route(Router& router, RouteContext& context) {
  router.add("GET", "/metrics", [&context](const HttpRequest&, const auto&) {
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_text(context.engine.stats(), context.connections);
    return response;
  });
}

}  // namespace sbench::server::http
