// The row-group index: what it lists, its stored form refusing damage, and
// IndexCandidates agreeing with brute-force evaluation whenever it answers.
#include "strata/table/row_group_index.h"

#include <cmath>
#include <limits>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

constexpr size_t kRows = 4096;

struct TestGroup {
  std::vector<ScanColumn> columns;
  std::vector<ColumnVector> decoded;
  RowGroupTask task;
};

// ke: skewed floats with a few NaN and nulls; id: int64; x: doubles;
// name: strings (not indexed).
TestGroup MakeGroup(uint32_t seed) {
  TestGroup g;
  g.columns = {{"id", Type::kInt64, false}, {"ke", Type::kFloat, true}, {"x", Type::kDouble, false},
               {"name", Type::kByteArray, false}, {"k", Type::kInt32, false}};
  g.decoded = {ColumnVector(Type::kInt64), ColumnVector(Type::kFloat), ColumnVector(Type::kDouble),
               ColumnVector(Type::kByteArray), ColumnVector(Type::kInt32)};
  std::mt19937 rng(seed);
  std::exponential_distribution<float> energy(4.0f);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (size_t r = 0; r < kRows; ++r) {
    g.decoded[0].int64s.push_back(static_cast<int64_t>(rng() % 100000) - 50000);
    const bool null_ke = r % 97 == 5;
    float ke = energy(rng);
    if (r % 211 == 7) ke = std::numeric_limits<float>::quiet_NaN();
    g.decoded[1].floats.push_back(null_ke ? 0 : ke);
    g.decoded[1].validity.push_back(null_ke ? 0 : 1);
    g.decoded[2].doubles.push_back(unit(rng));
    g.decoded[3].strings.Append("n" + std::to_string(r % 7));
    g.decoded[4].int32s.push_back(static_cast<int32_t>(r % 10));  // many ties
  }
  g.task.row_group = 3;
  g.task.num_rows = kRows;
  for (int c = 0; c < 5; ++c) {
    g.task.chunks.push_back({static_cast<uint64_t>(1000 + c * 100), 100, parquet::Codec::kUncompressed, kRows});
  }
  return g;
}

Expr Col(const TestGroup& g, int c) { return Expr::Column(c, g.columns[c].type); }
Expr Flt(double v) { return Expr::Constant(Value::Double(static_cast<float>(v))); }
Expr Dbl(double v) { return Expr::Constant(Value::Double(v)); }
Expr Int(int64_t v) { return Expr::Constant(Value::Int(v)); }
Expr Cmp(ExprOp op, Expr a, Expr b) { return Expr::Binary(op, std::move(a), std::move(b)); }

std::vector<uint32_t> BruteForce(const TestGroup& g, const Expr& filter) {
  BatchView view;
  view.rows = kRows;
  for (const ColumnVector& c : g.decoded) view.columns.push_back(&c);
  std::vector<uint8_t> truth;
  EXPECT_TRUE(EvalPredicate(filter, view, &truth).ok());
  std::vector<uint32_t> rows;
  SelectedRows(truth, &rows);
  return rows;
}

TEST(RowGroupIndexTest, ListsTailsNullsAndNaNWithTheirValues) {
  TestGroup g = MakeGroup(1);
  RowGroupIndex index = BuildRowGroupIndex(g.columns, g.decoded, g.task);
  ASSERT_EQ(index.columns.size(), 4u);  // name is not indexed
  EXPECT_EQ(index.row_group, 3u);
  EXPECT_EQ(index.num_rows, static_cast<int64_t>(kRows));
  const ColumnTails& ke = index.columns[1];
  EXPECT_EQ(ke.name, "ke");
  const size_t tail = std::max(kIndexMinTail, static_cast<size_t>(std::ceil(kRows * kIndexTailFraction)));
  size_t nulls = 0, nans = 0;
  for (size_t r = 0; r < kRows; ++r) {
    if (!g.decoded[1].IsValid(r)) {
      ++nulls;
    } else if (std::isnan(g.decoded[1].floats[r])) {
      ++nans;
    }
  }
  ASSERT_GT(nulls, 0u);
  ASSERT_GT(nans, 0u);
  EXPECT_EQ(ke.rows.size(), 2 * tail + nans);
  EXPECT_EQ(ke.middle_rows, kRows - ke.rows.size());
  EXPECT_EQ(ke.middle_nulls, nulls);
  // Every listed value is the row's own; every unlisted value lies in the middle range.
  std::set<uint32_t> listed(ke.rows.begin(), ke.rows.end());
  EXPECT_EQ(listed.size(), ke.rows.size());
  for (size_t i = 0; i < ke.rows.size(); ++i) {
    const uint32_t r = ke.rows[i];
    EXPECT_TRUE(g.decoded[1].IsValid(r));
    if (!std::isnan(ke.values.floats[i])) {
      EXPECT_EQ(ke.values.floats[i], g.decoded[1].floats[r]);
    }
  }
  for (uint32_t r = 0; r < kRows; ++r) {
    if (listed.count(r) || !g.decoded[1].IsValid(r)) continue;
    EXPECT_GE(g.decoded[1].floats[r], ke.middle_min.double_value);
    EXPECT_LE(g.decoded[1].floats[r], ke.middle_max.double_value);
  }
}

TEST(RowGroupIndexTest, SmallGroupsAreListedWhole) {
  TestGroup g = MakeGroup(2);
  for (ColumnVector& c : g.decoded) {
    std::vector<uint32_t> first = {0, 1, 2, 3, 4};
    ColumnVector cut;
    GatherRows(c, first, &cut);
    c = std::move(cut);
  }
  g.task.num_rows = 5;
  RowGroupIndex index = BuildRowGroupIndex(g.columns, g.decoded, g.task);
  for (const ColumnTails& t : index.columns) {
    EXPECT_EQ(t.rows.size(), 5u) << t.name;
    EXPECT_EQ(t.middle_rows, 0u);
  }
}

TEST(RowGroupIndexTest, StoredFormRoundTripsAndRefusesDamage) {
  TestGroup g = MakeGroup(3);
  RowGroupIndex index = BuildRowGroupIndex(g.columns, g.decoded, g.task);
  const std::string bytes = SerializeRowGroupIndex(index);
  ASSERT_OK_AND_ASSIGN(RowGroupIndex back, ParseRowGroupIndex(bytes));
  // NaN != NaN: compare the stored bytes of a second serialization instead.
  EXPECT_EQ(SerializeRowGroupIndex(back), bytes);
  EXPECT_EQ(back.fingerprint, index.fingerprint);
  for (size_t at : {size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x08);
    EXPECT_EQ(ParseRowGroupIndex(bad).status().code(), StatusCode::kCorruption) << at;
  }
  EXPECT_EQ(ParseRowGroupIndex(bytes.substr(0, bytes.size() - 9)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseRowGroupIndex("").status().code(), StatusCode::kCorruption);
}

TEST(RowGroupIndexTest, CandidatesMatchBruteForceWhenAnswered) {
  TestGroup g = MakeGroup(4);
  RowGroupIndex index = BuildRowGroupIndex(g.columns, g.decoded, g.task);
  ScanSpec spec;
  spec.columns = g.columns;
  struct Case {
    Expr filter;
    bool answered;  // whether the index must decide it
  };
  // exp(4) energies: ke > t holds for e^(-4t) of the rows; tails hold 64 rows each.
  std::vector<Case> cases = {
      {Cmp(ExprOp::kGt, Col(g, 1), Flt(1.5)), true},
      {Cmp(ExprOp::kGe, Col(g, 1), Flt(2.0)), true},
      {Cmp(ExprOp::kLt, Flt(1.2), Col(g, 1)), true},  // constant on the left
      {Cmp(ExprOp::kGt, Col(g, 1), Flt(0.1)), false},  // a third of the rows: not selective
      {Cmp(ExprOp::kLt, Col(g, 2), Dbl(0.001)), true},
      {Cmp(ExprOp::kGt, Col(g, 0), Int(49800)), true},
      {Cmp(ExprOp::kEq, Col(g, 4), Int(3)), false},  // a tenth of the rows
      {Cmp(ExprOp::kGt, Col(g, 4), Int(9)), true},   // none, decided from the tail
      {Expr::Unary(ExprOp::kIsNull, Col(g, 1)), false},  // nulls are not listed
      {Expr::Unary(ExprOp::kIsNull, Col(g, 2)), true},   // x has none
      {Cmp(ExprOp::kNe, Col(g, 1), Flt(1.0)), false},
      {Cmp(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(g, 1), Flt(1.2)), Cmp(ExprOp::kLt, Col(g, 2), Dbl(0.5))), true},
      {Cmp(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(g, 1), Flt(0.9)), Cmp(ExprOp::kLt, Col(g, 2), Dbl(0.5))), false},
      {Cmp(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(g, 1), Flt(1.0)), Cmp(ExprOp::kGt, Col(g, 0), Int(49000))), true},
      {Cmp(ExprOp::kOr, Cmp(ExprOp::kGt, Col(g, 1), Flt(1.5)), Cmp(ExprOp::kLt, Col(g, 1), Flt(0.0005))), true},
      {Cmp(ExprOp::kOr, Cmp(ExprOp::kGt, Col(g, 1), Flt(1.5)), Cmp(ExprOp::kLt, Col(g, 2), Dbl(0.001))), false},
      {Expr::Unary(ExprOp::kNot, Cmp(ExprOp::kLe, Col(g, 1), Flt(1.5))), false},  // pruning does not see through NOT
      {Cmp(ExprOp::kGt, Cmp(ExprOp::kAdd, Col(g, 1), Int(1)), Flt(2.5)), false},  // arithmetic: not pruned
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    spec.filter = cases[i].filter;
    const std::vector<uint32_t> want = BruteForce(g, *spec.filter);
    std::optional<std::vector<uint32_t>> got = IndexCandidates(spec, g.task, index);
    EXPECT_EQ(got.has_value(), cases[i].answered) << "case " << i << ": " << spec.filter->ToSql({"id", "ke", "x", "name", "k"});
    if (!got) continue;
    // Candidates hold every matching row; filtering them gives exactly the matches.
    const std::set<uint32_t> candidates(got->begin(), got->end());
    for (uint32_t r : want) EXPECT_TRUE(candidates.count(r)) << "case " << i << " misses row " << r;
    EXPECT_TRUE(std::is_sorted(got->begin(), got->end()));
    EXPECT_LT(got->size(), kRows / 10) << "case " << i;
  }
}

TEST(RowGroupIndexTest, StaleOrForeignIndexIsNotUsed) {
  TestGroup g = MakeGroup(5);
  RowGroupIndex index = BuildRowGroupIndex(g.columns, g.decoded, g.task);
  ScanSpec spec;
  spec.columns = g.columns;
  spec.filter = Cmp(ExprOp::kGt, Col(g, 1), Flt(1.5));
  ASSERT_TRUE(IndexCandidates(spec, g.task, index).has_value());
  RowGroupTask moved = g.task;
  moved.chunks[2].offset += 8;
  EXPECT_FALSE(IndexCandidates(spec, moved, index).has_value());
  RowGroupTask other = g.task;
  other.row_group = 4;
  EXPECT_FALSE(IndexCandidates(spec, other, index).has_value());
  // A column renamed or retyped since: that conjunct is not answered.
  ScanSpec renamed = spec;
  renamed.columns[1].name = "energy";
  EXPECT_FALSE(IndexCandidates(renamed, g.task, index).has_value());
  spec.filter.reset();
  EXPECT_FALSE(IndexCandidates(spec, g.task, index).has_value());
}

}  // namespace
}  // namespace strata::table
