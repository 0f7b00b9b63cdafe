// Markers: pytest's `-m` expressions (names combined with and, or, not and
// parentheses) over the markers a case carries, and the check that every
// marker used is declared.
#include "sbench/markers.hpp"

#include <cctype>
#include <vector>

namespace sbench {
namespace detail {

// One node of a parsed marker expression; `not` uses only `left`.
struct MarkerNode {
  enum class Op { marker, negation, conjunction, disjunction };
  Op op;
  std::string marker;
  std::shared_ptr<const MarkerNode> left;
  std::shared_ptr<const MarkerNode> right;

  bool evaluate(const MarkerSet& case_markers) const {
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
};

}  // namespace detail

namespace {

using detail::MarkerNode;
using NodePtr = std::shared_ptr<const MarkerNode>;

struct Token {
  enum class Kind { name, and_op, or_op, not_op, open_paren, close_paren, end };
  Kind kind;
  std::string text;
  std::size_t column;  // 1-based, for error messages
};

bool starts_name(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool continues_name(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

Token::Kind word_kind(std::string_view word) {
  if (word == "and")
    return Token::Kind::and_op;
  if (word == "or")
    return Token::Kind::or_op;
  if (word == "not")
    return Token::Kind::not_op;
  return Token::Kind::name;
}

// Throws MarkerError on a character that cannot start a token.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const std::size_t column = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back({c == '(' ? Token::Kind::open_paren : Token::Kind::close_paren,
                        std::string(1, c), column});
      ++i;
    } else if (starts_name(c)) {
      std::size_t end = i + 1;
      while (end < text.size() && continues_name(text[end]))
        ++end;
      const std::string_view word = text.substr(i, end - i);
      tokens.push_back({word_kind(word), std::string(word), column});
      i = end;
    } else {
      throw MarkerError("marker expression \"" + std::string(text) + "\": unexpected '" +
                        std::string(1, c) + "' at column " + std::to_string(column));
    }
  }
  tokens.push_back({Token::Kind::end, "", text.size() + 1});
  return tokens;
}

// Recursive descent over
//   expression := term ("or" term)*
//   term       := factor ("and" factor)*
//   factor     := "not" factor | NAME | "(" expression ")"
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  NodePtr parse_all() {
    NodePtr root = expression();
    if (peek().kind != Token::Kind::end)
      fail("expected 'and', 'or' or the end");
    return root;
  }

 private:
  NodePtr expression() {
    NodePtr node = term();
    while (accept(Token::Kind::or_op))
      node = combine(MarkerNode::Op::disjunction, node, term());
    return node;
  }

  NodePtr term() {
    NodePtr node = factor();
    while (accept(Token::Kind::and_op))
      node = combine(MarkerNode::Op::conjunction, node, factor());
    return node;
  }

  NodePtr factor() {
    if (accept(Token::Kind::not_op))
      return combine(MarkerNode::Op::negation, factor(), nullptr);
    if (accept(Token::Kind::open_paren)) {
      NodePtr inner = expression();
      if (!accept(Token::Kind::close_paren))
        fail("expected ')'");
      return inner;
    }
    if (peek().kind != Token::Kind::name)
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

  const Token& peek() const { return tokens_[next_]; }

  bool accept(Token::Kind kind) {
    if (peek().kind != kind)
      return false;
    ++next_;
    return true;
  }

  [[noreturn]] void fail(const std::string& expectation) const {
    const Token& found = peek();
    const std::string where =
        found.kind == Token::Kind::end
            ? " at end"
            : " at column " + std::to_string(found.column) + ", got '" + found.text + "'";
    throw MarkerError("marker expression \"" + std::string(text_) + "\": " + expectation + where);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
};

void collect_markers(const MarkerNode* node, MarkerSet& into) {
  if (node == nullptr)
    return;
  if (node->op == MarkerNode::Op::marker)
    into.insert(node->marker);
  collect_markers(node->left.get(), into);
  collect_markers(node->right.get(), into);
}

}  // namespace

MarkerExpression::MarkerExpression() = default;

MarkerExpression MarkerExpression::parse(std::string_view text) {
  MarkerExpression expression;
  std::vector<Token> tokens = tokenize(text);
  if (tokens.size() > 1)  // not only the end: an all-whitespace expression selects everything
    expression.root_ = Parser(text, std::move(tokens)).parse_all();
  collect_markers(expression.root_.get(), expression.mentioned_);
  expression.text_ = std::string(text);
  return expression;
}

bool MarkerExpression::selects(const MarkerSet& case_markers) const {
  return root_ == nullptr || root_->evaluate(case_markers);
}

void require_declared(const MarkerSet& used, const MarkerSet& declared, std::string_view user) {
  for (const std::string& marker : used) {
    if (declared.contains(marker))
      continue;
    std::string known;
    for (const std::string& name : declared)
      known += (known.empty() ? "" : ", ") + name;
    throw MarkerError(std::string(user) + " uses undeclared marker '" + marker +
                      "' (declared: " + known + "; declare it under [markers] in sbench.toml)");
  }
}

}  // namespace sbench
