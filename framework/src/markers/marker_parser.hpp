#pragma once

#include <memory>
#include <string_view>

#include "marker_node.hpp"

namespace sbench::detail {

// Recursive descent over
//   expression := term ("or" term)*
//   term       := factor ("and" factor)*
//   factor     := "not" factor | NAME | "(" expression ")"
// Returns null for an empty (all-whitespace) expression.
std::shared_ptr<const MarkerNode> parse_marker_expression(std::string_view text);

}  // namespace sbench::detail
