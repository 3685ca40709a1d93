#include "strata/query/sql_parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::query {
namespace {

// Parentheses (groups, calls, casts, IN lists) may nest twice as deep as the
// tree, because ToSql writes the list of an IN two parentheses in, and what
// ToSql writes must parse back. Each level costs the parser about 1.5 KiB of
// stack (8 KiB under AddressSanitizer).
constexpr int kMaxNesting = 2 * kMaxExpressionDepth;

// A subtree under construction, with what positions and limits need.
struct ParsedExpr {
  std::unique_ptr<AstExpr> expr;
  size_t start = 0;  // first character, including parentheses written around it
  int height = 1;
};

template <typename... Parts>
std::vector<ParsedExpr> Children(Parts&&... parts) {
  std::vector<ParsedExpr> children;
  children.reserve(sizeof...(parts));
  (children.push_back(std::move(parts)), ...);
  return children;
}

std::optional<BinaryOp> ComparisonOp(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq: return BinaryOp::kEq;
    case TokenKind::kNe: return BinaryOp::kNe;
    case TokenKind::kLt: return BinaryOp::kLt;
    case TokenKind::kLe: return BinaryOp::kLe;
    case TokenKind::kGt: return BinaryOp::kGt;
    case TokenKind::kGe: return BinaryOp::kGe;
    default: return std::nullopt;
  }
}

// Folds a minus sign into a numeric literal. -9223372036854775808 has no
// positive counterpart, so a minus before it stays a kNegate node.
bool NegateLiteral(Literal* literal) {
  if (literal->kind == Literal::Kind::kInt && literal->int_value != std::numeric_limits<int64_t>::min()) {
    literal->int_value = -literal->int_value;
    return true;
  }
  if (literal->kind == Literal::Kind::kFloat) {
    literal->float_value = -literal->float_value;
    return true;
  }
  return false;
}

// Recursive descent, one function per precedence level. Any error ends the
// parse, so the nesting counter is not unwound on error paths.
class Parser {
 public:
  explicit Parser(std::string_view sql) : sql_(sql), lexed_(Tokenize(sql)) {}

  Result<SelectStatement> ParseStatement() {
    RETURN_IF_ERROR(ExpectKeyword("SELECT"));
    SelectStatement statement;
    RETURN_IF_ERROR(ParseSelectList(&statement.items));
    ASSIGN_OR_RETURN(statement.from, ParseFrom());
    std::string expected = "WHERE, LIMIT or end of query";
    if (TakeKeyword("WHERE")) {
      ParsedExpr where;
      RETURN_IF_ERROR(ParseExpression(&where));
      statement.where = std::move(where.expr);
      expected = "LIMIT or end of query";
    }
    if (TakeKeyword("LIMIT")) {
      ASSIGN_OR_RETURN(statement.limit, ParseLimit());
      expected = "end of query";
    }
    if (TakeIf(TokenKind::kSemicolon)) expected = "end of query after ';'";
    if (!At(TokenKind::kEnd)) return Unexpected(expected);
    return statement;
  }

 private:
  // ---- Clauses ----

  Status ParseSelectList(std::vector<SelectItem>* items) {
    RETURN_IF_ERROR(RefuseDistinct());
    const Token* bare_alias = nullptr;
    do {
      bare_alias = nullptr;
      ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem(&bare_alias));
      items->push_back(std::move(item));
    } while (TakeIf(TokenKind::kComma));
    if (TakeKeyword("FROM")) return Status::OK();
    // "SELECT a FORM t" reads FORM as an alias of a; the mistake is FORM.
    if (bare_alias != nullptr && LooksLikeKeyword(bare_alias->text, "FROM")) {
      return Error(bare_alias->position, "expected FROM, found " + DescribeToken(*bare_alias));
    }
    return Unexpected("FROM");
  }

  Result<SelectItem> ParseSelectItem(const Token** bare_alias) {
    SelectItem item;
    item.position = Peek().position;
    const bool qualified_star = AtName() && At(TokenKind::kDot, 1) && At(TokenKind::kStar, 2);
    if (At(TokenKind::kStar) || qualified_star) {
      std::string qualifier;
      if (qualified_star) {
        qualifier = NameOf(Take());
        Take();  // the dot
      }
      Take();  // the star
      ParsedExpr star;
      RETURN_IF_ERROR(Build(ExprKind::kStar, item.position, {}, &star));
      star.expr->qualifier = std::move(qualifier);
      item.expr = std::move(star.expr);
      item.star = true;
      return item;
    }
    ParsedExpr expr;
    RETURN_IF_ERROR(ParseExpression(&expr));
    item.expr = std::move(expr.expr);
    ASSIGN_OR_RETURN(item.alias, ParseAlias(bare_alias));
    return item;
  }

  // [AS] name, or nothing; sets *bare_alias to a name given without AS.
  Result<std::string> ParseAlias(const Token** bare_alias) {
    if (TakeKeyword("AS")) {
      if (!AtName()) return Unexpected("an alias after AS");
      return NameOf(Take());
    }
    if (!AtName() || (At(TokenKind::kIdentifier) && IsUnsupportedWord(Peek().text))) return std::string();
    if (At(TokenKind::kIdentifier)) *bare_alias = &Peek();
    return NameOf(Take());
  }

  Result<FromClause> ParseFrom() {
    FromClause from;
    const Token& target = Peek();
    from.position = target.position;
    if (target.kind == TokenKind::kString || target.kind == TokenKind::kQuotedIdentifier) {
      from.target = Unquote(target.text);
      if (from.target.empty()) return Error(target.position, "empty table name");
    } else if (target.kind == TokenKind::kPath && !IsReservedWord(target.text)) {
      ReadPath(target.text, &from);
    } else {
      return Unexpected("a table name or path after FROM");
    }
    Take();
    const Token* bare_alias = nullptr;
    ASSIGN_OR_RETURN(from.alias, ParseAlias(&bare_alias));
    const bool clause_follows =
        AtKeyword("WHERE") || AtKeyword("LIMIT") || At(TokenKind::kSemicolon) || At(TokenKind::kEnd);
    // "FROM t WERE x > 1" reads WERE as an alias of t; the mistake is WERE.
    for (std::string_view keyword : {"WHERE", "LIMIT"}) {
      if (bare_alias != nullptr && !clause_follows && LooksLikeKeyword(bare_alias->text, keyword)) {
        return Error(bare_alias->position, "expected " + std::string(keyword) + ", found " + DescribeToken(*bare_alias));
      }
    }
    return from;
  }

  // A bare path, or S3Object with an optional JSON path (the lexer checked
  // its form): S3Object[*].records.
  static void ReadPath(std::string_view text, FromClause* from) {
    constexpr std::string_view kS3Object = "S3Object";
    const bool s3_object = text.size() >= kS3Object.size() &&
                           EqualsIgnoringCase(text.substr(0, kS3Object.size()), kS3Object) &&
                           (text.size() == kS3Object.size() || text[kS3Object.size()] == '[');
    if (!s3_object) {
      from->target = std::string(text);
      return;
    }
    from->s3_object = true;
    from->target = std::string(text.substr(0, kS3Object.size()));
    from->json_path = std::string(text.substr(kS3Object.size()));
  }

  Result<uint64_t> ParseLimit() {
    if (!At(TokenKind::kInteger)) return Unexpected("a non-negative integer after LIMIT");
    const Token& token = Take();
    uint64_t limit = 0;
    const auto [end, error] = std::from_chars(token.text.data(), token.text.data() + token.text.size(), limit);
    if (error != std::errc() || end != token.text.data() + token.text.size()) {
      return Error(token.position, "integer " + std::string(token.text) + " out of range");
    }
    return limit;
  }

  // DISTINCT followed by an expression (SELECT DISTINCT a, COUNT(DISTINCT a));
  // a column named distinct is still fine.
  Status RefuseDistinct() const {
    const bool operand_follows = At(TokenKind::kIdentifier, 1) || At(TokenKind::kQuotedIdentifier, 1) ||
                                 At(TokenKind::kStar, 1) || At(TokenKind::kLeftParen, 1);
    if (AtKeyword("DISTINCT") && operand_follows && !AtKeyword("FROM", 1) && !AtKeyword("AS", 1)) {
      return Error(Peek().position, "DISTINCT is not part of Strata's SQL subset");
    }
    return Status::OK();
  }

  // ---- Expressions, loosest first ----
  //
  // These return a Status and fill an out-parameter rather than return a
  // Result: each parenthesis level passes through all of them, and the
  // smaller frames keep kMaxNesting levels well inside a thread's stack.

  // The operands of a chain of ORs (or of ANDs) are combined as a balanced
  // tree: the operators are associative, and a long list of alternatives then
  // stays log n deep, far inside kMaxExpressionDepth.
  Status ParseExpression(ParsedExpr* out) {
    std::vector<ParsedExpr> operands(1);
    RETURN_IF_ERROR(ParseConjunction(&operands.back()));
    while (TakeKeyword("OR")) RETURN_IF_ERROR(ParseConjunction(&operands.emplace_back()));
    return Balance(BinaryOp::kOr, &operands, 0, operands.size(), out);
  }

  Status ParseConjunction(ParsedExpr* out) {
    std::vector<ParsedExpr> operands(1);
    RETURN_IF_ERROR(ParseNegation(&operands.back()));
    while (TakeKeyword("AND")) RETURN_IF_ERROR(ParseNegation(&operands.emplace_back()));
    return Balance(BinaryOp::kAnd, &operands, 0, operands.size(), out);
  }

  // Combines (*operands)[begin, end) with `op`, the left half one larger when
  // the count is odd, so that a OR b OR c is still ((a OR b) OR c).
  Status Balance(BinaryOp op, std::vector<ParsedExpr>* operands, size_t begin, size_t end, ParsedExpr* out) {
    if (end - begin == 1) {
      *out = std::move((*operands)[begin]);
      return Status::OK();
    }
    const size_t middle = begin + (end - begin + 1) / 2;
    ParsedExpr right;
    RETURN_IF_ERROR(Balance(op, operands, begin, middle, out));
    RETURN_IF_ERROR(Balance(op, operands, middle, end, &right));
    return Combine(op, out, std::move(right));
  }

  // NOT NOT x is read in a loop, not by recursion, so a long run of NOTs
  // cannot exhaust the stack before the depth limit stops it.
  Status ParseNegation(ParsedExpr* out) {
    std::vector<size_t> nots;
    while (AtKeyword("NOT")) {
      nots.push_back(Take().position);
      if (nots.size() > static_cast<size_t>(kMaxExpressionDepth)) return DepthError(nots.back());
    }
    RETURN_IF_ERROR(ParseComparison(out));
    for (; !nots.empty(); nots.pop_back()) RETURN_IF_ERROR(Wrap(UnaryOp::kNot, nots.back(), out));
    return Status::OK();
  }

  Status ParseComparison(ParsedExpr* out) {
    RETURN_IF_ERROR(ParseSum(out));
    if (!AtComparison(/*bare_not=*/true)) return Status::OK();
    RETURN_IF_ERROR(ParseComparisonRest(out));
    if (AtComparison(/*bare_not=*/false)) {
      return Error(Peek().position, "comparisons do not chain, found " + DescribeToken(Peek()) +
                                        " (combine them with AND, or use parentheses)");
    }
    return Status::OK();
  }

  // After an operand, NOT can only begin NOT BETWEEN or NOT IN.
  bool AtComparison(bool bare_not) const {
    if (ComparisonOp(Peek().kind) || AtKeyword("IS") || AtKeyword("BETWEEN") || AtKeyword("IN")) return true;
    return AtKeyword("NOT") && (bare_not || AtKeyword("BETWEEN", 1) || AtKeyword("IN", 1));
  }

  // The operator and right side of a comparison whose left side is *operand.
  [[gnu::noinline]] Status ParseComparisonRest(ParsedExpr* operand) {
    if (std::optional<BinaryOp> op = ComparisonOp(Peek().kind)) {
      Take();
      ParsedExpr right;
      RETURN_IF_ERROR(ParseSum(&right));
      return Combine(*op, operand, std::move(right));
    }
    const size_t start = operand->start;
    if (TakeKeyword("IS")) {
      const bool negated = TakeKeyword("NOT");
      RETURN_IF_ERROR(ExpectKeyword("NULL", negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS"));
      RETURN_IF_ERROR(Build(ExprKind::kIsNull, start, Children(std::move(*operand)), operand));
      operand->expr->negated = negated;
      return Status::OK();
    }
    const bool negated = TakeKeyword("NOT");
    if (TakeKeyword("BETWEEN")) {
      // The bounds are sums, so the AND that follows belongs to BETWEEN.
      ParsedExpr low, high;
      RETURN_IF_ERROR(ParseSum(&low));
      RETURN_IF_ERROR(ExpectKeyword("AND", "AND after the lower bound of BETWEEN"));
      RETURN_IF_ERROR(ParseSum(&high));
      RETURN_IF_ERROR(
          Build(ExprKind::kBetween, start, Children(std::move(*operand), std::move(low), std::move(high)), operand));
      operand->expr->negated = negated;
      return Status::OK();
    }
    if (TakeKeyword("IN")) {
      const size_t open = Peek().position;
      RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "'(' after IN"));
      RETURN_IF_ERROR(Nest(open));
      std::vector<ParsedExpr> args = Children(std::move(*operand));
      RETURN_IF_ERROR(ParseExpressionList(&args));
      RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "',' or ')'"));
      --nesting_;
      RETURN_IF_ERROR(Build(ExprKind::kIn, start, std::move(args), operand));
      operand->expr->negated = negated;
      return Status::OK();
    }
    return Unexpected("BETWEEN or IN after NOT");
  }

  Status ParseSum(ParsedExpr* out) {
    RETURN_IF_ERROR(ParseProduct(out));
    while (At(TokenKind::kPlus) || At(TokenKind::kMinus)) {
      const BinaryOp op = Take().kind == TokenKind::kPlus ? BinaryOp::kAdd : BinaryOp::kSub;
      ParsedExpr right;
      RETURN_IF_ERROR(ParseProduct(&right));
      RETURN_IF_ERROR(Combine(op, out, std::move(right)));
    }
    return Status::OK();
  }

  Status ParseProduct(ParsedExpr* out) {
    RETURN_IF_ERROR(ParseUnary(out));
    while (At(TokenKind::kStar) || At(TokenKind::kSlash) || At(TokenKind::kPercent)) {
      const TokenKind kind = Take().kind;
      const BinaryOp op = kind == TokenKind::kStar    ? BinaryOp::kMul
                          : kind == TokenKind::kSlash ? BinaryOp::kDiv
                                                      : BinaryOp::kMod;
      ParsedExpr right;
      RETURN_IF_ERROR(ParseUnary(&right));
      RETURN_IF_ERROR(Combine(op, out, std::move(right)));
    }
    return Status::OK();
  }

  // Minus signs are read in a loop, like NOT. A minus before a number folds
  // into the literal; that is the only way to write -9223372036854775808.
  Status ParseUnary(ParsedExpr* out) {
    std::vector<size_t> minuses;
    while (At(TokenKind::kMinus)) minuses.push_back(Take().position);
    if (!minuses.empty() && (At(TokenKind::kInteger) || At(TokenKind::kFloat))) {
      RETURN_IF_ERROR(ParseNumber(minuses.back(), out));
      minuses.pop_back();
    } else {
      RETURN_IF_ERROR(ParsePrimary(out));
    }
    for (; !minuses.empty(); minuses.pop_back()) {
      if (out->expr->kind == ExprKind::kLiteral && NegateLiteral(&out->expr->literal)) {
        out->start = out->expr->position = minuses.back();
      } else {
        RETURN_IF_ERROR(Wrap(UnaryOp::kNegate, minuses.back(), out));
      }
    }
    return Status::OK();
  }

  Status ParsePrimary(ParsedExpr* out) {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kInteger:
      case TokenKind::kFloat: return ParseNumber(std::nullopt, out);
      case TokenKind::kString: Take(); return MakeLiteral(Literal::String(Unquote(token.text)), token.position, out);
      case TokenKind::kLeftParen: return ParseGroup(out);
      case TokenKind::kQuotedIdentifier: return ParseColumn(out);
      case TokenKind::kIdentifier: break;
      default: return Unexpected("an expression");
    }
    if (TakeKeyword("NULL")) return MakeLiteral(Literal::Null(), token.position, out);
    if (TakeKeyword("TRUE")) return MakeLiteral(Literal::Bool(true), token.position, out);
    if (TakeKeyword("FALSE")) return MakeLiteral(Literal::Bool(false), token.position, out);
    if (AtKeyword("CAST")) return ParseCast(out);
    if (IsReservedWord(token.text)) return Unexpected("an expression");
    if (At(TokenKind::kLeftParen, 1)) return ParseCall(out);
    return ParseColumn(out);
  }

  // `minus` is where a folded minus sign stands, if there is one.
  [[gnu::noinline]] Status ParseNumber(std::optional<size_t> minus, ParsedExpr* out) {
    const Token& token = Take();
    const size_t start = minus.value_or(token.position);
    const std::string shown = (minus ? "-" : "") + std::string(token.text);
    const char* first = token.text.data();
    const char* last = first + token.text.size();
    Literal literal;
    std::from_chars_result read;
    if (token.kind == TokenKind::kInteger) {
      uint64_t magnitude = 0;
      read = std::from_chars(first, last, magnitude);
      const uint64_t largest = minus ? uint64_t{1} << 63 : uint64_t{std::numeric_limits<int64_t>::max()};
      if (read.ec == std::errc() && magnitude > largest) read.ec = std::errc::result_out_of_range;
      literal = Literal::Int(static_cast<int64_t>(minus ? 0 - magnitude : magnitude));
    } else {
      double value = 0;
      read = std::from_chars(first, last, value);
      if (read.ec == std::errc() && !std::isfinite(value)) read.ec = std::errc::result_out_of_range;
      literal = Literal::Float(minus ? -value : value);
    }
    const char* type = token.kind == TokenKind::kInteger ? "integer " : "float ";
    if (read.ec == std::errc::result_out_of_range) return Error(start, type + shown + " out of range");
    if (read.ec != std::errc() || read.ptr != last) return Error(start, "malformed number '" + shown + "'");
    return MakeLiteral(std::move(literal), start, out);
  }

  Status ParseGroup(ParsedExpr* out) {
    const size_t open = Take().position;
    RETURN_IF_ERROR(Nest(open));
    RETURN_IF_ERROR(ParseExpression(out));
    RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "')'"));
    --nesting_;
    out->start = open;
    return Status::OK();
  }

  // NAME(args), COUNT(*), NAME().
  [[gnu::noinline]] Status ParseCall(ParsedExpr* out) {
    const Token& name = Take();
    const size_t open = Take().position;
    RETURN_IF_ERROR(Nest(open));
    const std::string upper = ToUpperAscii(name.text);
    RETURN_IF_ERROR(RefuseDistinct());
    std::vector<ParsedExpr> args;
    if (upper == "COUNT" && At(TokenKind::kStar)) {
      ParsedExpr star;
      RETURN_IF_ERROR(Build(ExprKind::kStar, Take().position, {}, &star));
      args.push_back(std::move(star));
    } else if (!At(TokenKind::kRightParen)) {
      RETURN_IF_ERROR(ParseExpressionList(&args));
    }
    RETURN_IF_ERROR(Expect(TokenKind::kRightParen, args.size() == 1 && upper == "COUNT" ? "')'" : "',' or ')'"));
    --nesting_;
    RETURN_IF_ERROR(Build(ExprKind::kCall, name.position, std::move(args), out));
    out->expr->name = upper;
    return Status::OK();
  }

  [[gnu::noinline]] Status ParseCast(ParsedExpr* out) {
    const size_t start = Take().position;
    const size_t open = Peek().position;
    RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "'(' after CAST"));
    RETURN_IF_ERROR(Nest(open));
    ParsedExpr operand;
    RETURN_IF_ERROR(ParseExpression(&operand));
    RETURN_IF_ERROR(ExpectKeyword("AS"));
    if (!At(TokenKind::kIdentifier) || IsReservedWord(Peek().text)) return Unexpected("a type name after AS");
    std::string type = ToUpperAscii(Take().text);
    RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "')'"));
    --nesting_;
    RETURN_IF_ERROR(Build(ExprKind::kCast, start, Children(std::move(operand)), out));
    out->expr->name = std::move(type);
    return Status::OK();
  }

  // name, "name", q.name, q."name". Reserved words need quotes after the dot
  // too (s."limit"), so that "SELECT s. FROM t" fails at FROM.
  [[gnu::noinline]] Status ParseColumn(ParsedExpr* out) {
    const Token& first = Take();
    std::string qualifier;
    std::string name = NameOf(first);
    if (TakeIf(TokenKind::kDot)) {
      if (!AtName()) return Unexpected("a column name after '.'");
      qualifier = std::move(name);
      name = NameOf(Take());
    }
    RETURN_IF_ERROR(Build(ExprKind::kColumn, first.position, {}, out));
    out->expr->name = std::move(name);
    out->expr->qualifier = std::move(qualifier);
    return Status::OK();
  }

  Status ParseExpressionList(std::vector<ParsedExpr>* list) {
    do {
      ParsedExpr element;
      RETURN_IF_ERROR(ParseExpression(&element));
      list->push_back(std::move(element));
    } while (TakeIf(TokenKind::kComma));
    return Status::OK();
  }

  // ---- Nodes ----

  // Every node is made here, so the limits on count and depth cover the tree.
  [[gnu::noinline]] Status Build(ExprKind kind, size_t start, std::vector<ParsedExpr> children, ParsedExpr* built) {
    if (++expressions_ > kMaxExpressions) {
      return Error(start, "query has more than " + std::to_string(kMaxExpressions) + " expressions");
    }
    auto expr = std::make_unique<AstExpr>();
    expr->kind = kind;
    expr->position = start;
    expr->args.reserve(children.size());
    int height = 1;
    for (ParsedExpr& child : children) {
      height = std::max(height, child.height + 1);
      expr->args.push_back(std::move(child.expr));
    }
    if (height > kMaxExpressionDepth) return DepthError(start);
    *built = ParsedExpr{std::move(expr), start, height};
    return Status::OK();
  }

  // *left becomes (left op right).
  [[gnu::noinline]] Status Combine(BinaryOp op, ParsedExpr* left, ParsedExpr right) {
    RETURN_IF_ERROR(Build(ExprKind::kBinary, left->start, Children(std::move(*left), std::move(right)), left));
    left->expr->binary_op = op;
    return Status::OK();
  }

  // *operand becomes (op operand), starting at `start`.
  [[gnu::noinline]] Status Wrap(UnaryOp op, size_t start, ParsedExpr* operand) {
    RETURN_IF_ERROR(Build(ExprKind::kUnary, start, Children(std::move(*operand)), operand));
    operand->expr->unary_op = op;
    return Status::OK();
  }

  Status MakeLiteral(Literal literal, size_t start, ParsedExpr* out) {
    RETURN_IF_ERROR(Build(ExprKind::kLiteral, start, {}, out));
    out->expr->literal = std::move(literal);
    return Status::OK();
  }

  [[gnu::noinline]] Status Nest(size_t open) {
    if (++nesting_ > kMaxNesting) {
      return Error(open, "parentheses nested more than " + std::to_string(kMaxNesting) + " levels deep");
    }
    return Status::OK();
  }

  [[gnu::noinline]] Status DepthError(size_t at) const {
    return Error(at, "expression nested more than " + std::to_string(kMaxExpressionDepth) +
                         " levels deep (write long lists of alternatives as IN (...))");
  }

  // ---- Tokens ----

  const Token& Peek(size_t ahead = 0) const {
    return lexed_.tokens[std::min(next_ + ahead, lexed_.tokens.size() - 1)];
  }
  // The last token (kEnd or kInvalid) is never passed.
  const Token& Take() {
    const Token& token = Peek();
    if (next_ + 1 < lexed_.tokens.size()) ++next_;
    return token;
  }
  bool At(TokenKind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  bool AtKeyword(std::string_view keyword, size_t ahead = 0) const {
    return At(TokenKind::kIdentifier, ahead) && EqualsIgnoringCase(Peek(ahead).text, keyword);
  }
  // A name that needs no keyword check: "quoted", or a word that is not reserved.
  bool AtName() const {
    return At(TokenKind::kQuotedIdentifier) || (At(TokenKind::kIdentifier) && !IsReservedWord(Peek().text));
  }
  static std::string NameOf(const Token& token) {
    return token.kind == TokenKind::kQuotedIdentifier ? Unquote(token.text) : std::string(token.text);
  }
  bool TakeIf(TokenKind kind) {
    if (!At(kind)) return false;
    Take();
    return true;
  }
  bool TakeKeyword(std::string_view keyword) {
    if (!AtKeyword(keyword)) return false;
    Take();
    return true;
  }
  Status Expect(TokenKind kind, std::string_view expected) {
    return TakeIf(kind) ? Status::OK() : Unexpected(expected);
  }
  Status ExpectKeyword(std::string_view keyword, std::string_view expected = {}) {
    return TakeKeyword(keyword) ? Status::OK() : Unexpected(expected.empty() ? keyword : expected);
  }

  // Every wrong-token error comes through here; a malformed token is
  // reported as the lexer saw it.
  [[gnu::noinline]] Status Unexpected(std::string_view expected) const {
    const Token& token = Peek();
    if (token.kind == TokenKind::kInvalid) return lexed_.error;
    if (token.kind == TokenKind::kEnd) {
      return Error(token.position, "unexpected end of query, expected " + std::string(expected));
    }
    std::string message = "expected " + std::string(expected) + ", found " + DescribeToken(token);
    if (token.kind == TokenKind::kIdentifier && IsUnsupportedWord(token.text)) {
      message += " (not part of Strata's SQL subset)";
    }
    return Error(token.position, message);
  }

  [[gnu::noinline]] Status Error(size_t position, std::string_view message) const {
    return QueryError(sql_, position, message);
  }

  std::string_view sql_;
  TokenList lexed_;
  size_t next_ = 0;
  int nesting_ = 0;
  size_t expressions_ = 0;
};

}  // namespace

Result<SelectStatement> ParseSql(std::string_view sql) {
  if (sql.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("query is " + std::to_string(sql.size()) + " bytes, over the limit of " +
                                   std::to_string(kMaxQueryBytes));
  }
  return Parser(sql).ParseStatement();
}

}  // namespace strata::query
