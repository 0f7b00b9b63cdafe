#include "marker_parser.hpp"

#include <vector>

#include "marker_token.hpp"

namespace sbench::detail {
namespace {

using NodePtr = std::shared_ptr<const MarkerNode>;

class Parser {
 public:
  Parser(std::string_view text, std::vector<MarkerToken> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  NodePtr parse_all() {
    NodePtr root = expression();
    if (peek().kind != MarkerToken::Kind::end)
      fail("expected 'and', 'or' or the end");
    return root;
  }

 private:
  NodePtr expression() {
    NodePtr node = term();
    while (accept(MarkerToken::Kind::or_op))
      node = combine(MarkerNode::Op::disjunction, node, term());
    return node;
  }

  NodePtr term() {
    NodePtr node = factor();
    while (accept(MarkerToken::Kind::and_op)) {
      node = combine(MarkerNode::Op::conjunction, node, factor());
    }
    return node;
  }

  NodePtr factor() {
    if (accept(MarkerToken::Kind::not_op)) {
      return combine(MarkerNode::Op::negation, factor(), nullptr);
    }
    if (accept(MarkerToken::Kind::open_paren)) {
      NodePtr inner = expression();
      if (!accept(MarkerToken::Kind::close_paren))
        fail("expected ')'");
      return inner;
    }
    if (peek().kind != MarkerToken::Kind::name)
      fail("expected a marker name");
    auto leaf = std::make_shared<MarkerNode>();
    leaf->op = MarkerNode::Op::marker;
    leaf->marker = tokens_[next_++].text;
    return leaf;
  }

  static NodePtr combine(MarkerNode::Op op, NodePtr left, NodePtr right) {
    auto node = std::make_shared<MarkerNode>();
    node->op = op;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }

  const MarkerToken& peek() const { return tokens_[next_]; }

  bool accept(MarkerToken::Kind kind) {
    if (peek().kind != kind)
      return false;
    ++next_;
    return true;
  }

  [[noreturn]] void fail(const std::string& expectation) const {
    const MarkerToken& found = peek();
    const std::string where =
        found.kind == MarkerToken::Kind::end
            ? " at end"
            : " at column " + std::to_string(found.column) + ", got '" + found.text + "'";
    throw MarkerError("marker expression \"" + std::string(text_) + "\": " + expectation + where);
  }

  std::string_view text_;
  std::vector<MarkerToken> tokens_;
  std::size_t next_ = 0;
};

}  // namespace

std::shared_ptr<const MarkerNode> parse_marker_expression(std::string_view text) {
  std::vector<MarkerToken> tokens = tokenize_marker_expression(text);
  if (tokens.size() == 1)
    return nullptr;
  return Parser(text, std::move(tokens)).parse_all();
}

}  // namespace sbench::detail
