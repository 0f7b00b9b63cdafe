#include "marker_node.hpp"
#include "marker_parser.hpp"
#include "sbench/markers.hpp"

namespace sbench {
namespace {

void collect_markers(const detail::MarkerNode* node, MarkerSet& into) {
  if (node == nullptr)
    return;
  if (node->op == detail::MarkerNode::Op::marker)
    into.insert(node->marker);
  collect_markers(node->left.get(), into);
  collect_markers(node->right.get(), into);
}

}  // namespace

MarkerExpression::MarkerExpression() = default;

MarkerExpression MarkerExpression::parse(std::string_view text) {
  MarkerExpression expression;
  expression.root_ = detail::parse_marker_expression(text);
  collect_markers(expression.root_.get(), expression.mentioned_);
  expression.text_ = std::string(text);
  return expression;
}

bool MarkerExpression::selects(const MarkerSet& case_markers) const {
  return root_ == nullptr || root_->evaluate(case_markers);
}

}  // namespace sbench
