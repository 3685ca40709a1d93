#include "strata/query/sql_ast.h"

#include <charconv>
#include <string>
#include <utility>

#include "strata/query/sql_lexer.h"

namespace strata::query {
namespace {

bool SameExpr(const std::unique_ptr<AstExpr>& a, const std::unique_ptr<AstExpr>& b) {
  if (a == nullptr || b == nullptr) return a == b;
  return *a == *b;
}

// The shortest text that reads back as the same double, with a decimal point
// or exponent so that it reads back as a float and not an integer.
std::string FloatSql(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, error == std::errc() ? end : buffer);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

std::string LiteralSql(const Literal& literal) {
  switch (literal.kind) {
    case Literal::Kind::kNull: return "NULL";
    case Literal::Kind::kBool: return literal.bool_value ? "TRUE" : "FALSE";
    case Literal::Kind::kInt: return std::to_string(literal.int_value);
    case Literal::Kind::kFloat: return FloatSql(literal.float_value);
    case Literal::Kind::kString: return QuoteString(literal.string_value);
  }
  return "NULL";
}

std::string ColumnSql(const std::string& qualifier, const std::string& name) {
  return qualifier.empty() ? name : QuoteIdentifier(qualifier) + "." + name;
}

void AppendList(const std::vector<std::unique_ptr<AstExpr>>& args, size_t first, std::string* out) {
  for (size_t i = first; i < args.size(); ++i) {
    if (i > first) *out += ", ";
    *out += args[i] ? ToSql(*args[i]) : "NULL";
  }
}

// Operands missing from a hand-built tree print as NULL rather than crash.
std::string Arg(const AstExpr& expr, size_t index) {
  return index < expr.args.size() && expr.args[index] ? ToSql(*expr.args[index]) : "NULL";
}

}  // namespace

Literal Literal::Bool(bool value) {
  Literal literal;
  literal.kind = Kind::kBool;
  literal.bool_value = value;
  return literal;
}

Literal Literal::Int(int64_t value) {
  Literal literal;
  literal.kind = Kind::kInt;
  literal.int_value = value;
  return literal;
}

Literal Literal::Float(double value) {
  Literal literal;
  literal.kind = Kind::kFloat;
  literal.float_value = value;
  return literal;
}

Literal Literal::String(std::string value) {
  Literal literal;
  literal.kind = Kind::kString;
  literal.string_value = std::move(value);
  return literal;
}

bool Literal::operator==(const Literal& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return bool_value == other.bool_value;
    case Kind::kInt: return int_value == other.int_value;
    case Kind::kFloat: return float_value == other.float_value;
    case Kind::kString: return string_value == other.string_value;
  }
  return false;
}

bool AstExpr::operator==(const AstExpr& other) const {
  if (kind != other.kind || args.size() != other.args.size()) return false;
  bool same = true;
  switch (kind) {
    case ExprKind::kColumn:
    case ExprKind::kStar: same = name == other.name && qualifier == other.qualifier; break;
    case ExprKind::kLiteral: same = literal == other.literal; break;
    case ExprKind::kUnary: same = unary_op == other.unary_op; break;
    case ExprKind::kBinary: same = binary_op == other.binary_op; break;
    case ExprKind::kBetween:
    case ExprKind::kIn:
    case ExprKind::kIsNull: same = negated == other.negated; break;
    case ExprKind::kCall:
    case ExprKind::kCast: same = name == other.name; break;
  }
  if (!same) return false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!SameExpr(args[i], other.args[i])) return false;
  }
  return true;
}

bool SelectItem::operator==(const SelectItem& other) const {
  return star == other.star && alias == other.alias && SameExpr(expr, other.expr);
}

bool FromClause::operator==(const FromClause& other) const {
  return target == other.target && alias == other.alias && s3_object == other.s3_object &&
         json_path == other.json_path;
}

bool SelectStatement::operator==(const SelectStatement& other) const {
  return items == other.items && from == other.from && SameExpr(where, other.where) && limit == other.limit;
}

const char* BinaryOpSql(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAnd: return "AND";
    case BinaryOp::kOr: return "OR";
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNe: return "<>";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
  }
  return "?";
}

std::string QuoteIdentifier(const std::string& name) {
  if (IsPlainIdentifier(name) && !IsReservedWord(name) && !IsUnsupportedWord(name)) return name;
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string QuoteString(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Every operator node is wrapped in parentheses, so the text needs no
// precedence to read back. Operators are spaced so that "a - -3" never
// becomes the comment "--3".
std::string ToSql(const AstExpr& expr) {
  switch (expr.kind) {
    case ExprKind::kColumn: return ColumnSql(expr.qualifier, QuoteIdentifier(expr.name));
    case ExprKind::kLiteral: return LiteralSql(expr.literal);
    case ExprKind::kStar: return ColumnSql(expr.qualifier, "*");
    case ExprKind::kUnary:
      return std::string(expr.unary_op == UnaryOp::kNot ? "(NOT " : "(- ") + Arg(expr, 0) + ")";
    case ExprKind::kBinary:
      return "(" + Arg(expr, 0) + " " + BinaryOpSql(expr.binary_op) + " " + Arg(expr, 1) + ")";
    case ExprKind::kBetween:
      return "(" + Arg(expr, 0) + (expr.negated ? " NOT BETWEEN " : " BETWEEN ") + Arg(expr, 1) + " AND " +
             Arg(expr, 2) + ")";
    case ExprKind::kIn: {
      std::string out = "(" + Arg(expr, 0) + (expr.negated ? " NOT IN (" : " IN (");
      AppendList(expr.args, 1, &out);
      return out + "))";
    }
    case ExprKind::kIsNull: return "(" + Arg(expr, 0) + (expr.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kCall: {
      std::string out = expr.name + "(";
      AppendList(expr.args, 0, &out);
      return out + ")";
    }
    case ExprKind::kCast: return "CAST(" + Arg(expr, 0) + " AS " + expr.name + ")";
  }
  return "NULL";
}

std::string ToSql(const SelectStatement& statement) {
  std::string out = "SELECT ";
  for (size_t i = 0; i < statement.items.size(); ++i) {
    const SelectItem& item = statement.items[i];
    if (i > 0) out += ", ";
    if (item.star) {
      out += item.expr ? ColumnSql(item.expr->qualifier, "*") : "*";
      continue;
    }
    out += item.expr ? ToSql(*item.expr) : "NULL";
    if (!item.alias.empty()) out += " AS " + QuoteIdentifier(item.alias);
  }
  const FromClause& from = statement.from;
  out += " FROM ";
  if (from.s3_object) {
    out += (from.target.empty() ? std::string("S3Object") : from.target) + from.json_path;
  } else {
    out += QuoteString(from.target);
  }
  if (!from.alias.empty()) out += " AS " + QuoteIdentifier(from.alias);
  if (statement.where) out += " WHERE " + ToSql(*statement.where);
  if (statement.limit) out += " LIMIT " + std::to_string(*statement.limit);
  return out;
}

}  // namespace strata::query
