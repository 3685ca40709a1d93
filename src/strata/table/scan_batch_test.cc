// ScanBatch over in-memory batches: aggregates on columns without nulls (the
// vectorized path) agree with the same columns carrying an all-valid
// validity vector (the row-by-row path), NaN and infinities included; the
// filter and LIMIT carry across batches in row mode.
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "strata/table/scan.h"
#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

ScanSpec AggregateSpec(Type type) {
  ScanSpec spec;
  spec.columns = {{"v", type, true}};
  const Expr v = Expr::Column(0, type);
  spec.aggregates = {{AggregateKind::kCountStar, {}}, {AggregateKind::kCount, v}, {AggregateKind::kSum, v},
                     {AggregateKind::kMin, v},        {AggregateKind::kMax, v}};
  return spec;
}

ScanResult Fold(const ScanSpec& spec, const ColumnVector& column) {
  ScanResult result = EmptyResult(spec);
  BatchView batch;
  batch.rows = column.size();
  batch.columns = {&column};
  EXPECT_TRUE(ScanBatch(spec, batch, &result).ok());
  return result;
}

// The same values with a validity vector that marks every row valid, which
// takes the row-by-row path.
ColumnVector AllValid(ColumnVector c) {
  c.validity.assign(c.size(), 1);
  return c;
}

bool SameDouble(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void ExpectSameStates(const ScanResult& a, const ScanResult& b) {
  ASSERT_EQ(a.aggregates.size(), b.aggregates.size());
  for (size_t i = 0; i < a.aggregates.size(); ++i) {
    const AggregateState& x = a.aggregates[i];
    const AggregateState& y = b.aggregates[i];
    EXPECT_EQ(x.count, y.count) << i;
    EXPECT_TRUE(x.IntSum() == y.IntSum()) << i;
    if (!SameDouble(x.double_sum, y.double_sum)) {
      EXPECT_NEAR(x.double_sum, y.double_sum, 1e-9 * std::max(1.0, std::fabs(y.double_sum))) << i;
    }
    EXPECT_EQ(x.min.is_null, y.min.is_null) << i;
    EXPECT_EQ(x.max.is_null, y.max.is_null) << i;
    if (!x.min.is_null) {
      EXPECT_EQ(CompareValues(x.min, y.min), 0) << i;
    }
    if (!x.max.is_null) {
      EXPECT_EQ(CompareValues(x.max, y.max), 0) << i;
    }
  }
}

TEST(ScanBatchTest, DenseFloatAggregatesMatchTheRowByRowPath) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-100, 100);
  for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{13}, size_t{1000}}) {
    ColumnVector c(Type::kFloat);
    for (size_t i = 0; i < n; ++i) c.floats.push_back(value(rng));
    const ScanSpec spec = AggregateSpec(Type::kFloat);
    ExpectSameStates(Fold(spec, c), Fold(spec, AllValid(c)));
  }
}

TEST(ScanBatchTest, NaNAndInfinities) {
  const ScanSpec spec = AggregateSpec(Type::kFloat);
  ColumnVector c(Type::kFloat);
  c.floats = {1.5f, kNaN, -kInf, 2.5f, 3, 4, 5, 6, 7, kInf, 8};
  const ScanResult got = Fold(spec, c);
  ExpectSameStates(got, Fold(spec, AllValid(c)));
  EXPECT_EQ(got.aggregates[1].count, 11u);  // COUNT counts NaN
  EXPECT_TRUE(std::isnan(got.aggregates[2].double_sum));
  EXPECT_EQ(got.aggregates[3].min.double_value, -kInf);
  EXPECT_EQ(got.aggregates[4].max.double_value, kInf);

  ColumnVector only_nan(Type::kFloat);
  only_nan.floats.assign(9, kNaN);
  const ScanResult nan = Fold(spec, only_nan);
  ExpectSameStates(nan, Fold(spec, AllValid(only_nan)));
  EXPECT_TRUE(nan.aggregates[3].min.is_null);  // MIN and MAX skip NaN
  EXPECT_TRUE(nan.aggregates[4].max.is_null);

  ColumnVector only_infinity(Type::kFloat);
  only_infinity.floats.assign(3, kInf);
  const ScanResult inf = Fold(spec, only_infinity);
  ASSERT_FALSE(inf.aggregates[3].min.is_null);
  EXPECT_EQ(inf.aggregates[3].min.double_value, kInf);
}

TEST(ScanBatchTest, DenseIntegersSumExactly) {
  const ScanSpec spec = AggregateSpec(Type::kInt32);
  ColumnVector c(Type::kInt32);
  for (int i = 0; i < 1003; ++i) c.int32s.push_back(i % 2 ? INT32_MAX - i : INT32_MIN + i);
  const ScanResult got = Fold(spec, c);
  ExpectSameStates(got, Fold(spec, AllValid(c)));
  __int128 want = 0;
  for (int32_t v : c.int32s) want += v;
  EXPECT_TRUE(got.aggregates[2].IntSum() == want);
  EXPECT_EQ(got.aggregates[3].min.int_value, INT32_MIN);
  EXPECT_EQ(got.aggregates[4].max.int_value, INT32_MAX - 1);

  const ScanSpec doubles = AggregateSpec(Type::kDouble);
  ColumnVector d(Type::kDouble);
  for (int i = 0; i < 77; ++i) d.doubles.push_back(i * 0.25 - 9);
  ExpectSameStates(Fold(doubles, d), Fold(doubles, AllValid(d)));
}

TEST(ScanBatchTest, RowModeFilterAndLimitAcrossBatches) {
  ScanSpec spec;
  spec.columns = {{"k", Type::kInt64, false}};
  spec.filter = Expr::Binary(ExprOp::kEq, Expr::Binary(ExprOp::kMod, Expr::Column(0, Type::kInt64),
                                                         Expr::Constant(Value::Int(3))),
                             Expr::Constant(Value::Int(0)));
  spec.outputs = {Expr::Column(0, Type::kInt64)};
  spec.limit = 5;
  ScanResult result = EmptyResult(spec);
  for (int64_t first : {0, 10}) {
    ColumnVector c(Type::kInt64);
    for (int64_t i = first; i < first + 10; ++i) c.int64s.push_back(i);
    BatchView batch;
    batch.rows = c.size();
    batch.columns = {&c};
    ASSERT_OK(ScanBatch(spec, batch, &result));
  }
  EXPECT_EQ(result.columns[0].int64s, (std::vector<int64_t>{0, 3, 6, 9, 12}));
  EXPECT_EQ(result.counters.rows_scanned, 20u);
  EXPECT_EQ(result.counters.rows_matched, 5u);
}

}  // namespace
}  // namespace strata::table
