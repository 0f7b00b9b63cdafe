#pragma once

#include <memory>
#include <string>

#include "sbench/markers.hpp"

namespace sbench::detail {

// One node of a parsed marker expression; `not` uses only `left`.
struct MarkerNode {
  enum class Op { marker, negation, conjunction, disjunction };
  Op op;
  std::string marker;
  std::shared_ptr<const MarkerNode> left;
  std::shared_ptr<const MarkerNode> right;

  bool evaluate(const MarkerSet& case_markers) const;
};

}  // namespace sbench::detail
