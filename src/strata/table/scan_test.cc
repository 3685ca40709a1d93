// ScanRowGroups over an aligned Parquet file written into memory: rows
// selected by a filter with computed outputs, partial aggregates (exact
// integer sums beyond 2^63), LIMIT stopping the scan early, split scans
// merged to the same answer, unverified bytes that fail their page CRCs read
// again verified, and ValidateSpec refusing malformed specs.
#include "strata/table/scan.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"
#include "strata/table/scan_test_util.h"
#include "strata/table/value_format.h"
#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

using parquet::Codec;
using parquet::ColumnSchema;

// The test table, one struct per row.
struct Row {
  int64_t id;
  int32_t k;
  std::optional<double> x;
  std::optional<float> f;
  std::optional<std::string> name;
  bool flag;
  int64_t big;
};

constexpr size_t kRows = 6000;
constexpr uint32_t kUnit = 64 * 1024;

Row MakeRow(size_t r) {
  Row row;
  row.id = static_cast<int64_t>(r);
  row.k = static_cast<int32_t>((r * 7919) % 1000) - 500;
  if (r % 5 != 0) row.x = static_cast<double>(r % 100) * 0.25 - 3;  // binary fractions: sums are exact
  if (r % 3 != 0) row.f = static_cast<float>(r % 17) * 0.5f;
  if (r % 11 != 0) row.name = "n" + std::to_string(r % 13);
  row.flag = r % 2 == 0;
  row.big = INT64_MAX - static_cast<int64_t>(r);
  return row;
}

const std::vector<ColumnSchema> kSchema = {
    {"id", Type::kInt64, false}, {"k", Type::kInt32, false},     {"x", Type::kDouble, true},
    {"f", Type::kFloat, true},   {"name", Type::kByteArray, true}, {"flag", Type::kBoolean, false},
    {"big", Type::kInt64, false}};

struct Table {
  std::vector<Row> rows;
  std::string file;
  parquet::FileMetaData metadata;
  std::vector<ScanColumn> columns;
  std::vector<RowGroupTask> tasks;
};

const Table& TestTable() {
  static const Table* table = [] {
    auto* t = new Table;
    std::vector<ColumnVector> columns;
    for (const ColumnSchema& c : kSchema) columns.emplace_back(c.type);
    for (size_t r = 0; r < kRows; ++r) {
      const Row row = MakeRow(r);
      t->rows.push_back(row);
      columns[0].int64s.push_back(row.id);
      columns[1].int32s.push_back(row.k);
      columns[2].doubles.push_back(row.x.value_or(0));
      columns[2].validity.push_back(row.x.has_value());
      columns[3].floats.push_back(row.f.value_or(0));
      columns[3].validity.push_back(row.f.has_value());
      columns[4].strings.Append(row.name.value_or(""));
      columns[4].validity.push_back(row.name.has_value());
      columns[5].bools.push_back(row.flag);
      columns[6].int64s.push_back(row.big);
    }
    StringSink sink;
    parquet::AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = Codec::kUncompressed;  // so the rows span several units
    parquet::AlignedWriter writer(kSchema, options, &sink);
    EXPECT_TRUE(writer.Append(columns).ok());
    EXPECT_TRUE(writer.Finish().ok());
    t->file = std::move(sink.data);
    t->metadata = writer.metadata();
    for (const ColumnSchema& c : kSchema) t->columns.push_back({c.name, c.type, c.optional});
    for (size_t g = 0; g < t->metadata.row_groups.size(); ++g) {
      RowGroupTask task;
      task.row_group = g;
      task.num_rows = t->metadata.row_groups[g].num_rows;
      for (size_t c = 0; c < kSchema.size(); ++c) {
        auto range = parquet::ChunkRangeOf(t->metadata, g, c, t->file.size());
        EXPECT_TRUE(range.ok());
        task.chunks.push_back({range->offset, range->length, range->codec, range->num_values});
      }
      t->tasks.push_back(std::move(task));
    }
    return t;
  }();
  return *table;
}

Expr Col(int c) { return Expr::Column(c, kSchema[c].type); }
Expr Int(int64_t v) { return Expr::Constant(Value::Int(v)); }
Expr Dbl(double v) { return Expr::Constant(Value::Double(v)); }
Expr Cmp(ExprOp op, Expr a, Expr b) { return Expr::Binary(op, std::move(a), std::move(b)); }

ScanSpec Spec() {
  ScanSpec spec;
  spec.columns = TestTable().columns;
  return spec;
}

Result<ScanResult> Scan(const ScanSpec& spec, std::span<const RowGroupTask> tasks, MemorySource* source = nullptr) {
  MemorySource own(TestTable().file);
  ScanResult result = EmptyResult(spec);
  RETURN_IF_ERROR(ValidateSpec(spec));
  RETURN_IF_ERROR(ScanRowGroups(spec, tasks, source ? *source : own, &result));
  return result;
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

// Rows of a row-mode result as text lines.
std::vector<std::string> Lines(const ScanResult& result) {
  std::vector<std::string> lines(result.rows());
  for (const ColumnVector& c : result.columns) {
    EXPECT_EQ(c.size(), result.rows());
    for (size_t i = 0; i < lines.size() && i < c.size(); ++i) lines[i] += (lines[i].empty() ? "" : "|") + Cell(c, i);
  }
  return lines;
}

std::string Opt(const std::optional<double>& v) { return v ? FormatDouble(*v) : "NULL"; }

TEST(ScanTest, TableSpansSeveralRowGroups) {
  EXPECT_GE(TestTable().tasks.size(), 3u);
  int64_t rows = 0;
  for (const RowGroupTask& t : TestTable().tasks) rows += t.num_rows;
  EXPECT_EQ(rows, static_cast<int64_t>(kRows));
}

TEST(ScanTest, RowModeWithFilterAndOutputs) {
  // WHERE id % 7 = 3 AND (x > 0.5 OR name IS NULL)  SELECT id, x * 2, name, flag, k + 1
  ScanSpec spec = Spec();
  spec.filter = Expr::Binary(
      ExprOp::kAnd, Cmp(ExprOp::kEq, Cmp(ExprOp::kMod, Col(0), Int(7)), Int(3)),
      Expr::Binary(ExprOp::kOr, Cmp(ExprOp::kGt, Col(2), Dbl(0.5)), Expr::Unary(ExprOp::kIsNull, Col(4))));
  spec.outputs = {Col(0), Cmp(ExprOp::kMul, Col(2), Int(2)), Col(4), Col(5), Cmp(ExprOp::kAdd, Col(1), Int(1))};
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks));

  std::vector<std::string> want;
  for (const Row& row : TestTable().rows) {
    if (row.id % 7 != 3) continue;
    const bool x_big = row.x && *row.x > 0.5;
    if (!x_big && row.name.has_value()) continue;
    std::optional<double> twice;
    if (row.x) twice = *row.x * 2;
    want.push_back(std::to_string(row.id) + "|" + Opt(twice) + "|" + (row.name ? "'" + *row.name + "'" : "NULL") +
                   "|" + (row.flag ? "true" : "false") + "|" + std::to_string(row.k + 1));
  }
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Lines(result), want);
  EXPECT_EQ(result.columns[1].type, Type::kDouble);
  EXPECT_EQ(result.columns[4].type, Type::kInt64);
  EXPECT_EQ(result.counters.row_groups, TestTable().tasks.size());
  EXPECT_EQ(result.counters.rows_scanned, kRows);
  EXPECT_EQ(result.counters.rows_matched, want.size());
  EXPECT_GT(result.counters.bytes_read, 0u);
  EXPECT_EQ(result.counters.reread_chunks, 0u);
}

TEST(ScanTest, RowModeWithoutFilterReturnsEveryRow) {
  ScanSpec spec = Spec();
  spec.outputs = {Col(3), Col(6)};
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks));
  ASSERT_EQ(result.rows(), kRows);
  for (size_t r = 0; r < kRows; r += 97) {
    const Row& row = TestTable().rows[r];
    EXPECT_EQ(Cell(result.columns[0], r), row.f ? FormatFloat(*row.f) : "NULL");
    EXPECT_EQ(result.columns[1].int64s[r], row.big);
  }
}

TEST(ScanTest, OnlyTheNeededChunksAreRead) {
  ScanSpec narrow = Spec();
  narrow.outputs = {Col(5)};
  ScanSpec wide = Spec();
  wide.outputs = {Col(4), Col(0), Col(2)};
  MemorySource a(TestTable().file), b(TestTable().file);
  ASSERT_OK(Scan(narrow, TestTable().tasks, &a).status());
  ASSERT_OK(Scan(wide, TestTable().tasks, &b).status());
  EXPECT_EQ(a.reads, static_cast<int>(TestTable().tasks.size()));
  EXPECT_EQ(b.reads, static_cast<int>(3 * TestTable().tasks.size()));
  EXPECT_LT(a.bytes_read(), b.bytes_read());
  // A filter that matches nothing reads no output columns.
  ScanSpec none = Spec();
  none.filter = Cmp(ExprOp::kLt, Col(0), Int(0));
  none.outputs = {Col(4)};
  MemorySource c(TestTable().file);
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(none, TestTable().tasks, &c));
  EXPECT_EQ(result.rows(), 0u);
  EXPECT_EQ(result.columns.size(), 1u);
  EXPECT_EQ(c.reads, static_cast<int>(TestTable().tasks.size()));
}

// ---- aggregates ----

struct Expected {
  uint64_t count = 0;
  __int128 int_sum = 0;
  double double_sum = 0;
  std::optional<double> min, max;
  std::optional<std::string> smin, smax;
  void Add(double v) {
    ++count;
    double_sum += v;
    if (!min || v < *min) min = v;
    if (!max || v > *max) max = v;
  }
  void AddInt(int64_t v) {
    ++count;
    int_sum += v;
    if (!min || v < *min) min = static_cast<double>(v);
    if (!max || v > *max) max = static_cast<double>(v);
  }
  void AddString(const std::string& v) {
    ++count;
    if (!smin || v < *smin) smin = v;
    if (!smax || v > *smax) smax = v;
  }
};

TEST(ScanTest, Aggregates) {
  // WHERE flag: COUNT(*), COUNT(x), COUNT(name), MIN/MAX/SUM(k), SUM(big),
  // MIN/MAX/SUM(x), AVG(f), MIN/MAX(name), COUNT(id + k).
  ScanSpec spec = Spec();
  spec.filter = Col(5);
  spec.aggregates = {
      {AggregateKind::kCountStar, Expr()}, {AggregateKind::kCount, Col(2)}, {AggregateKind::kCount, Col(4)},
      {AggregateKind::kMin, Col(1)},       {AggregateKind::kMax, Col(1)},   {AggregateKind::kSum, Col(1)},
      {AggregateKind::kSum, Col(6)},       {AggregateKind::kMin, Col(2)},   {AggregateKind::kMax, Col(2)},
      {AggregateKind::kSum, Col(2)},       {AggregateKind::kAvg, Col(3)},   {AggregateKind::kMin, Col(4)},
      {AggregateKind::kMax, Col(4)},       {AggregateKind::kCount, Cmp(ExprOp::kAdd, Col(0), Col(1))},
  };
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks));
  ASSERT_EQ(result.aggregates.size(), spec.aggregates.size());
  EXPECT_EQ(result.rows(), 0u);

  uint64_t star = 0;
  Expected x, k, f, name, big;
  for (const Row& row : TestTable().rows) {
    if (!row.flag) continue;
    ++star;
    if (row.x) x.Add(*row.x);
    if (row.f) f.Add(*row.f);
    if (row.name) name.AddString(*row.name);
    k.AddInt(row.k);
    big.AddInt(row.big);
  }
  const auto& a = result.aggregates;
  EXPECT_EQ(a[0].count, star);
  EXPECT_EQ(a[1].count, x.count);
  EXPECT_EQ(a[2].count, name.count);
  EXPECT_FALSE(a[3].min.is_null);
  EXPECT_EQ(a[3].min.int_value, static_cast<int64_t>(*k.min));
  EXPECT_EQ(a[4].max.int_value, static_cast<int64_t>(*k.max));
  EXPECT_TRUE(a[5].IntSum() == k.int_sum);
  EXPECT_EQ(a[5].count, star);
  // SUM(big) is far beyond 2^63 and exact.
  EXPECT_GT(big.int_sum, static_cast<__int128>(INT64_MAX));
  EXPECT_TRUE(a[6].IntSum() == big.int_sum) << static_cast<double>(a[6].IntSum()) << " vs "
                                            << static_cast<double>(big.int_sum);
  EXPECT_EQ(a[7].min.double_value, *x.min);
  EXPECT_EQ(a[8].max.double_value, *x.max);
  EXPECT_EQ(a[9].double_sum, x.double_sum);
  EXPECT_EQ(a[10].count, f.count);
  EXPECT_EQ(a[10].double_sum, f.double_sum);
  EXPECT_EQ(a[11].min.string_value, *name.smin);
  EXPECT_EQ(a[12].max.string_value, *name.smax);
  EXPECT_EQ(a[13].count, star);
  EXPECT_EQ(result.counters.rows_matched, star);
}

TEST(ScanTest, AggregatesOverNoRows) {
  ScanSpec spec = Spec();
  spec.filter = Cmp(ExprOp::kLt, Col(0), Int(0));
  spec.aggregates = {{AggregateKind::kCountStar, Expr()}, {AggregateKind::kMin, Col(2)}, {AggregateKind::kSum, Col(1)}};
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks));
  EXPECT_EQ(result.aggregates[0].count, 0u);
  EXPECT_TRUE(result.aggregates[1].min.is_null);
  EXPECT_EQ(result.aggregates[1].min.type, Type::kDouble);
  EXPECT_TRUE(result.aggregates[2].IntSum() == 0);
  EXPECT_EQ(result.aggregates[2].count, 0u);
}

// In-memory scans of batches the test builds, for cases the table file does not hold.
class BatchSource : public ChunkSource {
 public:
  Status Read(uint64_t offset, uint64_t length, bool, std::string* out, bool* out_verified) override {
    if (offset > data.size() || length > data.size() - offset) return Status::Corruption("outside");
    out->assign(data, offset, length);
    *out_verified = true;
    return Status::OK();
  }
  uint64_t bytes_read() const override { return 0; }
  std::string data;
};

// One row group of one optional DOUBLE column, as a task over `source`.
RowGroupTask OneColumn(const ColumnVector& values, BatchSource* source) {
  parquet::ChunkEncodeOptions options;
  options.optional = true;
  parquet::EncodedChunk chunk;
  EXPECT_TRUE(parquet::EncodeColumnChunk(values, 0, values.size(), options, &chunk).ok());
  RowGroupTask task;
  task.num_rows = static_cast<int64_t>(values.size());
  task.chunks.push_back({source->data.size(), chunk.bytes.size(), Codec::kUncompressed, chunk.num_values});
  source->data += chunk.bytes;
  return task;
}

// COUNT(x) counts the values that are not NULL; NaN is a value (DuckDB
// counts it too: count(x) over 1.0, NaN, NULL is 2).
TEST(ScanTest, CountOfAColumnCountsNaN) {
  ColumnVector x(Type::kDouble);
  x.doubles = {1.0, std::numeric_limits<double>::quiet_NaN(), 0.0, 2.0};
  x.validity = {1, 1, 0, 1};
  BatchSource source;
  const std::vector<RowGroupTask> tasks = {OneColumn(x, &source)};
  ScanSpec spec;
  spec.columns = {{"x", Type::kDouble, true}};
  spec.aggregates = {{AggregateKind::kCount, Expr::Column(0, Type::kDouble)},
                     {AggregateKind::kCountStar, Expr()},
                     {AggregateKind::kMax, Expr::Column(0, Type::kDouble)}};
  ScanResult result = EmptyResult(spec);
  ASSERT_OK(ScanRowGroups(spec, tasks, source, &result));
  EXPECT_EQ(result.aggregates[0].count, 3u);
  EXPECT_EQ(result.aggregates[1].count, 4u);
  EXPECT_EQ(result.aggregates[2].max.double_value, 2.0);  // Strata's documented choice: NaN skipped by MIN/MAX
}

TEST(ScanTest, SumOfExtremeIntegersIsExactInBothDirections) {
  // Sums that overflow int64 in the middle but come back in range.
  ColumnVector big(Type::kInt64);
  big.int64s = {INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN, INT64_MIN, 5};
  parquet::ChunkEncodeOptions options;
  parquet::EncodedChunk chunk;
  ASSERT_OK(parquet::EncodeColumnChunk(big, 0, big.size(), options, &chunk));
  BatchSource source;
  source.data = chunk.bytes;
  RowGroupTask task;
  task.num_rows = 6;
  task.chunks.push_back({0, chunk.bytes.size(), Codec::kUncompressed, 6});
  ScanSpec spec;
  spec.columns = {{"big", Type::kInt64, false}};
  spec.aggregates = {{AggregateKind::kSum, Expr::Column(0, Type::kInt64)}};
  ScanResult result = EmptyResult(spec);
  const std::vector<RowGroupTask> tasks = {task, task};
  ASSERT_OK(ScanRowGroups(spec, tasks, source, &result));
  const __int128 want = 2 * (2 * static_cast<__int128>(INT64_MAX) + 3 * static_cast<__int128>(INT64_MIN) + 5);
  EXPECT_TRUE(result.aggregates[0].IntSum() == want);
  EXPECT_EQ(result.aggregates[0].count, 12u);
}

// ---- LIMIT ----

TEST(ScanTest, LimitStopsEarly) {
  ScanSpec spec = Spec();
  spec.filter = Cmp(ExprOp::kEq, Cmp(ExprOp::kMod, Col(0), Int(2)), Int(0));
  spec.outputs = {Col(0)};
  spec.limit = 5;
  MemorySource source(TestTable().file);
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks, &source));
  EXPECT_EQ(Lines(result), (std::vector<std::string>{"0", "2", "4", "6", "8"}));
  EXPECT_EQ(result.counters.row_groups, 1u);
  EXPECT_EQ(result.counters.rows_matched, 5u);
  EXPECT_EQ(source.reads, 1);

  // A limit just past the first row group reads exactly two.
  const uint64_t first = static_cast<uint64_t>(TestTable().tasks[0].num_rows);
  ScanSpec all = Spec();
  all.outputs = {Col(0), Col(4)};
  all.limit = first + 3;
  ASSERT_OK_AND_ASSIGN(ScanResult two, Scan(all, TestTable().tasks));
  EXPECT_EQ(two.rows(), first + 3);
  EXPECT_EQ(two.counters.row_groups, 2u);
  EXPECT_EQ(two.columns[0].int64s.back(), static_cast<int64_t>(first + 2));
  EXPECT_EQ(two.columns[1].size(), first + 3);

  // LIMIT 0 reads nothing; LIMIT past the end returns everything.
  all.limit = 0;
  ASSERT_OK_AND_ASSIGN(ScanResult zero, Scan(all, TestTable().tasks));
  EXPECT_EQ(zero.rows(), 0u);
  EXPECT_EQ(zero.counters.row_groups, 0u);
  all.limit = kRows * 2;
  ASSERT_OK_AND_ASSIGN(ScanResult every, Scan(all, TestTable().tasks));
  EXPECT_EQ(every.rows(), kRows);
}

// ---- merging ----

ScanResult ScanSplit(const ScanSpec& spec, const std::vector<size_t>& cuts) {
  const auto& tasks = TestTable().tasks;
  ScanResult merged = EmptyResult(spec);
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(tasks.size());
  for (size_t end : ends) {
    Result<ScanResult> part = Scan(spec, std::span<const RowGroupTask>(tasks).subspan(from, end - from));
    EXPECT_TRUE(part.ok()) << part.status().ToString();
    if (part.ok()) MergeResult(spec, std::move(part).value(), &merged);
    from = end;
  }
  return merged;
}

TEST(ScanTest, MergingSplitScansEqualsOneScan) {
  const size_t groups = TestTable().tasks.size();
  ASSERT_GE(groups, 3u);
  const std::vector<std::vector<size_t>> splits = {{1}, {1, 2}, {groups - 1}, {0, groups}};

  ScanSpec rows = Spec();
  rows.filter = Cmp(ExprOp::kGt, Col(1), Int(200));
  rows.outputs = {Col(0), Col(4), Col(2), Col(3)};
  ScanSpec aggregates = Spec();
  aggregates.filter = Expr::Unary(ExprOp::kIsNotNull, Col(4));
  aggregates.aggregates = {{AggregateKind::kCountStar, Expr()}, {AggregateKind::kSum, Col(6)},
                           {AggregateKind::kMin, Col(4)},       {AggregateKind::kMax, Col(2)},
                           {AggregateKind::kAvg, Col(3)},       {AggregateKind::kCount, Col(3)}};
  ScanSpec limited = rows;
  limited.limit = 250;

  for (const ScanSpec* spec : {&rows, &aggregates, &limited}) {
    ASSERT_OK_AND_ASSIGN(ScanResult whole, Scan(*spec, TestTable().tasks));
    for (const auto& cuts : splits) {
      ScanResult merged = ScanSplit(*spec, cuts);
      EXPECT_EQ(Lines(merged), Lines(whole));
      EXPECT_EQ(merged.aggregates, whole.aggregates);
      if (spec != &limited) {
        EXPECT_EQ(merged.counters, whole.counters);
      }
    }
  }
}

TEST(ScanTest, MergeRespectsTheLimit) {
  ScanSpec spec = Spec();
  spec.outputs = {Col(0)};
  spec.limit = 7;
  ScanResult into = EmptyResult(spec);
  for (int part = 0; part < 3; ++part) {
    ScanResult from = EmptyResult(spec);
    for (int i = 0; i < 5; ++i) from.columns[0].int64s.push_back(part * 10 + i);
    from.counters.rows_matched = 5;
    MergeResult(spec, std::move(from), &into);
  }
  EXPECT_EQ(into.columns[0].int64s, (std::vector<int64_t>{0, 1, 2, 3, 4, 10, 11}));
  EXPECT_EQ(into.counters.rows_matched, 15u);
}

// ---- unverified bytes ----

TEST(ScanTest, CorruptUnverifiedBytesAreReadAgainVerified) {
  ScanSpec spec = Spec();
  spec.filter = Cmp(ExprOp::kLt, Col(1), Int(0));
  spec.outputs = {Col(0), Col(4), Col(2)};
  ASSERT_OK_AND_ASSIGN(ScanResult good, Scan(spec, TestTable().tasks));

  MemorySource flaky(TestTable().file);
  flaky.hands_out_verified = false;
  flaky.corrupt_unverified = true;
  ASSERT_OK_AND_ASSIGN(ScanResult result, Scan(spec, TestTable().tasks, &flaky));
  EXPECT_EQ(Lines(result), Lines(good));
  EXPECT_GT(flaky.verified_reads, 0);
  EXPECT_EQ(result.counters.reread_chunks, static_cast<uint64_t>(flaky.verified_reads));
  EXPECT_EQ(result.counters.reread_chunks, 4 * TestTable().tasks.size());  // k, id, name, x per row group
  EXPECT_GT(result.counters.bytes_read, good.counters.bytes_read);

  // Good unverified bytes vouch for themselves through their CRCs.
  MemorySource trusted(TestTable().file);
  trusted.hands_out_verified = false;
  ASSERT_OK_AND_ASSIGN(ScanResult again, Scan(spec, TestTable().tasks, &trusted));
  EXPECT_EQ(Lines(again), Lines(good));
  EXPECT_EQ(again.counters.reread_chunks, 0u);
  EXPECT_EQ(trusted.verified_reads, 0);
}

TEST(ScanTest, CorruptVerifiedBytesAreAnErrorNamingTheChunk) {
  ScanSpec spec = Spec();
  spec.outputs = {Col(4)};
  MemorySource broken(TestTable().file);
  broken.corrupt_verified = true;
  Result<ScanResult> result = Scan(spec, TestTable().tasks, &broken);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find("row group 0"), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find("'name'"), std::string::npos) << result.status().message();
}

TEST(ScanTest, MalformedTasksAreErrors) {
  ScanSpec spec = Spec();
  spec.outputs = {Col(0)};
  std::vector<RowGroupTask> tasks = {TestTable().tasks[0]};
  tasks[0].chunks.pop_back();
  EXPECT_EQ(Scan(spec, tasks).status().code(), StatusCode::kInvalidArgument);
  tasks = {TestTable().tasks[0]};
  tasks[0].num_rows += 1;  // disagrees with the chunk
  EXPECT_EQ(Scan(spec, tasks).status().code(), StatusCode::kCorruption);
  tasks = {TestTable().tasks[0]};
  tasks[0].chunks[0].offset = TestTable().file.size() - 3;  // runs past the file
  EXPECT_FALSE(Scan(spec, tasks).ok());
  tasks = {TestTable().tasks[0]};
  tasks[0].chunks[0] = TestTable().tasks[0].chunks[5];  // the booleans' bytes, read as INT64
  EXPECT_FALSE(Scan(spec, tasks).ok());
}

// ---- ValidateSpec ----

void ExpectInvalid(const ScanSpec& spec, const std::string& why) {
  const Status st = ValidateSpec(spec);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << why << ": " << st.ToString();
}

TEST(ValidateSpecTest, AcceptsWhatTheBinderMakes) {
  ScanSpec spec = Spec();
  spec.filter = Expr::Binary(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(2), Int(1)),
                             Expr::Unary(ExprOp::kNot, Expr::In(Col(4), {Value::String("a"), Value::Null()})));
  spec.outputs = {Col(0), Cmp(ExprOp::kDiv, Col(1), Col(3)), Expr::Cast(Col(4), Type::kInt64),
                  Cmp(ExprOp::kAdd, Col(1), Expr::Constant(Value::Null())), Expr::Unary(ExprOp::kNegate, Col(3))};
  ASSERT_OK(ValidateSpec(spec));
  spec.outputs.clear();
  spec.aggregates = {{AggregateKind::kCountStar, Expr()}, {AggregateKind::kMax, Col(4)}, {AggregateKind::kSum, Col(1)}};
  ASSERT_OK(ValidateSpec(spec));
}

TEST(ValidateSpecTest, RefusesMalformedSpecs) {
  {
    ScanSpec spec = Spec();
    spec.outputs = {Expr::Column(7, Type::kInt64)};
    ExpectInvalid(spec, "column index past the end");
    spec.outputs = {Expr::Column(-1, Type::kInt64)};
    ExpectInvalid(spec, "negative column index");
    spec.outputs = {Expr::Column(0, Type::kDouble)};
    ExpectInvalid(spec, "column type mismatch");
  }
  {
    ScanSpec spec = Spec();
    Expr wrong = Cmp(ExprOp::kGt, Col(0), Int(1));
    wrong.args.pop_back();
    spec.filter = wrong;
    ExpectInvalid(spec, "comparison with one operand");
    Expr three = Cmp(ExprOp::kAdd, Col(0), Int(1));
    three.args.push_back(Int(2));
    spec.filter.reset();
    spec.outputs = {three};
    ExpectInvalid(spec, "addition with three operands");
    Expr not_two = Expr::Unary(ExprOp::kNot, Col(5));
    not_two.args.push_back(Col(5));
    spec.outputs = {not_two};
    ExpectInvalid(spec, "NOT with two operands");
    Expr column_with_args = Col(0);
    column_with_args.args.push_back(Int(1));
    spec.outputs = {column_with_args};
    ExpectInvalid(spec, "column with operands");
  }
  {
    ScanSpec spec = Spec();
    spec.outputs = {Cmp(ExprOp::kAdd, Col(4), Int(1))};
    ExpectInvalid(spec, "arithmetic on a string");
    spec.outputs = {Expr::Unary(ExprOp::kNegate, Col(4))};
    ExpectInvalid(spec, "negated string");
    Expr typed = Cmp(ExprOp::kAdd, Col(0), Int(1));
    typed.type = Type::kDouble;
    spec.outputs = {typed};
    ExpectInvalid(spec, "arithmetic with the wrong result type");
  }
  {
    ScanSpec spec = Spec();
    spec.filter = Cmp(ExprOp::kEq, Col(4), Int(1));
    ExpectInvalid(spec, "string compared with a number");
    spec.filter = Col(0);
    ExpectInvalid(spec, "filter that is not a condition");
    spec.filter = Expr::Binary(ExprOp::kAnd, Col(5), Col(0));
    ExpectInvalid(spec, "AND of a number");
    spec.filter = Expr::Unary(ExprOp::kNot, Col(1));
    ExpectInvalid(spec, "NOT of a number");
    Expr in = Expr::In(Col(0), {Value::Int(1)});
    in.args.push_back(Col(1));
    spec.filter = in;
    ExpectInvalid(spec, "IN list with a column");
    spec.filter = Expr::In(Col(0), {Value::String("a")});
    ExpectInvalid(spec, "IN list of the wrong type");
    Expr in_nothing = Expr::In(Col(0), {});
    in_nothing.args.clear();
    spec.filter = in_nothing;
    ExpectInvalid(spec, "IN without an operand");
  }
  {
    ScanSpec spec = Spec();
    spec.outputs = {Expr::Cast(Col(0), Type::kInt32)};
    ExpectInvalid(spec, "cast to INT32");
    Expr constant = Int(1);
    constant.type = Type::kByteArray;
    spec.outputs = {constant};
    ExpectInvalid(spec, "constant whose type disagrees with its value");
    Expr odd = Col(0);
    odd.op = static_cast<ExprOp>(200);
    spec.outputs = {odd};
    ExpectInvalid(spec, "unknown operator");
  }
  {
    ScanSpec spec = Spec();
    spec.aggregates = {{AggregateKind::kSum, Col(4)}};
    ExpectInvalid(spec, "SUM of a string");
    spec.aggregates = {{AggregateKind::kAvg, Col(5)}};
    ExpectInvalid(spec, "AVG of a boolean");
    spec.aggregates = {{AggregateKind::kMin, Expr::Column(9, Type::kInt64)}};
    ExpectInvalid(spec, "MIN of a missing column");
  }
  {
    ScanSpec spec = Spec();
    spec.columns.push_back({"ts", Type::kInt96, false});
    ExpectInvalid(spec, "INT96 column");
  }
  {
    // Deep nesting is refused rather than recursed into without bound.
    ScanSpec spec = Spec();
    Expr deep = Col(5);
    for (int i = 0; i < 2000; ++i) deep = Expr::Unary(ExprOp::kNot, std::move(deep));
    spec.filter = std::move(deep);
    ExpectInvalid(spec, "nesting 2000 deep");
  }
}

TEST(ScanSpecTest, ColumnsReadByFilterAndOutputs) {
  ScanSpec spec = Spec();
  spec.filter = Expr::Binary(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(2), Int(1)), Cmp(ExprOp::kLt, Col(0), Col(2)));
  spec.outputs = {Col(4), Col(2), Cmp(ExprOp::kAdd, Col(1), Col(0))};
  EXPECT_EQ(spec.FilterColumns(), (std::vector<int>{2, 0}));
  EXPECT_EQ(spec.OutputColumns(), (std::vector<int>{4, 1}));
  ScanResult empty = EmptyResult(spec);
  ASSERT_EQ(empty.columns.size(), 3u);
  EXPECT_EQ(empty.columns[0].type, Type::kByteArray);
  EXPECT_EQ(empty.columns[2].type, Type::kInt64);
  EXPECT_TRUE(empty.aggregates.empty());
}

}  // namespace
}  // namespace strata::table
