// The syntax tree of Strata's SQL subset, as ParseSql (sql_parser.h) builds it:
// names as written, no schema, no types. Each node owns its children. A parsed
// tree is at most kMaxExpressionDepth levels deep, so recursive walks over it
// (binding, printing, destruction) cannot exhaust the stack. ToSql prints a
// tree back as SQL that parses to an equal tree. Thread-compatible plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::query {

// The parser refuses trees deeper than this (each operator, call, cast and
// predicate is one level); see the header comment for why. Chains of AND or
// OR are built balanced, so thousands of alternatives fit.
inline constexpr int kMaxExpressionDepth = 200;

enum class ExprKind { kColumn, kLiteral, kStar, kUnary, kBinary, kBetween, kIn, kIsNull, kCall, kCast };
enum class UnaryOp { kNot, kNegate };
enum class BinaryOp { kAnd, kOr, kEq, kNe, kLt, kLe, kGt, kGe, kAdd, kSub, kMul, kDiv, kMod };

struct Literal {
  enum class Kind { kNull, kBool, kInt, kFloat, kString };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0;  // always finite
  std::string string_value;

  static Literal Null() { return {}; }
  static Literal Bool(bool value);
  static Literal Int(int64_t value);
  static Literal Float(double value);
  static Literal String(std::string value);

  // Compares the kind and the value of that kind only.
  bool operator==(const Literal& other) const;
};

struct AstExpr {
  ExprKind kind = ExprKind::kLiteral;
  size_t position = 0;    // byte offset of the expression's first character in the SQL text; for
                          // an operator, where its left operand's text starts: in "(a + b) * c"
                          // the '*' node is at '(' and the '+' node at 'a'
  std::string name;       // kColumn: column name as written (quotes removed, case kept);
                          // kCall: function name upper-cased; kCast: target type upper-cased
  std::string qualifier;  // kColumn and kStar: "s" in s.ke or s.*, "" otherwise
  Literal literal;        // kLiteral
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAnd;
  bool negated = false;   // NOT BETWEEN, NOT IN, IS NOT NULL
  // unary: 1; binary: 2; between: value, low, high; in: value then the list;
  // is null: 1; call: its arguments (COUNT(*) has one kStar); cast: 1.
  std::vector<std::unique_ptr<AstExpr>> args;

  // Compares the trees, ignoring positions, so that a statement equals the
  // parse of its own ToSql text. Only the fields that the kind uses count.
  bool operator==(const AstExpr& other) const;
};

struct SelectItem {
  std::unique_ptr<AstExpr> expr;  // for a star item, a kStar node carrying the qualifier
  std::string alias;              // "" when none was given
  bool star = false;              // a bare * (or s.*)
  size_t position = 0;

  bool operator==(const SelectItem& other) const;  // ignores positions
};

struct FromClause {
  std::string target;  // the object, dataset prefix or path; for S3 Select, "S3Object" as written
  size_t position = 0;
  std::string alias;
  bool s3_object = false;
  std::string json_path;  // S3Object's suffix as written, e.g. "[*].records"; "" when none

  bool operator==(const FromClause& other) const;  // ignores positions
};

struct SelectStatement {
  std::vector<SelectItem> items;
  FromClause from;
  std::unique_ptr<AstExpr> where;  // null when there is no WHERE
  std::optional<uint64_t> limit;

  bool operator==(const SelectStatement& other) const;  // ignores positions
};

// Fully parenthesized SQL text of an expression or statement that parses back
// to an equal tree (for --explain and the fuzz round trip). FROM targets other
// than S3Object are written as 'quoted strings'.
std::string ToSql(const AstExpr& expr);
std::string ToSql(const SelectStatement& statement);

// "AND", "=", "<>", "+", ...: the operator as ToSql writes it.
const char* BinaryOpSql(BinaryOp op);

// Identifiers and string literals as SQL text: QuoteIdentifier adds double
// quotes only where needed (reserved and unsupported words, characters other
// than letters, digits and _, a leading digit, empty names).
std::string QuoteIdentifier(const std::string& name);
std::string QuoteString(const std::string& value);

}  // namespace strata::query
