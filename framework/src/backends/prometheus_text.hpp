#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sbench::detail {

// The samples of a Prometheus text exposition (format 0.0.4), keyed by metric
// name with labels dropped; the first sample of a name wins.
std::map<std::string, double> parse_prometheus_text(std::string_view text);

}  // namespace sbench::detail
