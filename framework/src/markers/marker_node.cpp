#include "marker_node.hpp"

namespace sbench::detail {

bool MarkerNode::evaluate(const MarkerSet& case_markers) const {
  switch (op) {
    case Op::marker:
      return case_markers.contains(marker);
    case Op::negation:
      return !left->evaluate(case_markers);
    case Op::conjunction:
      return left->evaluate(case_markers) && right->evaluate(case_markers);
    case Op::disjunction:
      return left->evaluate(case_markers) || right->evaluate(case_markers);
  }
  return false;
}

}  // namespace sbench::detail
