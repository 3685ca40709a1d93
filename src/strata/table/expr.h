// Expr is a bound, typed expression over the columns of a table scan: column
// references are indexes into the scan's column list, every node knows its
// result type, and the tree is plain data (it travels to storage nodes inside
// a ScanSpec). Evaluation is vectorized: a whole batch of decoded columns at a
// time. Predicates follow SQL's three-valued logic; a row is selected only
// when its predicate is true.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/column_vector.h"

namespace strata::table {

using parquet::ColumnVector;
using parquet::Type;

// A constant. Integers are kept as int64 and floating point as double
// whatever the column's width; strings are UTF-8 bytes.
struct Value {
  Type type = Type::kInt64;
  bool is_null = true;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;

  static Value Null(Type type = Type::kInt64);
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Double(double v);
  static Value String(std::string v);
  // SQL text of the constant: 42, 3.5, 'text', TRUE, NULL.
  std::string ToSql() const;
  bool operator==(const Value&) const = default;
};

// -1, 0 or 1 ordering two non-null values of comparable types: strings by
// bytes, integers and booleans as integers, anything with a floating-point
// side as doubles.
int CompareValues(const Value& a, const Value& b);

bool IsNumeric(Type type);
bool IsInteger(Type type);
// "INT64", "FLOAT", "STRING", ...: the names users see in errors.
std::string TypeLabel(Type type);

enum class ExprOp : uint8_t {
  kColumn,
  kConstant,
  kNot,
  kNegate,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kIn,        // args[0] IN (args[1..]), every other arg a constant
  kIsNull,
  kIsNotNull,
  kCast,      // args[0] converted to `type`
};

struct Expr {
  ExprOp op = ExprOp::kConstant;
  Type type = Type::kBoolean;  // result type
  int column = -1;             // kColumn: index into the scan's columns
  Value value;                 // kConstant
  std::vector<Expr> args;

  static Expr Column(int index, Type type);
  static Expr Constant(Value value);
  static Expr Unary(ExprOp op, Expr arg);
  // Result type from the operator and operand types (boolean for comparisons
  // and logic, int64 or double for arithmetic).
  static Expr Binary(ExprOp op, Expr left, Expr right);
  static Expr In(Expr operand, std::vector<Value> values);
  static Expr Cast(Expr arg, Type to);

  bool IsPredicate() const { return type == Type::kBoolean; }
  // Every column index the expression reads, appended to *out (no duplicates).
  void CollectColumns(std::vector<int>* out) const;
  // SQL text, columns named from `names` (for --explain and errors).
  std::string ToSql(const std::vector<std::string>& names) const;
  bool operator==(const Expr&) const = default;
};

// The columns of one batch, indexed like the scan's column list; columns the
// expression does not read may be null.
struct BatchView {
  std::vector<const ColumnVector*> columns;
  size_t rows = 0;
};

// Truth values of a predicate per row.
inline constexpr uint8_t kFalse = 0;
inline constexpr uint8_t kTrue = 1;
inline constexpr uint8_t kUnknown = 2;  // NULL

// Evaluates a predicate over the batch: (*out)[i] is kTrue, kFalse or
// kUnknown. A failing cast is InvalidArgument naming the value.
Status EvalPredicate(const Expr& expr, const BatchView& batch, std::vector<uint8_t>* out);
// Evaluates a value expression into *out, a column of expr.type (int64,
// double, string or boolean; column references keep their own type).
Status EvalValue(const Expr& expr, const BatchView& batch, ColumnVector* out);

// The rows of `truth` that are kTrue, in order.
void SelectedRows(const std::vector<uint8_t>& truth, std::vector<uint32_t>* rows);
// Copies the listed rows of `in` into *out (same type; validity kept).
void GatherRows(const ColumnVector& in, const std::vector<uint32_t>& rows, ColumnVector* out);
// Appends every row of `in` to *out (same type).
using parquet::AppendColumn;

}  // namespace strata::table
