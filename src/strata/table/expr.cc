#include "strata/table/expr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "strata/table/value_format.h"

namespace strata::table {

Value Value::Null(Type type) {
  Value v;
  v.type = type;
  return v;
}
Value Value::Bool(bool b) {
  Value v;
  v.type = Type::kBoolean;
  v.is_null = false;
  v.bool_value = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.type = Type::kInt64;
  v.is_null = false;
  v.int_value = i;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.type = Type::kDouble;
  v.is_null = false;
  v.double_value = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.type = Type::kByteArray;
  v.is_null = false;
  v.string_value = std::move(s);
  return v;
}

std::string Value::ToSql() const {
  if (is_null) return "NULL";
  switch (type) {
    case Type::kBoolean: return bool_value ? "TRUE" : "FALSE";
    case Type::kInt32:
    case Type::kInt64: return std::to_string(int_value);
    case Type::kFloat:
    case Type::kDouble: {
      std::string text = FormatDouble(double_value);
      // Keep it a float literal when read back: 3 -> 3.0.
      if (text.find_first_of(".eEna") == std::string::npos) text += ".0";
      return text;
    }
    case Type::kByteArray: {
      std::string out = "'";
      for (char c : string_value) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    default: return "?";
  }
}

bool IsNumeric(Type type) {
  return type == Type::kInt32 || type == Type::kInt64 || type == Type::kFloat || type == Type::kDouble;
}
bool IsInteger(Type type) { return type == Type::kInt32 || type == Type::kInt64; }

std::string TypeLabel(Type type) {
  switch (type) {
    case Type::kBoolean: return "BOOLEAN";
    case Type::kInt32: return "INT32";
    case Type::kInt64: return "INT64";
    case Type::kFloat: return "FLOAT";
    case Type::kDouble: return "DOUBLE";
    case Type::kByteArray: return "STRING";
    default: return "UNSUPPORTED";
  }
}

int CompareValues(const Value& a, const Value& b) {
  if (a.type == Type::kByteArray || b.type == Type::kByteArray) {
    const int c = a.string_value.compare(b.string_value);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  const bool a_int = IsInteger(a.type) || a.type == Type::kBoolean;
  const bool b_int = IsInteger(b.type) || b.type == Type::kBoolean;
  const int64_t ai = a.type == Type::kBoolean ? a.bool_value : a.int_value;
  const int64_t bi = b.type == Type::kBoolean ? b.bool_value : b.int_value;
  if (a_int && b_int) return ai < bi ? -1 : (ai > bi ? 1 : 0);
  const double ad = a_int ? static_cast<double>(ai) : a.double_value;
  const double bd = b_int ? static_cast<double>(bi) : b.double_value;
  return ad < bd ? -1 : (ad > bd ? 1 : 0);
}

// ---- construction ----

Expr Expr::Column(int index, Type type) {
  Expr e;
  e.op = ExprOp::kColumn;
  e.column = index;
  e.type = type;
  return e;
}

Expr Expr::Constant(Value value) {
  Expr e;
  e.op = ExprOp::kConstant;
  e.type = value.type;
  e.value = std::move(value);
  return e;
}

Expr Expr::Unary(ExprOp op, Expr arg) {
  Expr e;
  e.op = op;
  if (op == ExprOp::kNegate) {
    e.type = IsInteger(arg.type) ? Type::kInt64 : Type::kDouble;
  } else {
    e.type = Type::kBoolean;  // NOT, IS NULL, IS NOT NULL
  }
  e.args.push_back(std::move(arg));
  return e;
}

Expr Expr::Binary(ExprOp op, Expr left, Expr right) {
  Expr e;
  e.op = op;
  switch (op) {
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kMod:
      e.type = IsInteger(left.type) && IsInteger(right.type) ? Type::kInt64 : Type::kDouble;
      break;
    case ExprOp::kDiv: e.type = Type::kDouble; break;
    default: e.type = Type::kBoolean; break;
  }
  e.args.push_back(std::move(left));
  e.args.push_back(std::move(right));
  return e;
}

Expr Expr::In(Expr operand, std::vector<Value> values) {
  Expr e;
  e.op = ExprOp::kIn;
  e.type = Type::kBoolean;
  e.args.push_back(std::move(operand));
  for (Value& v : values) e.args.push_back(Constant(std::move(v)));
  return e;
}

Expr Expr::Cast(Expr arg, Type to) {
  Expr e;
  e.op = ExprOp::kCast;
  e.type = to;
  e.args.push_back(std::move(arg));
  return e;
}

void Expr::CollectColumns(std::vector<int>* out) const {
  if (op == ExprOp::kColumn && std::find(out->begin(), out->end(), column) == out->end()) {
    out->push_back(column);
  }
  for (const Expr& arg : args) arg.CollectColumns(out);
}

namespace {

const char* OperatorText(ExprOp op) {
  switch (op) {
    case ExprOp::kAnd: return "AND";
    case ExprOp::kOr: return "OR";
    case ExprOp::kEq: return "=";
    case ExprOp::kNe: return "!=";
    case ExprOp::kLt: return "<";
    case ExprOp::kLe: return "<=";
    case ExprOp::kGt: return ">";
    case ExprOp::kGe: return ">=";
    case ExprOp::kAdd: return "+";
    case ExprOp::kSub: return "-";
    case ExprOp::kMul: return "*";
    case ExprOp::kDiv: return "/";
    case ExprOp::kMod: return "%";
    default: return "?";
  }
}

}  // namespace

std::string Expr::ToSql(const std::vector<std::string>& names) const {
  switch (op) {
    case ExprOp::kColumn:
      return column >= 0 && static_cast<size_t>(column) < names.size() ? names[column]
                                                                        : "#" + std::to_string(column);
    case ExprOp::kConstant: return value.ToSql();
    case ExprOp::kNot: return "(NOT " + args[0].ToSql(names) + ")";
    case ExprOp::kNegate: return "(-" + args[0].ToSql(names) + ")";
    case ExprOp::kIsNull: return "(" + args[0].ToSql(names) + " IS NULL)";
    case ExprOp::kIsNotNull: return "(" + args[0].ToSql(names) + " IS NOT NULL)";
    case ExprOp::kCast: return "CAST(" + args[0].ToSql(names) + " AS " + TypeLabel(type) + ")";
    case ExprOp::kIn: {
      std::string out = "(" + args[0].ToSql(names) + " IN (";
      for (size_t i = 1; i < args.size(); ++i) out += (i > 1 ? ", " : "") + args[i].ToSql(names);
      return out + "))";
    }
    default:
      return "(" + args[0].ToSql(names) + " " + OperatorText(op) + " " + args[1].ToSql(names) + ")";
  }
}

}  // namespace strata::table
