// Row-group pruning must be sound: whenever some row of a row group makes the
// predicate true, MayMatch says yes. Checked as a property over random small
// row groups and random predicates, with the statistics computed from the
// data the way the Parquet writer computes them (nulls counted, NaN left out
// of min and max, -0.0/+0.0 as the spec writes them), against the evaluator
// itself; and on exact cases where pruning must happen.
#include "strata/table/prune.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

// The columns of every random row group.
const std::vector<Type> kColumnTypes = {Type::kInt32, Type::kInt64,     Type::kFloat,
                                        Type::kDouble, Type::kByteArray, Type::kBoolean};
const std::vector<std::string> kNames = {"i32", "i64", "f", "d", "s", "b"};
const char* const kStrings[] = {"", "a", "ab", "b", "ba", "\xff"};
const double kDoubles[] = {-2.5, -1, -0.0, 0.0, 0.5, 1, 2, 3.5};

struct Generator {
  std::mt19937_64 rng;
  bool nan = false;  // put NaN among the floating-point values

  explicit Generator(uint64_t seed, bool with_nan) : rng(seed), nan(with_nan) {}

  size_t Below(size_t n) { return static_cast<size_t>(rng() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }

  ColumnVector RandomColumn(Type type, size_t rows) {
    ColumnVector c(type);
    // Some columns have no nulls, some only nulls, most a mix.
    const size_t null_percent = OneIn(5) ? 0 : OneIn(6) ? 100 : 30;
    for (size_t i = 0; i < rows; ++i) {
      switch (type) {
        case Type::kBoolean: c.bools.push_back(static_cast<uint8_t>(Below(2))); break;
        case Type::kInt32: c.int32s.push_back(static_cast<int32_t>(Below(7)) - 3); break;
        case Type::kInt64: c.int64s.push_back(static_cast<int64_t>(Below(7)) - 3); break;
        case Type::kFloat:
          c.floats.push_back(nan && OneIn(4) ? std::numeric_limits<float>::quiet_NaN()
                                             : static_cast<float>(kDoubles[Below(std::size(kDoubles))]));
          break;
        case Type::kDouble:
          c.doubles.push_back(nan && OneIn(4) ? std::numeric_limits<double>::quiet_NaN()
                                              : kDoubles[Below(std::size(kDoubles))]);
          break;
        default: c.strings.Append(kStrings[Below(std::size(kStrings))]); break;
      }
      c.validity.push_back(Below(100) >= null_percent);
    }
    return c;
  }

  Value RandomConstant(Type column_type) {
    if (OneIn(12)) return Value::Null(OneIn(2) ? Type::kInt64 : column_type);
    switch (column_type) {
      case Type::kByteArray: return Value::String(kStrings[Below(std::size(kStrings))]);
      case Type::kBoolean: return OneIn(3) ? Value::Int(static_cast<int64_t>(Below(3)) - 1) : Value::Bool(OneIn(2));
      default:
        if (OneIn(2)) return Value::Int(static_cast<int64_t>(Below(9)) - 4);
        return Value::Double(kDoubles[Below(std::size(kDoubles))] + (OneIn(3) ? 0.25 : 0.0));
    }
  }

  Expr Column(int c) { return Expr::Column(c, kColumnTypes[c]); }

  Expr RandomComparison() {
    static const ExprOp kOps[] = {ExprOp::kEq, ExprOp::kNe, ExprOp::kLt, ExprOp::kLe, ExprOp::kGt, ExprOp::kGe};
    const int c = static_cast<int>(Below(kColumnTypes.size()));
    const ExprOp op = kOps[Below(std::size(kOps))];
    Expr column = Column(c);
    Expr constant = Expr::Constant(RandomConstant(kColumnTypes[c]));
    if (OneIn(8) && IsNumeric(kColumnTypes[c])) {
      // An expression on the column: pruning cannot see through it.
      column = Expr::Binary(ExprOp::kAdd, std::move(column), Expr::Constant(Value::Int(1)));
    }
    if (OneIn(10)) {
      // Two columns of comparable types.
      const int other = kColumnTypes[c] == Type::kByteArray ? 4 : static_cast<int>(Below(4));
      constant = Column(other);
    }
    return OneIn(2) ? Expr::Binary(op, std::move(column), std::move(constant))
                    : Expr::Binary(op, std::move(constant), std::move(column));
  }

  Expr RandomPredicate(int depth) {
    const size_t kind = depth <= 0 ? Below(4) : Below(8);
    switch (kind) {
      case 0:
      case 1: return RandomComparison();
      case 2: {
        const int c = static_cast<int>(Below(kColumnTypes.size()));
        std::vector<Value> list;
        const size_t n = 1 + Below(4);
        for (size_t i = 0; i < n; ++i) list.push_back(RandomConstant(kColumnTypes[c]));
        return Expr::In(Column(c), std::move(list));
      }
      case 3: {
        if (OneIn(6)) {
          const size_t which = Below(3);
          return Expr::Constant(which == 0 ? Value::Bool(true) : which == 1 ? Value::Bool(false) : Value::Null());
        }
        if (OneIn(6)) return Column(5);  // the boolean column as a condition
        return Expr::Unary(OneIn(2) ? ExprOp::kIsNull : ExprOp::kIsNotNull,
                           Column(static_cast<int>(Below(kColumnTypes.size()))));
      }
      case 4: return Expr::Unary(ExprOp::kNot, RandomPredicate(depth - 1));
      case 5:
      case 6: return Expr::Binary(ExprOp::kAnd, RandomPredicate(depth - 1), RandomPredicate(depth - 1));
      default: return Expr::Binary(ExprOp::kOr, RandomPredicate(depth - 1), RandomPredicate(depth - 1));
    }
  }
};

// Statistics as the writer computes them and the query engine reads them.
ColumnStats StatsOf(const ColumnVector& c) {
  ColumnStats s;
  s.null_count = 0;
  bool have = false;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!c.IsValid(i)) {
      ++s.null_count;
      continue;
    }
    Value v;
    switch (c.type) {
      case Type::kBoolean: v = Value::Bool(c.bools[i] != 0); break;
      case Type::kInt32: v = Value::Int(c.int32s[i]); break;
      case Type::kInt64: v = Value::Int(c.int64s[i]); break;
      case Type::kFloat:
      case Type::kDouble: {
        const double d = c.type == Type::kFloat ? c.floats[i] : c.doubles[i];
        if (std::isnan(d)) continue;
        v = Value::Double(d);
        break;
      }
      default: v = Value::String(std::string(c.strings[i])); break;
    }
    auto less = [](const Value& a, const Value& b) {
      if (a.type == Type::kByteArray) return a.string_value < b.string_value;
      if (a.type == Type::kBoolean) return a.bool_value < b.bool_value;
      if (a.type == Type::kDouble) return a.double_value < b.double_value;
      return a.int_value < b.int_value;
    };
    if (!have || less(v, s.min)) s.min = v;
    if (!have || less(s.max, v)) s.max = v;
    have = true;
  }
  s.has_min_max = have;
  if (have && s.min.type == Type::kDouble) {
    if (s.min.double_value == 0) s.min.double_value = -0.0;
    if (s.max.double_value == 0) s.max.double_value = 0.0;
  }
  return s;
}

std::string Describe(const std::vector<ColumnVector>& columns, const std::vector<ColumnStats>& stats) {
  std::string out;
  for (size_t c = 0; c < columns.size(); ++c) {
    out += kNames[c] + " = [";
    for (size_t i = 0; i < columns[c].size(); ++i) {
      if (i) out += ", ";
      if (!columns[c].IsValid(i)) {
        out += "NULL";
        continue;
      }
      Value v;
      switch (columns[c].type) {
        case Type::kBoolean: v = Value::Bool(columns[c].bools[i]); break;
        case Type::kInt32: v = Value::Int(columns[c].int32s[i]); break;
        case Type::kInt64: v = Value::Int(columns[c].int64s[i]); break;
        case Type::kFloat: v = Value::Double(columns[c].floats[i]); break;
        case Type::kDouble: v = Value::Double(columns[c].doubles[i]); break;
        default: v = Value::String(std::string(columns[c].strings[i])); break;
      }
      out += v.ToSql();
    }
    out += "] stats ";
    out += stats[c].has_min_max ? stats[c].min.ToSql() + ".." + stats[c].max.ToSql() : "no min/max";
    out += " nulls " + std::to_string(stats[c].null_count) + "\n";
  }
  return out;
}

// Runs `iterations` random cases; returns how many pruned a row group in
// which a row matched (each reported once, up to a few).
void CheckSoundness(uint64_t seed, bool with_nan, int iterations) {
  Generator g(seed, with_nan);
  int pruned = 0, matched = 0, reported = 0;
  for (int iteration = 0; iteration < iterations; ++iteration) {
    const size_t rows = 1 + g.Below(8);
    std::vector<ColumnVector> columns;
    std::vector<ColumnStats> stats;
    for (Type t : kColumnTypes) {
      columns.push_back(g.RandomColumn(t, rows));
      stats.push_back(StatsOf(columns.back()));
      // Files without statistics, or with only some of them.
      if (g.OneIn(10)) stats.back() = ColumnStats();
      if (g.OneIn(12)) stats.back().null_count = -1;
    }
    const Expr predicate = g.RandomPredicate(3);
    BatchView batch;
    for (const ColumnVector& c : columns) batch.columns.push_back(&c);
    batch.rows = rows;
    std::vector<uint8_t> truth;
    ASSERT_OK(EvalPredicate(predicate, batch, &truth));
    bool any_true = false;
    for (uint8_t t : truth) any_true |= t == kTrue;
    const bool may = MayMatch(predicate, stats, static_cast<int64_t>(rows));
    if (!may) ++pruned;
    if (any_true) ++matched;
    if (any_true && !may) {
      ADD_FAILURE() << "pruned a row group with a matching row\n  predicate: " << predicate.ToSql(kNames) << "\n"
                    << Describe(columns, stats);
      if (++reported >= 5) return;
    }
  }
  // The property is only meaningful if both outcomes occur often.
  EXPECT_GT(pruned, iterations / 20);
  EXPECT_GT(matched, iterations / 10);
}

TEST(PruneSoundnessTest, RandomRowGroupsAndPredicates) { CheckSoundness(2024, false, 100000); }

// Parquet statistics leave NaN out of min and max (and Strata writes no
// nan_count), so a row group whose statistics say 5..5 may still hold NaN,
// which satisfies x != 5 and NOT (x = 5).
TEST(PruneSoundnessTest, RandomRowGroupsWithNaN) { CheckSoundness(77, true, 100000); }

TEST(PruneSoundnessTest, NaNBesideTheStatistics) {
  ColumnVector x(Type::kDouble);
  x.doubles = {5.0, std::numeric_limits<double>::quiet_NaN()};
  const std::vector<ColumnStats> stats = {StatsOf(x)};
  ASSERT_TRUE(stats[0].has_min_max);
  BatchView batch;
  batch.columns = {&x};
  batch.rows = 2;
  const Expr column = Expr::Column(0, Type::kDouble);
  const Expr five = Expr::Constant(Value::Double(5));
  for (const Expr& predicate : {Expr::Binary(ExprOp::kNe, column, five),
                                Expr::Unary(ExprOp::kNot, Expr::Binary(ExprOp::kEq, column, five)),
                                Expr::Unary(ExprOp::kNot, Expr::Binary(ExprOp::kLe, column, five)),
                                Expr::Unary(ExprOp::kNot, Expr::In(column, {Value::Double(5)}))}) {
    std::vector<uint8_t> truth;
    ASSERT_OK(EvalPredicate(predicate, batch, &truth));
    ASSERT_EQ(truth[1], kTrue) << predicate.ToSql({"x"});
    EXPECT_TRUE(MayMatch(predicate, stats, 2)) << predicate.ToSql({"x"});
  }
}

// ---- exact cases ----

ColumnStats IntRange(int64_t lo, int64_t hi, int64_t nulls = 0) {
  ColumnStats s;
  s.has_min_max = true;
  s.min = Value::Int(lo);
  s.max = Value::Int(hi);
  s.null_count = nulls;
  return s;
}

ColumnStats StringRange(const std::string& lo, const std::string& hi) {
  ColumnStats s;
  s.has_min_max = true;
  s.min = Value::String(lo);
  s.max = Value::String(hi);
  s.null_count = 0;
  return s;
}

ColumnStats DoubleRange(double lo, double hi) {
  ColumnStats s;
  s.has_min_max = true;
  s.min = Value::Double(lo);
  s.max = Value::Double(hi);
  s.null_count = 0;
  return s;
}

Expr Ke() { return Expr::Column(0, Type::kInt64); }
Expr Name() { return Expr::Column(1, Type::kByteArray); }
Expr X() { return Expr::Column(2, Type::kDouble); }
Expr I(int64_t v) { return Expr::Constant(Value::Int(v)); }
Expr D(double v) { return Expr::Constant(Value::Double(v)); }
Expr S(const std::string& v) { return Expr::Constant(Value::String(v)); }
Expr Cmp(ExprOp op, Expr a, Expr b) { return Expr::Binary(op, std::move(a), std::move(b)); }

class PruneExactTest : public ::testing::Test {
 protected:
  // ke in 1..3, name in "b".."d", x in -1.5..2.5; 100 rows, no nulls.
  std::vector<ColumnStats> stats_ = {IntRange(1, 3), StringRange("b", "d"), DoubleRange(-1.5, 2.5)};
  bool May(const Expr& e) const { return MayMatch(e, stats_, 100); }
};

TEST_F(PruneExactTest, ComparisonsOutsideTheRangePrune) {
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, Ke(), I(5))));
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, Ke(), I(3))));
  EXPECT_FALSE(May(Cmp(ExprOp::kGe, Ke(), I(4))));
  EXPECT_FALSE(May(Cmp(ExprOp::kLt, Ke(), I(1))));
  EXPECT_FALSE(May(Cmp(ExprOp::kLe, Ke(), I(0))));
  EXPECT_FALSE(May(Cmp(ExprOp::kEq, Ke(), I(7))));
  EXPECT_FALSE(May(Cmp(ExprOp::kEq, Ke(), D(3.5))));
}

TEST_F(PruneExactTest, ComparisonsInsideTheRangeDoNot) {
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Ke(), I(2))));
  EXPECT_TRUE(May(Cmp(ExprOp::kGe, Ke(), I(3))));
  EXPECT_TRUE(May(Cmp(ExprOp::kLe, Ke(), I(1))));
  EXPECT_TRUE(May(Cmp(ExprOp::kEq, Ke(), I(2))));
  EXPECT_TRUE(May(Cmp(ExprOp::kNe, Ke(), I(2))));
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Ke(), D(2.5))));
  EXPECT_TRUE(May(Cmp(ExprOp::kLt, X(), I(0))));
}

TEST_F(PruneExactTest, ConstantOnTheLeftIsMirrored) {
  EXPECT_FALSE(May(Cmp(ExprOp::kLt, I(5), Ke())));  // 5 < ke
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, I(1), Ke())));  // 1 > ke
  EXPECT_TRUE(May(Cmp(ExprOp::kGe, I(1), Ke())));   // 1 >= ke
  EXPECT_FALSE(May(Cmp(ExprOp::kLe, D(2.6), X())));
}

TEST_F(PruneExactTest, MixedNumericTypes) {
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, Ke(), D(3.5))));
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Ke(), D(2.99))));
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, X(), I(3))));
  EXPECT_FALSE(May(Cmp(ExprOp::kLt, X(), I(-2))));
}

TEST_F(PruneExactTest, Strings) {
  EXPECT_FALSE(May(Cmp(ExprOp::kEq, Name(), S("zz"))));
  EXPECT_FALSE(May(Cmp(ExprOp::kEq, Name(), S("a"))));
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, Name(), S("d"))));
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Name(), S("cz"))));
  EXPECT_TRUE(May(Cmp(ExprOp::kEq, Name(), S("c"))));
  EXPECT_FALSE(May(Cmp(ExprOp::kLt, Name(), S("b"))));
  EXPECT_TRUE(May(Cmp(ExprOp::kLt, Name(), S("ba"))));
}

TEST_F(PruneExactTest, LogicCombines) {
  const Expr out_of_range = Cmp(ExprOp::kGt, Ke(), I(5));
  const Expr in_range = Cmp(ExprOp::kEq, Ke(), I(2));
  EXPECT_FALSE(May(Expr::Binary(ExprOp::kAnd, in_range, out_of_range)));
  EXPECT_TRUE(May(Expr::Binary(ExprOp::kOr, in_range, out_of_range)));
  EXPECT_FALSE(May(Expr::Binary(ExprOp::kOr, out_of_range, Cmp(ExprOp::kEq, Name(), S("x")))));
  // NOT (ke <= 3): ke <= 3 holds on every row, so its negation on none.
  EXPECT_FALSE(May(Expr::Unary(ExprOp::kNot, Cmp(ExprOp::kLe, Ke(), I(3)))));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kNot, Cmp(ExprOp::kLe, Ke(), I(2)))));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kNot, out_of_range)));
  EXPECT_FALSE(May(Expr::Constant(Value::Bool(false))));
  EXPECT_FALSE(May(Expr::Constant(Value::Null())));
  EXPECT_TRUE(May(Expr::Constant(Value::Bool(true))));
}

TEST_F(PruneExactTest, InLists) {
  EXPECT_FALSE(May(Expr::In(Ke(), {Value::Int(7), Value::Int(8)})));
  EXPECT_FALSE(May(Expr::In(Ke(), {Value::Int(7), Value::Null()})));
  EXPECT_TRUE(May(Expr::In(Ke(), {Value::Int(7), Value::Int(2)})));
  EXPECT_FALSE(May(Expr::In(Name(), {Value::String("a"), Value::String("e")})));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kNot, Expr::In(Ke(), {Value::Int(1), Value::Int(2), Value::Int(3)}))));
}

TEST_F(PruneExactTest, NullCounts) {
  // No nulls: IS NULL cannot hold.
  EXPECT_FALSE(May(Expr::Unary(ExprOp::kIsNull, Ke())));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kIsNotNull, Ke())));
  // All null: every comparison is unknown, IS NOT NULL false.
  stats_[0] = ColumnStats();
  stats_[0].null_count = 100;
  EXPECT_FALSE(May(Expr::Unary(ExprOp::kIsNotNull, Ke())));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kIsNull, Ke())));
  EXPECT_FALSE(May(Cmp(ExprOp::kNe, Ke(), I(0))));
  EXPECT_FALSE(May(Expr::In(Ke(), {Value::Int(1)})));
  EXPECT_FALSE(May(Expr::Unary(ExprOp::kNot, Cmp(ExprOp::kEq, Ke(), I(0)))));
  // Unknown counts prune nothing.
  stats_[0].null_count = -1;
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kIsNotNull, Ke())));
  EXPECT_TRUE(May(Expr::Unary(ExprOp::kIsNull, Ke())));
  // Comparing with NULL never holds.
  EXPECT_FALSE(May(Cmp(ExprOp::kEq, X(), Expr::Constant(Value::Null()))));
}

TEST_F(PruneExactTest, WithoutStatisticsNothingIsPruned) {
  const std::vector<ColumnStats> none(3);
  EXPECT_TRUE(MayMatch(Cmp(ExprOp::kGt, Ke(), I(5)), none, 10));
  EXPECT_TRUE(MayMatch(Cmp(ExprOp::kEq, Name(), S("zz")), none, 10));
  // Fewer stats than columns, and columns compared with columns.
  EXPECT_TRUE(MayMatch(Cmp(ExprOp::kGt, Expr::Column(5, Type::kInt64), I(5)), stats_, 10));
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Ke(), Expr::Column(2, Type::kDouble))));
  EXPECT_TRUE(May(Cmp(ExprOp::kGt, Expr::Binary(ExprOp::kAdd, Ke(), I(10)), I(5))));
  // An empty row group never matches.
  EXPECT_FALSE(MayMatch(Cmp(ExprOp::kGt, Ke(), I(0)), stats_, 0));
  // NaN constants are not ordered against statistics.
  EXPECT_TRUE(May(Cmp(ExprOp::kNe, X(), D(std::numeric_limits<double>::quiet_NaN()))));
}

TEST_F(PruneExactTest, SignedZeros) {
  // Statistics of a column holding only 0.0 and -0.0, as the writer sets them.
  stats_[2] = DoubleRange(-0.0, 0.0);
  EXPECT_TRUE(May(Cmp(ExprOp::kEq, X(), D(0.0))));
  EXPECT_TRUE(May(Cmp(ExprOp::kEq, X(), D(-0.0))));
  EXPECT_TRUE(May(Cmp(ExprOp::kEq, X(), I(0))));
  EXPECT_FALSE(May(Cmp(ExprOp::kLt, X(), D(0.0))));
  EXPECT_FALSE(May(Cmp(ExprOp::kGt, X(), D(-0.0))));
  // A NaN hides from the statistics and is != everything.
  EXPECT_TRUE(May(Cmp(ExprOp::kNe, X(), D(0.0))));
}

}  // namespace
}  // namespace strata::table
