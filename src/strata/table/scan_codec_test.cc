// The wire form of scan requests and results: every operator, value type,
// aggregate and column shape survives the trip; truncated or malformed bytes
// are refused, and so is a well-formed request that ValidateSpec would not run.
#include "strata/table/scan_codec.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

using parquet::Codec;

Expr Col(int c, Type t) { return Expr::Column(c, t); }
Expr K(Value v) { return Expr::Constant(std::move(v)); }

Value Typed(Value v, Type t) {
  v.type = t;
  return v;
}

const std::vector<ScanColumn> kColumns = {
    {"flag", Type::kBoolean, false}, {"i32", Type::kInt32, true},  {"i64", Type::kInt64, false},
    {"f", Type::kFloat, true},       {"d", Type::kDouble, false}, {"name \"quoted\"", Type::kByteArray, true}};

// A filter that uses every operator and constants of every type.
Expr EveryOperator() {
  const Expr flag = Col(0, Type::kBoolean), i32 = Col(1, Type::kInt32), i64 = Col(2, Type::kInt64),
             f = Col(3, Type::kFloat), d = Col(4, Type::kDouble), s = Col(5, Type::kByteArray);
  std::vector<Expr> terms = {
      Expr::Binary(ExprOp::kEq, flag, K(Value::Bool(true))),
      Expr::Binary(ExprOp::kNe, i32, K(Typed(Value::Int(-7), Type::kInt32))),
      Expr::Binary(ExprOp::kLt, i64, K(Value::Int(INT64_MIN))),
      Expr::Binary(ExprOp::kLe, f, K(Typed(Value::Double(0.5), Type::kFloat))),
      Expr::Binary(ExprOp::kGt, d, K(Value::Double(-1e300))),
      Expr::Binary(ExprOp::kGe, s, K(Value::String(std::string("a\0b\xff", 4)))),
      Expr::Binary(ExprOp::kEq, Expr::Binary(ExprOp::kAdd, i32, i64), K(Value::Int(INT64_MAX))),
      Expr::Binary(ExprOp::kLt, Expr::Binary(ExprOp::kSub, f, d), Expr::Binary(ExprOp::kMul, i64, d)),
      Expr::Binary(ExprOp::kGt, Expr::Binary(ExprOp::kDiv, i32, K(Value::Int(0))), Expr::Unary(ExprOp::kNegate, f)),
      Expr::Binary(ExprOp::kNe, Expr::Binary(ExprOp::kMod, i64, K(Value::Int(3))), K(Value::Null())),
      Expr::In(s, {Value::String(""), Value::String("x"), Value::Null(Type::kByteArray)}),
      Expr::In(d, {Value::Double(std::numeric_limits<double>::infinity()), Value::Int(2), Value::Double(-0.0)}),
      Expr::Unary(ExprOp::kIsNull, i32),
      Expr::Unary(ExprOp::kIsNotNull, s),
      Expr::Binary(ExprOp::kEq, Expr::Cast(s, Type::kInt64), Expr::Cast(f, Type::kInt64)),
      Expr::Cast(Expr::Cast(i64, Type::kByteArray), Type::kBoolean),
      Expr::Binary(ExprOp::kGt, Expr::Cast(flag, Type::kDouble), K(Value::Double(0.25))),
      K(Value::Bool(false)),
      K(Value::Null(Type::kBoolean)),
      flag,
  };
  Expr all = Expr::Unary(ExprOp::kNot, terms[0]);
  for (size_t i = 1; i < terms.size(); ++i) {
    all = Expr::Binary(i % 2 ? ExprOp::kOr : ExprOp::kAnd, std::move(all), terms[i]);
  }
  return all;
}

std::vector<RowGroupTask> Tasks(size_t count, size_t columns) {
  std::vector<RowGroupTask> tasks;
  const Codec codecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip};
  for (size_t t = 0; t < count; ++t) {
    RowGroupTask task;
    task.row_group = t * 1000 + 7;
    task.num_rows = static_cast<int64_t>(t * 12345);
    for (size_t c = 0; c < columns; ++c) {
      task.chunks.push_back({(uint64_t{1} << 40) + t * 1000 + c * 17, c * 1000 + 1, codecs[(t + c) % 4],
                             static_cast<int64_t>(t * 12345)});
      if (c % 2 == 1) {  // some chunks with an OffsetIndex, rebased from their file offset
        task.chunks.back().page_index_offset = task.chunks.back().offset + c * 1000 + 1;
        task.chunks.back().page_index_length = 40 + c;
        task.chunks.back().file_offset = t * 1000 + c * 17;
      }
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

void ExpectRequestRoundTrip(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks) {
  ASSERT_OK(ValidateSpec(spec));
  const std::string bytes = SerializeScanRequest(spec, tasks);
  ScanSpec parsed;
  std::vector<RowGroupTask> parsed_tasks;
  ASSERT_OK(ParseScanRequest(bytes, &parsed, &parsed_tasks));
  EXPECT_TRUE(parsed == spec);
  EXPECT_EQ(parsed_tasks, tasks);
  EXPECT_EQ(SerializeScanRequest(parsed, parsed_tasks), bytes);
}

TEST(ScanCodecTest, RequestWithEveryOperatorRoundTrips) {
  ScanSpec spec;
  spec.columns = kColumns;
  spec.filter = EveryOperator();
  spec.outputs = {Col(5, Type::kByteArray), Expr::Binary(ExprOp::kAdd, Col(1, Type::kInt32), K(Value::Int(1))),
                  Expr::Binary(ExprOp::kLt, Col(3, Type::kFloat), Col(4, Type::kDouble)),
                  K(Value::String("constant output")), Expr::Cast(Col(2, Type::kInt64), Type::kDouble)};
  spec.limit = 1000;
  ExpectRequestRoundTrip(spec, Tasks(3, kColumns.size()));
  spec.use_index = false;
  ExpectRequestRoundTrip(spec, Tasks(3, kColumns.size()));
}

TEST(ScanCodecTest, AggregateRequestsRoundTrip) {
  ScanSpec spec;
  spec.columns = kColumns;
  spec.aggregates = {{AggregateKind::kCountStar, Expr()},
                     {AggregateKind::kCount, Col(5, Type::kByteArray)},
                     {AggregateKind::kMin, Col(3, Type::kFloat)},
                     {AggregateKind::kMax, Col(5, Type::kByteArray)},
                     {AggregateKind::kSum, Col(2, Type::kInt64)},
                     {AggregateKind::kAvg, Expr::Binary(ExprOp::kMul, Col(1, Type::kInt32), Col(4, Type::kDouble))}};
  ExpectRequestRoundTrip(spec, Tasks(1, kColumns.size()));
  // No filter, no limit, no tasks; and LIMIT 0, which is not "no limit".
  ExpectRequestRoundTrip(spec, {});
  ScanSpec rows;
  rows.columns = kColumns;
  rows.outputs = {Col(0, Type::kBoolean)};
  rows.limit = 0;
  ExpectRequestRoundTrip(rows, Tasks(2, kColumns.size()));
  ScanSpec empty;
  ExpectRequestRoundTrip(empty, {});
}

TEST(ScanCodecTest, DeepButValidExpressionsRoundTrip) {
  ScanSpec spec;
  spec.columns = kColumns;
  Expr deep = Col(0, Type::kBoolean);
  for (int i = 0; i < 400; ++i) deep = Expr::Unary(ExprOp::kNot, std::move(deep));
  spec.filter = deep;
  ExpectRequestRoundTrip(spec, {});
  // Deeper than ValidateSpec allows: refused, not recursed into without end.
  for (int i = 0; i < 600; ++i) deep = Expr::Unary(ExprOp::kNot, std::move(deep));
  spec.filter = std::move(deep);
  ScanSpec parsed;
  std::vector<RowGroupTask> tasks;
  EXPECT_FALSE(ParseScanRequest(SerializeScanRequest(spec, {}), &parsed, &tasks).ok());
}

TEST(ScanCodecTest, TruncatedRequestsAreRefused) {
  ScanSpec spec;
  spec.columns = kColumns;
  spec.filter = EveryOperator();
  spec.outputs = {Col(5, Type::kByteArray)};
  spec.limit = 9;
  const std::string bytes = SerializeScanRequest(spec, Tasks(2, kColumns.size()));
  for (size_t length = 0; length < bytes.size(); ++length) {
    ScanSpec parsed;
    std::vector<RowGroupTask> tasks;
    EXPECT_FALSE(ParseScanRequest(std::string_view(bytes).substr(0, length), &parsed, &tasks).ok())
        << "cut at " << length << " of " << bytes.size();
  }
}

Status ParseRequest(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks) {
  ScanSpec parsed;
  std::vector<RowGroupTask> parsed_tasks;
  return ParseScanRequest(SerializeScanRequest(spec, tasks), &parsed, &parsed_tasks);
}

TEST(ScanCodecTest, MalformedRequestsAreRefused) {
  ScanSpec spec;
  spec.columns = kColumns;
  spec.outputs = {Col(2, Type::kInt64)};
  ASSERT_OK(ParseRequest(spec, Tasks(1, kColumns.size())));
  // Tasks whose chunk count does not match the columns.
  EXPECT_EQ(ParseRequest(spec, Tasks(1, kColumns.size() - 1)).code(), StatusCode::kCorruption);
  // Specs that ValidateSpec refuses.
  ScanSpec bad = spec;
  bad.outputs = {Col(6, Type::kInt64)};
  EXPECT_EQ(ParseRequest(bad, {}).code(), StatusCode::kInvalidArgument);
  bad.outputs = {Expr::Binary(ExprOp::kAdd, Col(5, Type::kByteArray), K(Value::Int(1)))};
  EXPECT_EQ(ParseRequest(bad, {}).code(), StatusCode::kInvalidArgument);
  // Operators, value types and aggregates outside their enumerations.
  bad = spec;
  Expr unknown = Col(2, Type::kInt64);
  unknown.op = static_cast<ExprOp>(99);
  bad.outputs = {unknown};
  EXPECT_FALSE(ParseRequest(bad, {}).ok());
  bad.outputs = {K(Typed(Value::Int(1), Type::kInt96))};
  EXPECT_FALSE(ParseRequest(bad, {}).ok());
  bad = spec;
  bad.columns.push_back({"ts", Type::kFixedLenByteArray, false});
  EXPECT_FALSE(ParseRequest(bad, {}).ok());
  bad = spec;
  bad.outputs.clear();
  bad.aggregates = {{static_cast<AggregateKind>(9), Col(2, Type::kInt64)}};
  EXPECT_FALSE(ParseRequest(bad, {}).ok());
  // A limit that reads back negative, and row counts out of range.
  bad = spec;
  bad.limit = uint64_t{1} << 63;
  EXPECT_FALSE(ParseRequest(bad, {}).ok());
  std::vector<RowGroupTask> tasks = Tasks(1, kColumns.size());
  tasks[0].num_rows = -1;
  EXPECT_FALSE(ParseRequest(spec, tasks).ok());
  tasks[0].num_rows = (int64_t{1} << 31) + 1;
  EXPECT_FALSE(ParseRequest(spec, tasks).ok());
  // Garbage.
  ScanSpec parsed;
  std::vector<RowGroupTask> parsed_tasks;
  EXPECT_FALSE(ParseScanRequest("\xff\xff\xff\xff", &parsed, &parsed_tasks).ok());
  EXPECT_FALSE(ParseScanRequest("", &parsed, &parsed_tasks).ok());
}

// ---- results ----

ScanResult RowResult() {
  ScanResult result;
  ColumnVector b(Type::kBoolean), i32(Type::kInt32), i64(Type::kInt64), f(Type::kFloat), d(Type::kDouble),
      s(Type::kByteArray);
  b.bools = {1, 0, 1, 1};
  i32.int32s = {INT32_MIN, 0, 5, INT32_MAX};
  i32.validity = {1, 0, 1, 1};
  i64.int64s = {INT64_MIN, -1, 0, INT64_MAX};
  f.floats = {0.1f, -0.0f, 0, std::numeric_limits<float>::infinity()};
  f.validity = {1, 1, 0, 1};
  d.doubles = {1e-300, 2.5, -3, 0};
  for (const std::string& v : {std::string("a"), std::string(), std::string("\0\xff", 2), std::string(300, 'z')}) {
    s.strings.Append(v);
  }
  s.validity = {1, 1, 1, 0};
  result.columns = {b, i32, i64, f, d, s};
  result.counters = {3, 4000, 4, 1 << 20, 2, 1, 17};
  return result;
}

ScanResult AggregateResult() {
  ScanResult result;
  AggregateState count;
  count.count = 123456789012ull;
  AggregateState sum;
  sum.count = 3;
  sum.SetIntSum(static_cast<__int128>(INT64_MAX) * 5 + 3);
  sum.min = Value::Int(-4);
  sum.max = Typed(Value::Int(9), Type::kInt32);
  AggregateState negative;
  negative.SetIntSum(-(static_cast<__int128>(INT64_MAX) * 7));
  negative.double_sum = -0.125;
  negative.min = Value::Double(-1e300);
  negative.max = Typed(Value::Double(3.5), Type::kFloat);
  AggregateState strings;
  strings.count = 2;
  strings.min = Value::String("");
  strings.max = Value::String(std::string("\xff\0", 2));
  AggregateState nothing;
  nothing.min = Value::Null(Type::kByteArray);
  nothing.max = Value::Null(Type::kBoolean);
  AggregateState booleans;
  booleans.min = Value::Bool(false);
  booleans.max = Value::Bool(true);
  result.aggregates = {count, sum, negative, strings, nothing, booleans};
  result.counters = {1, 2, 3, 4, 5, 6, 7};
  return result;
}

template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// ColumnVector has no operator==, so ScanResult's defaulted one is unusable.
bool SameResult(const ScanResult& a, const ScanResult& b) {
  if (a.columns.size() != b.columns.size() || !(a.aggregates == b.aggregates) || !(a.counters == b.counters)) {
    return false;
  }
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const ColumnVector& x = a.columns[c];
    const ColumnVector& y = b.columns[c];
    if (x.type != y.type || x.validity != y.validity || x.bools != y.bools || x.int32s != y.int32s ||
        x.int64s != y.int64s || !SameBits(x.floats, y.floats) || !SameBits(x.doubles, y.doubles) ||
        !(x.strings == y.strings)) {
      return false;
    }
  }
  return true;
}

TEST(ScanCodecTest, ResultsRoundTrip) {
  for (const ScanResult& result : {RowResult(), AggregateResult(), ScanResult()}) {
    const std::string bytes = SerializeScanResult(result);
    ASSERT_OK_AND_ASSIGN(ScanResult parsed, ParseScanResult(bytes));
    EXPECT_TRUE(SameResult(parsed, result));
    EXPECT_EQ(SerializeScanResult(parsed), bytes);
  }
  // The 128-bit sums come back exactly.
  ASSERT_OK_AND_ASSIGN(ScanResult parsed, ParseScanResult(SerializeScanResult(AggregateResult())));
  EXPECT_TRUE(parsed.aggregates[1].IntSum() == static_cast<__int128>(INT64_MAX) * 5 + 3);
  EXPECT_TRUE(parsed.aggregates[2].IntSum() == -(static_cast<__int128>(INT64_MAX) * 7));
}

TEST(ScanCodecTest, TruncatedResultsAreRefused) {
  for (const ScanResult& result : {RowResult(), AggregateResult()}) {
    const std::string bytes = SerializeScanResult(result);
    for (size_t length = 0; length < bytes.size(); ++length) {
      EXPECT_FALSE(ParseScanResult(std::string_view(bytes).substr(0, length)).ok()) << "cut at " << length;
    }
  }
}

TEST(ScanCodecTest, MalformedColumnsAreRefused) {
  auto refused = [](const ColumnVector& c) {
    ScanResult result;
    result.columns = {c};
    return !ParseScanResult(SerializeScanResult(result)).ok();
  };
  ColumnVector validity(Type::kInt64);
  validity.int64s = {1, 2, 3};
  validity.validity = {1, 0};
  EXPECT_TRUE(refused(validity));
  ColumnVector offsets(Type::kByteArray);
  offsets.strings.Append("abc");
  offsets.strings.Append("de");
  offsets.strings.offsets[1] = 6;  // past the next offset (5)
  EXPECT_TRUE(refused(offsets));
  ColumnVector first(Type::kByteArray);
  first.strings.Append("abc");
  first.strings.offsets[0] = 1;
  EXPECT_TRUE(refused(first));
  ColumnVector end(Type::kByteArray);
  end.strings.Append("abc");
  end.strings.bytes += "extra";
  EXPECT_TRUE(refused(end));
  ColumnVector none(Type::kByteArray);
  none.strings.offsets.clear();
  EXPECT_TRUE(refused(none));
  ColumnVector type(Type::kInt96);
  EXPECT_TRUE(refused(type));

  // Columns of different lengths.
  ScanResult result;
  ColumnVector a(Type::kInt64), b(Type::kInt64);
  a.int64s = {1};
  b.int64s = {1, 2};
  result.columns = {a, b};
  EXPECT_EQ(ParseScanResult(SerializeScanResult(result)).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace strata::table
