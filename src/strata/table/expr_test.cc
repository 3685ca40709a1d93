// Expression evaluation over small batches: comparisons across every mix of
// column widths and constants, strings, SQL's three-valued logic, IN with
// NULLs, null tests, arithmetic (wrapping, division by zero), casts, and the
// row helpers the scan uses (SelectedRows, GatherRows, AppendColumn).
#include "strata/table/expr.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/table/value_format.h"
#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

using Opt = std::optional<double>;
constexpr std::nullopt_t kNull = std::nullopt;

// A column of `type` from numbers (integers are truncated; keep them whole).
ColumnVector Numbers(Type type, const std::vector<Opt>& values) {
  ColumnVector c(type);
  bool any_null = false;
  for (const Opt& v : values) {
    const double d = v.value_or(0);
    any_null |= !v.has_value();
    switch (type) {
      case Type::kBoolean: c.bools.push_back(d != 0); break;
      case Type::kInt32: c.int32s.push_back(static_cast<int32_t>(d)); break;
      case Type::kInt64: c.int64s.push_back(static_cast<int64_t>(d)); break;
      case Type::kFloat: c.floats.push_back(static_cast<float>(d)); break;
      default: c.doubles.push_back(d); break;
    }
  }
  if (any_null) {
    for (const Opt& v : values) c.validity.push_back(v.has_value());
  }
  return c;
}

ColumnVector Int64s(const std::vector<std::optional<int64_t>>& values) {
  ColumnVector c(Type::kInt64);
  bool any_null = false;
  for (const auto& v : values) {
    c.int64s.push_back(v.value_or(0));
    any_null |= !v.has_value();
  }
  if (any_null) {
    for (const auto& v : values) c.validity.push_back(v.has_value());
  }
  return c;
}

ColumnVector Strings(const std::vector<std::optional<std::string>>& values) {
  ColumnVector c(Type::kByteArray);
  bool any_null = false;
  for (const auto& v : values) {
    c.strings.Append(v.value_or(""));
    any_null |= !v.has_value();
  }
  if (any_null) {
    for (const auto& v : values) c.validity.push_back(v.has_value());
  }
  return c;
}

// A bool column from "TFN" letters (N: null).
ColumnVector Bools(const std::string& letters) {
  ColumnVector c(Type::kBoolean);
  for (char l : letters) c.bools.push_back(l == 'T');
  if (letters.find('N') != std::string::npos) {
    for (char l : letters) c.validity.push_back(l != 'N');
  }
  return c;
}

BatchView View(const std::vector<const ColumnVector*>& columns) {
  BatchView view;
  view.columns = columns;
  view.rows = columns.empty() || columns[0] == nullptr ? 0 : columns[0]->size();
  return view;
}

// Truth values as letters: T, F, U (unknown); or the error.
std::string Truth(const Expr& e, const BatchView& batch) {
  std::vector<uint8_t> out;
  const Status st = EvalPredicate(e, batch, &out);
  if (!st.ok()) return "error: " + st.ToString();
  if (out.size() != batch.rows) return "error: " + std::to_string(out.size()) + " results";
  std::string letters;
  for (uint8_t v : out) letters += v == kTrue ? 'T' : v == kFalse ? 'F' : v == kUnknown ? 'U' : '?';
  return letters;
}

std::string Cell(const ColumnVector& c, size_t i) {
  if (!c.IsValid(i)) return "NULL";
  switch (c.type) {
    case Type::kBoolean: return c.bools[i] ? "true" : "false";
    case Type::kInt32: return std::to_string(c.int32s[i]);
    case Type::kInt64: return std::to_string(c.int64s[i]);
    case Type::kFloat: return FormatFloat(c.floats[i]);
    case Type::kDouble: return FormatDouble(c.doubles[i]);
    default: return "'" + std::string(c.strings[i]) + "'";
  }
}

// Values joined by commas, with the column's type first: "INT64: 1,NULL".
std::string Values(const Expr& e, const BatchView& batch) {
  ColumnVector out;
  const Status st = EvalValue(e, batch, &out);
  if (!st.ok()) return "error: " + st.ToString();
  if (out.size() != batch.rows) return "error: " + std::to_string(out.size()) + " values";
  if (!out.validity.empty() && out.validity.size() != out.size()) return "error: validity size";
  std::string text = TypeLabel(out.type) + ":";
  for (size_t i = 0; i < out.size(); ++i) text += (i ? "," : " ") + Cell(out, i);
  return text;
}

Expr Col(int index, const ColumnVector& c) { return Expr::Column(index, c.type); }
Expr Int(int64_t v) { return Expr::Constant(Value::Int(v)); }
Expr Dbl(double v) { return Expr::Constant(Value::Double(v)); }
Expr Str(std::string v) { return Expr::Constant(Value::String(std::move(v))); }
Expr Bool(bool v) { return Expr::Constant(Value::Bool(v)); }
Expr Null(Type type = Type::kInt64) { return Expr::Constant(Value::Null(type)); }

// ---- comparisons ----

const ExprOp kComparisons[] = {ExprOp::kEq, ExprOp::kNe, ExprOp::kLt, ExprOp::kLe, ExprOp::kGt, ExprOp::kGe};

bool Apply(ExprOp op, double a, double b) {
  switch (op) {
    case ExprOp::kEq: return a == b;
    case ExprOp::kNe: return a != b;
    case ExprOp::kLt: return a < b;
    case ExprOp::kLe: return a <= b;
    case ExprOp::kGt: return a > b;
    default: return a >= b;
  }
}

const char* OpName(ExprOp op) {
  switch (op) {
    case ExprOp::kEq: return "=";
    case ExprOp::kNe: return "!=";
    case ExprOp::kLt: return "<";
    case ExprOp::kLe: return "<=";
    case ExprOp::kGt: return ">";
    default: return ">=";
  }
}

TEST(ExprCompareTest, EveryOperatorAcrossColumnWidths) {
  // Left values are whole; right values include halves for the floating
  // point columns, so int-vs-float comparisons are not just int-vs-int.
  const std::vector<Opt> left = {1, 2, 3, kNull, -4, 2, 0, 7};
  const std::vector<Opt> right_whole = {2, 2, 1, 5, kNull, 3, 0, kNull};
  const std::vector<Opt> right_halves = {2, 2.5, 1, 5, kNull, 1.5, -0.5, kNull};
  const Type kTypes[] = {Type::kInt32, Type::kInt64, Type::kFloat, Type::kDouble};
  for (Type lt : kTypes) {
    for (Type rt : kTypes) {
      const std::vector<Opt>& right = IsInteger(rt) ? right_whole : right_halves;
      const ColumnVector a = Numbers(lt, left), b = Numbers(rt, right);
      const BatchView batch = View({&a, &b});
      for (ExprOp op : kComparisons) {
        std::string want;
        for (size_t i = 0; i < left.size(); ++i) {
          want += !left[i] || !right[i] ? 'U' : Apply(op, *left[i], *right[i]) ? 'T' : 'F';
        }
        EXPECT_EQ(Truth(Expr::Binary(op, Col(0, a), Col(1, b)), batch), want)
            << TypeLabel(lt) << " " << OpName(op) << " " << TypeLabel(rt);
      }
    }
  }
}

TEST(ExprCompareTest, ColumnsAgainstConstantsOnEitherSide) {
  const std::vector<Opt> values = {1, 2, 3, kNull, -4};
  for (Type t : {Type::kInt32, Type::kInt64, Type::kFloat, Type::kDouble, Type::kBoolean}) {
    const std::vector<Opt> column_values = t == Type::kBoolean ? std::vector<Opt>{1, 0, 1, kNull, 0} : values;
    const ColumnVector a = Numbers(t, column_values);
    const BatchView batch = View({&a});
    for (double constant : {2.0, 2.5, -10.0, 0.0, 1.0}) {
      for (bool integer_constant : {true, false}) {
        if (integer_constant && constant != std::floor(constant)) continue;
        const Expr k = integer_constant ? Int(static_cast<int64_t>(constant)) : Dbl(constant);
        for (ExprOp op : kComparisons) {
          std::string column_left, column_right;
          for (const Opt& v : column_values) {
            column_left += !v ? 'U' : Apply(op, *v, constant) ? 'T' : 'F';
            column_right += !v ? 'U' : Apply(op, constant, *v) ? 'T' : 'F';
          }
          const std::string where = TypeLabel(t) + " " + OpName(op) + " " + k.value.ToSql();
          EXPECT_EQ(Truth(Expr::Binary(op, Col(0, a), k), batch), column_left) << where;
          EXPECT_EQ(Truth(Expr::Binary(op, k, Col(0, a)), batch), column_right) << "reversed: " << where;
        }
      }
      // NULL on either side: unknown everywhere.
      EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, a), Null()), batch), "UUUUU");
      EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLt, Null(Type::kDouble), Col(0, a)), batch), "UUUUU");
    }
  }
  // Constants against constants.
  const ColumnVector a = Numbers(Type::kInt64, {1, 2});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLt, Int(1), Dbl(1.5)), View({&a})), "TT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Int(3), Int(4)), View({&a})), "FF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Bool(true), Int(1)), View({&a})), "TT");
}

TEST(ExprCompareTest, BooleanColumns) {
  const ColumnVector flag = Bools("TFNT");
  const BatchView batch = View({&flag});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, flag), Bool(true)), batch), "TFUT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kNe, Col(0, flag), Bool(true)), batch), "FTUF");
  EXPECT_EQ(Truth(Col(0, flag), batch), "TFUT");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Col(0, flag)), batch), "FTUF");
}

TEST(ExprCompareTest, IntegersCompareExactlyAtTheExtremes) {
  const ColumnVector a = Int64s({INT64_MAX, INT64_MIN, INT64_MAX - 1});
  const ColumnVector b = Int64s({INT64_MAX - 1, INT64_MIN + 1, INT64_MAX});
  const BatchView batch = View({&a, &b});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGt, Col(0, a), Col(1, b)), batch), "TFF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, a), Int(INT64_MAX)), batch), "TFF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLt, Col(0, a), Int(INT64_MAX)), batch), "FTT");
}

TEST(ExprCompareTest, NaNComparesAsIeee) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const ColumnVector a = Numbers(Type::kDouble, {nan, 1.0});
  const BatchView batch = View({&a});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, a), Dbl(1.0)), batch), "FT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kNe, Col(0, a), Dbl(1.0)), batch), "TF");
}

TEST(ExprCompareTest, Strings) {
  const ColumnVector s = Strings({"abc", "abd", "", kNull, "\xff", "ab", "abc"});
  const ColumnVector t = Strings({"abd", "abd", "a", "x", "a", kNull, "ABC"});
  const BatchView batch = View({&s, &t});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLt, Col(0, s), Col(1, t)), batch), "TFTUFUF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, s), Col(1, t)), batch), "FTFUFUF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGe, Col(0, s), Col(1, t)), batch), "FTFUTUT");
  // Bytes compare unsigned: 0xff sorts after every ASCII letter.
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGt, Col(0, s), Str("zzz")), batch), "FFFUTFF");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Str("abc"), Col(0, s)), batch), "TFFUFFT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kNe, Col(0, s), Str("")), batch), "TTFUTTT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLe, Col(0, s), Null(Type::kByteArray)), batch), "UUUUUUU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLe, Col(0, s), Null(Type::kInt64)), batch), "UUUUUUU");
  // Embedded zero bytes are part of the value.
  ColumnVector z(Type::kByteArray);
  z.strings.Append(std::string("a\0b", 3));
  z.strings.Append("a");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGt, Col(0, z), Str("a")), View({&z})), "TF");
}

// A string-typed NULL (the binder makes one from CAST(NULL AS STRING))
// compared with a number is NULL, like any comparison with NULL.
TEST(ExprCompareTest, NumberAgainstAStringTypedNull) {
  const ColumnVector a = Numbers(Type::kInt64, {1, 2});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kEq, Col(0, a), Null(Type::kByteArray)), View({&a})), "UU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kLt, Null(Type::kByteArray), Col(0, a)), View({&a})), "UU");
}

// ---- logic ----

TEST(ExprLogicTest, ThreeValuedAndOrNot) {
  const ColumnVector a = Bools("TTTFFFNNN");
  const ColumnVector b = Bools("TFNTFNTFN");
  const BatchView batch = View({&a, &b});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kAnd, Col(0, a), Col(1, b)), batch), "TFUFFFUFU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kOr, Col(0, a), Col(1, b)), batch), "TTTTFUTUU");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Col(0, a)), batch), "FFFTTTUUU");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Expr::Binary(ExprOp::kAnd, Col(0, a), Col(1, b))), batch), "FTUTTTUTU");
  // With constants, NULL included.
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kAnd, Col(0, a), Null()), batch), "UUUFFFUUU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kOr, Null(), Col(1, b)), batch), "TUUTUUTUU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kAnd, Col(0, a), Bool(true)), batch), "TTTFFFUUU");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kOr, Col(0, a), Bool(true)), batch), "TTTTTTTTT");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Null()), batch), "UUUUUUUUU");
  EXPECT_EQ(Truth(Bool(false), batch), "FFFFFFFFF");
}

TEST(ExprLogicTest, ComparisonsAsOperands) {
  const ColumnVector x = Numbers(Type::kInt64, {1, 5, kNull, 7});
  const ColumnVector y = Numbers(Type::kDouble, {kNull, 1, 2, kNull});
  const BatchView batch = View({&x, &y});
  const Expr big = Expr::Binary(ExprOp::kGt, Col(0, x), Int(3));
  const Expr y_null = Expr::Unary(ExprOp::kIsNull, Col(1, y));
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kAnd, big, y_null), batch), "FFFT");
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kOr, big, y_null), batch), "TTUT");
  // A predicate as a value is a boolean column with NULL for unknown.
  EXPECT_EQ(Values(big, batch), "BOOLEAN: false,true,NULL,true");
  EXPECT_EQ(Values(y_null, batch), "BOOLEAN: true,false,false,true");
}

TEST(ExprLogicTest, InWithNullsInTheListAndTheOperand) {
  const ColumnVector x = Numbers(Type::kInt32, {1, 2, 3, kNull});
  const BatchView batch = View({&x});
  EXPECT_EQ(Truth(Expr::In(Col(0, x), {Value::Int(1), Value::Int(3)}), batch), "TFTU");
  EXPECT_EQ(Truth(Expr::In(Col(0, x), {Value::Int(1), Value::Null()}), batch), "TUUU");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Expr::In(Col(0, x), {Value::Int(1), Value::Null()})), batch), "FUUU");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kNot, Expr::In(Col(0, x), {Value::Int(1), Value::Int(3)})), batch), "FTFU");
  EXPECT_EQ(Truth(Expr::In(Col(0, x), {Value::Null()}), batch), "UUUU");
  EXPECT_EQ(Truth(Expr::In(Col(0, x), {Value::Double(2.0), Value::Double(3.5)}), batch), "FTFU");
  const ColumnVector d = Numbers(Type::kFloat, {2.5, 1, kNull});
  EXPECT_EQ(Truth(Expr::In(Col(0, d), {Value::Int(1), Value::Double(2.5)}), View({&d})), "TTU");
  const ColumnVector s = Strings({"a", "b", kNull, ""});
  EXPECT_EQ(Truth(Expr::In(Col(0, s), {Value::String("b"), Value::String("")}), View({&s})), "FTUT");
  EXPECT_EQ(Truth(Expr::In(Col(0, s), {Value::String("b"), Value::Null(Type::kByteArray)}), View({&s})), "UTUU");
}

TEST(ExprLogicTest, IsNullAndIsNotNull) {
  const ColumnVector x = Numbers(Type::kDouble, {1, kNull, 3});
  const ColumnVector full = Numbers(Type::kInt64, {1, 0, 3});
  const ColumnVector s = Strings({kNull, "", "x"});
  const BatchView batch = View({&x, &full, &s});
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Col(0, x)), batch), "FTF");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNotNull, Col(0, x)), batch), "TFT");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Col(1, full)), batch), "FFF");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Col(2, s)), batch), "TFF");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Null()), batch), "TTT");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNotNull, Int(1)), batch), "TTT");
  // Of computed values: NULL propagates, and x / 0 is NULL.
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Expr::Binary(ExprOp::kAdd, Col(0, x), Col(1, full))), batch), "FTF");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Expr::Binary(ExprOp::kDiv, Col(1, full), Int(0))), batch), "TTT");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNull, Expr::Binary(ExprOp::kGt, Col(0, x), Int(2))), batch), "FTF");
  EXPECT_EQ(Truth(Expr::Unary(ExprOp::kIsNotNull, Expr::Cast(Col(0, x), Type::kByteArray)), batch), "TFT");
}

// ---- arithmetic ----

TEST(ExprArithmeticTest, ResultTypesAndValues) {
  const ColumnVector i32 = Numbers(Type::kInt32, {7, -7, INT32_MAX, kNull});
  const ColumnVector i64 = Numbers(Type::kInt64, {2, 3, 1, 5});
  const ColumnVector f = Numbers(Type::kFloat, {0.5, 1.5, -2, 1});
  const ColumnVector d = Numbers(Type::kDouble, {0.25, kNull, 4, 2});
  const BatchView batch = View({&i32, &i64, &f, &d});
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Col(0, i32), Col(1, i64)), batch), "INT64: 9,-4,2147483648,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kSub, Col(0, i32), Int(1)), batch), "INT64: 6,-8,2147483646,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMul, Col(0, i32), Col(0, i32)), batch), "INT64: 49,49,4611686014132420609,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kDiv, Col(0, i32), Col(1, i64)), batch), "DOUBLE: 3.5,-2.3333333333333335,2147483647,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMod, Col(0, i32), Col(1, i64)), batch), "INT64: 1,-1,0,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Col(2, f), Col(3, d)), batch), "DOUBLE: 0.75,NULL,2,3");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMul, Col(1, i64), Dbl(0.5)), batch), "DOUBLE: 1,1.5,0.5,2.5");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMod, Col(2, f), Int(1)), batch), "DOUBLE: 0.5,0.5,-0,0");
  EXPECT_EQ(Values(Expr::Unary(ExprOp::kNegate, Col(0, i32)), batch), "INT64: -7,7,-2147483647,NULL");
  EXPECT_EQ(Values(Expr::Unary(ExprOp::kNegate, Col(2, f)), batch), "DOUBLE: -0.5,-1.5,2,-1");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Col(1, i64), Null()), batch), "INT64: NULL,NULL,NULL,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Null(Type::kDouble), Col(1, i64)), batch), "DOUBLE: NULL,NULL,NULL,NULL");
  // Nested.
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMul, Expr::Binary(ExprOp::kAdd, Col(1, i64), Int(1)), Int(10)), batch),
            "INT64: 30,40,20,60");
}

TEST(ExprArithmeticTest, ZeroDivisorGivesNull) {
  const ColumnVector x = Numbers(Type::kInt64, {7, 0, kNull, -3});
  const ColumnVector y = Numbers(Type::kDouble, {0, 2, 1, -0.0});
  const BatchView batch = View({&x, &y});
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kDiv, Col(0, x), Int(0)), batch), "DOUBLE: NULL,NULL,NULL,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kDiv, Col(0, x), Col(1, y)), batch), "DOUBLE: NULL,0,NULL,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMod, Col(0, x), Int(0)), batch), "INT64: NULL,NULL,NULL,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMod, Col(1, y), Dbl(0)), batch), "DOUBLE: NULL,NULL,NULL,NULL");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kDiv, Col(1, y), Col(0, x)), batch), "DOUBLE: 0,NULL,NULL,0");
  // A NULL row filters out: WHERE x / 0 > 1 keeps nothing.
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGt, Expr::Binary(ExprOp::kDiv, Col(0, x), Int(0)), Int(1)), batch), "UUUU");
}

TEST(ExprArithmeticTest, IntegersWrap) {
  const ColumnVector x = Int64s({INT64_MAX, INT64_MIN, INT64_MIN, -1});
  const BatchView batch = View({&x});
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Col(0, x), Int(1)), batch),
            "INT64: -9223372036854775808,-9223372036854775807,-9223372036854775807,0");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kSub, Col(0, x), Int(1)), batch),
            "INT64: 9223372036854775806,9223372036854775807,9223372036854775807,-2");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMul, Col(0, x), Int(2)), batch), "INT64: -2,0,0,-2");
  EXPECT_EQ(Values(Expr::Unary(ExprOp::kNegate, Col(0, x)), batch),
            "INT64: -9223372036854775807,-9223372036854775808,-9223372036854775808,1");
  // INT64_MIN % -1 would trap as a machine instruction.
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kMod, Col(0, x), Int(-1)), batch), "INT64: 0,0,0,0");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kDiv, Col(0, x), Int(-1)), batch),
            "DOUBLE: -9223372036854775808,9223372036854775808,9223372036854775808,1");
}

// CAST(NULL AS STRING) is a string-typed NULL constant; in arithmetic it is
// NULL like any other. Run in a child process: the evaluator has been seen
// to read a missing vector here.
TEST(ExprArithmeticTest, StringTypedNullInArithmeticIsNull) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const ColumnVector x = Numbers(Type::kInt64, {1, 2, 3});
        const std::string sum = Values(Expr::Binary(ExprOp::kAdd, Col(0, x), Null(Type::kByteArray)), View({&x}));
        const std::string product =
            Values(Expr::Binary(ExprOp::kMul, Null(Type::kByteArray), Col(0, x)), View({&x}));
        std::_Exit(sum == "DOUBLE: NULL,NULL,NULL" && product == "DOUBLE: NULL,NULL,NULL" ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// ---- casts ----

TEST(ExprCastTest, StringsToNumbers) {
  const ColumnVector s = Strings({"42", " -7 ", "3.0", kNull, "2.5", "1e3"});
  const BatchView batch = View({&s});
  EXPECT_EQ(Values(Expr::Cast(Col(0, s), Type::kInt64), batch), "INT64: 42,-7,3,NULL,3,1000");
  EXPECT_EQ(Values(Expr::Cast(Col(0, s), Type::kDouble), batch), "DOUBLE: 42,-7,3,NULL,2.5,1000");
  const ColumnVector b = Strings({"true", "FALSE", "t", "f", "1", "0", kNull});
  EXPECT_EQ(Values(Expr::Cast(Col(0, b), Type::kBoolean), View({&b})), "BOOLEAN: true,false,true,false,true,false,NULL");
  EXPECT_EQ(Truth(Expr::Cast(Col(0, b), Type::kBoolean), View({&b})), "TFTFTFU");
  EXPECT_EQ(Values(Expr::Cast(Str("9223372036854775807"), Type::kInt64), batch),
            "INT64: 9223372036854775807,9223372036854775807,9223372036854775807,9223372036854775807,"
            "9223372036854775807,9223372036854775807");
}

TEST(ExprCastTest, FailedCastIsAnErrorNamingTheValue) {
  for (const char* bad : {"abc", "", "12abc", "1.2.3", "99999999999999999999999", "--1"}) {
    const ColumnVector s = Strings({"1", bad});
    ColumnVector out;
    const Status st = EvalValue(Expr::Cast(Col(0, s), Type::kInt64), View({&s}), &out);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << "'" << bad << "': " << st.ToString();
    EXPECT_NE(st.message().find("'" + std::string(bad) + "'"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("INT64"), std::string::npos) << st.message();
  }
  for (const char* bad : {"x1", "", "1,5"}) {
    const ColumnVector s = Strings({bad});
    EXPECT_EQ(Values(Expr::Cast(Col(0, s), Type::kDouble), View({&s})).substr(0, 6), "error:") << bad;
  }
  for (const char* bad : {"yes", "2", "tru"}) {
    const ColumnVector s = Strings({bad});
    EXPECT_EQ(Truth(Expr::Cast(Col(0, s), Type::kBoolean), View({&s})).substr(0, 6), "error:") << bad;
  }
  // Numbers that do not fit an INT64.
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {1e19, -1e19, inf, std::numeric_limits<double>::quiet_NaN()}) {
    const ColumnVector d = Numbers(Type::kDouble, {1, bad});
    EXPECT_EQ(Values(Expr::Cast(Col(0, d), Type::kInt64), View({&d})).substr(0, 6), "error:") << bad;
  }
}

TEST(ExprCastTest, NumbersToStringsAndBetweenNumbers) {
  const ColumnVector i = Numbers(Type::kInt32, {42, -1, kNull});
  const ColumnVector f = Numbers(Type::kFloat, {0.1, 2.5, -0.0});
  const ColumnVector d = Numbers(Type::kDouble, {0.1, 1e20, 2.5});
  const ColumnVector b = Bools("TFN");
  const BatchView batch = View({&i, &f, &d, &b});
  EXPECT_EQ(Values(Expr::Cast(Col(0, i), Type::kByteArray), batch), "STRING: '42','-1',NULL");
  EXPECT_EQ(Values(Expr::Cast(Col(1, f), Type::kByteArray), batch), "STRING: '0.1','2.5','-0'");
  EXPECT_EQ(Values(Expr::Cast(Col(2, d), Type::kByteArray), batch), "STRING: '0.1','1e+20','2.5'");
  EXPECT_EQ(Values(Expr::Cast(Col(3, b), Type::kByteArray), batch), "STRING: 'true','false',NULL");
  EXPECT_EQ(Values(Expr::Cast(Col(2, d), Type::kInt64), batch).substr(0, 6), "error:");  // 1e20
  const ColumnVector halves = Numbers(Type::kDouble, {2.5, -2.5, 0.4, kNull});
  EXPECT_EQ(Values(Expr::Cast(Col(0, halves), Type::kInt64), View({&halves})), "INT64: 3,-3,0,NULL");
  EXPECT_EQ(Values(Expr::Cast(Col(0, halves), Type::kBoolean), View({&halves})), "BOOLEAN: true,true,true,NULL");
  EXPECT_EQ(Values(Expr::Cast(Col(0, i), Type::kDouble), batch), "DOUBLE: 42,-1,NULL");
  EXPECT_EQ(Values(Expr::Cast(Col(3, b), Type::kInt64), batch), "INT64: 1,0,NULL");
  EXPECT_EQ(Values(Expr::Cast(Int(0), Type::kBoolean), batch), "BOOLEAN: false,false,false");
  // Round trip through text keeps the value.
  EXPECT_EQ(Values(Expr::Cast(Expr::Cast(Col(2, d), Type::kByteArray), Type::kDouble), batch), "DOUBLE: 0.1,1e+20,2.5");
  EXPECT_EQ(Values(Expr::Cast(Null(), Type::kByteArray), batch), "STRING: NULL,NULL,NULL");
}

// ---- columns, constants, errors ----

TEST(ExprValueTest, ColumnsAndConstants) {
  const ColumnVector s = Strings({"a", kNull});
  const BatchView batch = View({&s});
  EXPECT_EQ(Values(Col(0, s), batch), "STRING: 'a',NULL");
  EXPECT_EQ(Values(Int(5), batch), "INT64: 5,5");
  EXPECT_EQ(Values(Dbl(0.5), batch), "DOUBLE: 0.5,0.5");
  EXPECT_EQ(Values(Str("x"), batch), "STRING: 'x','x'");
  EXPECT_EQ(Values(Bool(true), batch), "BOOLEAN: true,true");
  EXPECT_EQ(Values(Null(Type::kByteArray), batch), "STRING: NULL,NULL");
  // Width-typed constants widen to the engine's two numeric types.
  Value narrow = Value::Int(3);
  narrow.type = Type::kInt32;
  EXPECT_EQ(Values(Expr::Constant(narrow), batch), "INT64: 3,3");
}

TEST(ExprValueTest, MissingAndMisSizedColumnsAreErrors) {
  const ColumnVector a = Numbers(Type::kInt64, {1, 2, 3});
  BatchView batch;
  batch.columns = {&a, nullptr};
  batch.rows = 3;
  std::vector<uint8_t> truth;
  EXPECT_EQ(EvalPredicate(Expr::Binary(ExprOp::kEq, Expr::Column(1, Type::kInt64), Int(1)), batch, &truth).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EvalPredicate(Expr::Binary(ExprOp::kEq, Expr::Column(7, Type::kInt64), Int(1)), batch, &truth).code(),
            StatusCode::kInvalidArgument);
  ColumnVector out;
  EXPECT_EQ(EvalValue(Expr::Column(-1, Type::kInt64), batch, &out).code(), StatusCode::kInvalidArgument);
  batch.rows = 4;
  EXPECT_EQ(EvalPredicate(Expr::Binary(ExprOp::kEq, Expr::Column(0, Type::kInt64), Int(1)), batch, &truth).code(),
            StatusCode::kCorruption);
  // A non-boolean column is not a predicate.
  batch.rows = 3;
  EXPECT_FALSE(EvalPredicate(Expr::Column(0, Type::kInt64), batch, &truth).ok());
}

TEST(ExprValueTest, EmptyBatch) {
  const ColumnVector a(Type::kInt64);
  const BatchView batch = View({&a});
  EXPECT_EQ(Truth(Expr::Binary(ExprOp::kGt, Col(0, a), Int(1)), batch), "");
  EXPECT_EQ(Values(Expr::Binary(ExprOp::kAdd, Col(0, a), Int(1)), batch), "INT64:");
}

TEST(ExprTextTest, ToSqlAndCollectColumns) {
  const std::vector<std::string> names = {"id", "x", "name"};
  const Expr e = Expr::Binary(
      ExprOp::kAnd, Expr::Binary(ExprOp::kGt, Expr::Column(1, Type::kFloat), Dbl(3)),
      Expr::Unary(ExprOp::kNot, Expr::In(Expr::Column(2, Type::kByteArray), {Value::String("it's"), Value::Null()})));
  EXPECT_EQ(e.ToSql(names), "((x > 3.0) AND (NOT (name IN ('it''s', NULL))))");
  std::vector<int> columns = {1};
  e.CollectColumns(&columns);
  EXPECT_EQ(columns, (std::vector<int>{1, 2}));
  EXPECT_EQ(Expr::Cast(Expr::Column(0, Type::kInt64), Type::kByteArray).ToSql(names), "CAST(id AS STRING)");
  EXPECT_EQ(Expr::Column(9, Type::kInt64).ToSql(names), "#9");
  EXPECT_EQ(Value::Bool(false).ToSql(), "FALSE");
  EXPECT_EQ(Value::Int(-3).ToSql(), "-3");
  EXPECT_EQ(Value::Null().ToSql(), "NULL");
  EXPECT_EQ(Value::Double(1e300).ToSql(), "1e+300");
}

TEST(ExprTypeTest, BinaryResultTypes) {
  const Expr i32 = Expr::Column(0, Type::kInt32), f = Expr::Column(1, Type::kFloat);
  EXPECT_EQ(Expr::Binary(ExprOp::kAdd, i32, i32).type, Type::kInt64);
  EXPECT_EQ(Expr::Binary(ExprOp::kMod, i32, Int(2)).type, Type::kInt64);
  EXPECT_EQ(Expr::Binary(ExprOp::kDiv, i32, i32).type, Type::kDouble);
  EXPECT_EQ(Expr::Binary(ExprOp::kMul, i32, f).type, Type::kDouble);
  EXPECT_EQ(Expr::Binary(ExprOp::kLt, i32, f).type, Type::kBoolean);
  EXPECT_EQ(Expr::Unary(ExprOp::kNegate, i32).type, Type::kInt64);
  EXPECT_EQ(Expr::Unary(ExprOp::kNegate, f).type, Type::kDouble);
  EXPECT_EQ(Expr::Unary(ExprOp::kIsNull, f).type, Type::kBoolean);
}

// ---- row helpers ----

TEST(RowHelpersTest, SelectedRows) {
  std::vector<uint32_t> rows = {99};
  SelectedRows({kTrue, kFalse, kUnknown, kTrue}, &rows);
  EXPECT_EQ(rows, (std::vector<uint32_t>{0, 3}));
  SelectedRows({}, &rows);
  EXPECT_TRUE(rows.empty());
}

TEST(RowHelpersTest, GatherRowsKeepsValidity) {
  const ColumnVector s = Strings({"a", kNull, "c", "d"});
  ColumnVector out(Type::kInt64);
  out.int64s = {1, 2};
  GatherRows(s, {3, 1, 1, 0}, &out);
  EXPECT_EQ(out.type, Type::kByteArray);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out.validity, (std::vector<uint8_t>{1, 0, 0, 1}));
  EXPECT_EQ(out.strings[0], "d");
  EXPECT_EQ(out.strings[3], "a");
  EXPECT_TRUE(out.int64s.empty());

  const ColumnVector n = Numbers(Type::kDouble, {1, 2, 3});
  GatherRows(n, {2}, &out);
  EXPECT_EQ(out.doubles, std::vector<double>{3});
  EXPECT_TRUE(out.validity.empty());
  GatherRows(n, {}, &out);
  EXPECT_EQ(out.size(), 0u);

  for (Type t : {Type::kBoolean, Type::kInt32, Type::kInt64, Type::kFloat}) {
    const ColumnVector c = Numbers(t, {1, kNull, 0});
    GatherRows(c, {1, 2}, &out);
    EXPECT_EQ(out.type, t);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(out.validity, (std::vector<uint8_t>{0, 1}));
    EXPECT_EQ(Cell(out, 1), Cell(c, 2));
  }
}

TEST(RowHelpersTest, AppendColumnMergesValidity) {
  // Without validity onto without: stays without.
  ColumnVector out = Numbers(Type::kInt32, {1, 2});
  AppendColumn(Numbers(Type::kInt32, {3}), &out);
  EXPECT_EQ(out.int32s, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_TRUE(out.validity.empty());
  // With nulls onto without: earlier rows become valid.
  AppendColumn(Numbers(Type::kInt32, {kNull, 5}), &out);
  EXPECT_EQ(out.validity, (std::vector<uint8_t>{1, 1, 1, 0, 1}));
  // Without onto with: the new rows are valid.
  AppendColumn(Numbers(Type::kInt32, {6}), &out);
  EXPECT_EQ(out.validity, (std::vector<uint8_t>{1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(out.int32s.size(), 6u);

  ColumnVector s(Type::kByteArray);
  AppendColumn(Strings({"x", kNull}), &s);
  AppendColumn(Strings({"", "zz"}), &s);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.validity, (std::vector<uint8_t>{1, 0, 1, 1}));
  EXPECT_EQ(s.strings[3], "zz");

  for (Type t : {Type::kBoolean, Type::kInt64, Type::kFloat, Type::kDouble}) {
    ColumnVector c(t);
    AppendColumn(Numbers(t, {1}), &c);
    AppendColumn(Numbers(t, {kNull, 0}), &c);
    EXPECT_EQ(c.size(), 3u);
    EXPECT_EQ(c.validity, (std::vector<uint8_t>{1, 0, 1}));
  }
}

}  // namespace
}  // namespace strata::table
