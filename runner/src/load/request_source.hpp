#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "load/load_target.hpp"
#include "sbench/runner/sweep.hpp"

namespace sbench::runner {

// The bodies a sweep sends: the lines of a sample file in turn, or synthetic
// prompts, each distinct unless one fixed prompt is given (a server's prefix
// cache would otherwise make every request after the first cheaper than the
// job's real ones).
class RequestSource {
 public:
  // Throws InputError naming the file and line of a bad sample.
  RequestSource(const RequestShapeOptions& shape, const LoadTarget& target);

  nlohmann::json body(std::size_t index) const;
  // What identifies the bodies, for a point's key: the sample's bytes or the
  // synthetic settings.
  const nlohmann::json& identity() const { return identity_; }

 private:
  nlohmann::json shaped(nlohmann::json body) const;

  const LoadTarget& target_;
  RequestShapeOptions shape_;
  nlohmann::json parameters_ = nlohmann::json::object();
  std::vector<nlohmann::json> samples_;
  nlohmann::json identity_;
};

}  // namespace sbench::runner
