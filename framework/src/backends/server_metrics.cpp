#include "server_metrics.hpp"

#include "prometheus_text.hpp"

namespace sbench::detail {
namespace {

std::optional<double> first_of(const std::map<std::string, double>& samples,
                               std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (const auto found = samples.find(std::string(name)); found != samples.end())
      return found->second;
  }
  return std::nullopt;
}

}  // namespace

ServerMemoryStats read_metrics(ServerConnection& server,
                               std::initializer_list<std::string_view> usage_ratio_names,
                               std::initializer_list<std::string_view> kv_tokens_names) {
  const http::Request request = http::get("/metrics");
  const http::Response response = server.send(request);
  ServerMemoryStats stats;
  if (!response.ok()) {
    stats.error = describe_failure(request, response);
    return stats;
  }
  stats.raw = parse_prometheus_text(response.body);
  stats.kv_cache_usage_ratio = first_of(stats.raw, usage_ratio_names);
  if (const auto tokens = first_of(stats.raw, kv_tokens_names))
    stats.kv_cache_tokens = static_cast<std::uint64_t>(*tokens);
  return stats;
}

}  // namespace sbench::detail
