// Aligned Parquet: every row group fills exactly one unit, its chunks lie
// inside that unit and the unit ends with a copy of its metadata; the file is
// still ordinary Parquet whose rows read back as appended, however the rows
// were batched. Also the reader's refusals (FlatSchema, a damaged footer).
#include "strata/parquet/aligned_writer.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/file_reader.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata::parquet {
namespace {

constexpr uint32_t kUnit = 64 * 1024;

class StringSink : public ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

class StringSource : public RandomAccessSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  uint64_t size() const override { return data_.size(); }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > data_.size() || length > data_.size() - offset) {
      return Status::Corruption("read of " + std::to_string(length) + " at " + std::to_string(offset) + " past the end");
    }
    out->assign(data_, offset, length);
    return Status::OK();
  }

 private:
  std::string data_;
};

// ---- table data ----

ColumnVector RandomColumn(const ColumnSchema& schema, size_t rows, size_t max_string, std::mt19937_64& rng) {
  ColumnVector c(schema.type);
  for (size_t i = 0; i < rows; ++i) {
    switch (schema.type) {
      case Type::kBoolean: c.bools.push_back(static_cast<uint8_t>(rng() % 2)); break;
      case Type::kInt32: c.int32s.push_back(static_cast<int32_t>(rng())); break;
      case Type::kInt64: c.int64s.push_back(static_cast<int64_t>(rng() % 1000000)); break;
      case Type::kFloat: c.floats.push_back(static_cast<float>(rng() % 100000) / 7.0f); break;
      case Type::kDouble: c.doubles.push_back(static_cast<double>(static_cast<int64_t>(rng())) / 3.0); break;
      default: {
        const size_t length = max_string == 0 ? 0 : rng() % (max_string + 1);
        std::string s(length, 'a');
        for (char& ch : s) ch = static_cast<char>('a' + rng() % 26);
        c.strings.Append(s);
      }
    }
  }
  if (schema.optional) {
    for (size_t i = 0; i < rows; ++i) c.validity.push_back(rng() % 4 != 0);
  }
  return c;
}

std::vector<ColumnVector> RandomTable(const std::vector<ColumnSchema>& schema, size_t rows, size_t max_string,
                                      std::mt19937_64& rng) {
  std::vector<ColumnVector> columns;
  for (const ColumnSchema& c : schema) columns.push_back(RandomColumn(c, rows, max_string, rng));
  return columns;
}

// Rows [first, first + count) of a column.
ColumnVector Slice(const ColumnVector& in, size_t first, size_t count) {
  ColumnVector out(in.type);
  for (size_t i = first; i < first + count; ++i) {
    if (!in.validity.empty()) out.validity.push_back(in.validity[i]);
    switch (in.type) {
      case Type::kBoolean: out.bools.push_back(in.bools[i]); break;
      case Type::kInt32: out.int32s.push_back(in.int32s[i]); break;
      case Type::kInt64: out.int64s.push_back(in.int64s[i]); break;
      case Type::kFloat: out.floats.push_back(in.floats[i]); break;
      case Type::kDouble: out.doubles.push_back(in.doubles[i]); break;
      default: out.strings.Append(in.strings[i]); break;
    }
  }
  return out;
}

// Row `i` as text, null as "NULL", so columns compare row by row whatever
// their validity vectors look like.
std::string Cell(const ColumnVector& c, size_t i) {
  if (!c.IsValid(i)) return "NULL";
  switch (c.type) {
    case Type::kBoolean: return c.bools[i] ? "true" : "false";
    case Type::kInt32: return std::to_string(c.int32s[i]);
    case Type::kInt64: return std::to_string(c.int64s[i]);
    case Type::kFloat: {
      uint32_t bits;
      std::memcpy(&bits, &c.floats[i], 4);
      return "f" + std::to_string(bits);
    }
    case Type::kDouble: {
      uint64_t bits;
      std::memcpy(&bits, &c.doubles[i], 8);
      return "d" + std::to_string(bits);
    }
    default: return "'" + std::string(c.strings[i]) + "'";
  }
}

::testing::AssertionResult SameRows(const std::vector<ColumnVector>& want, const std::vector<ColumnVector>& got) {
  if (want.size() != got.size()) return ::testing::AssertionFailure() << "column counts differ";
  for (size_t c = 0; c < want.size(); ++c) {
    if (want[c].type != got[c].type) return ::testing::AssertionFailure() << "column " << c << ": types differ";
    if (want[c].size() != got[c].size()) {
      return ::testing::AssertionFailure() << "column " << c << ": " << got[c].size() << " rows, want "
                                           << want[c].size();
    }
    for (size_t i = 0; i < want[c].size(); ++i) {
      if (Cell(want[c], i) != Cell(got[c], i)) {
        return ::testing::AssertionFailure() << "column " << c << " row " << i << ": " << Cell(got[c], i) << ", want "
                                             << Cell(want[c], i);
      }
    }
  }
  return ::testing::AssertionSuccess();
}

void AppendRows(const ColumnVector& in, ColumnVector* out) {
  ColumnVector copy = Slice(in, 0, in.size());
  const size_t before = out->size();
  if (!copy.validity.empty() && out->validity.empty()) out->validity.assign(before, 1);
  if (copy.validity.empty() && !out->validity.empty()) copy.validity.assign(copy.size(), 1);
  out->validity.insert(out->validity.end(), copy.validity.begin(), copy.validity.end());
  out->bools.insert(out->bools.end(), copy.bools.begin(), copy.bools.end());
  out->int32s.insert(out->int32s.end(), copy.int32s.begin(), copy.int32s.end());
  out->int64s.insert(out->int64s.end(), copy.int64s.begin(), copy.int64s.end());
  out->floats.insert(out->floats.end(), copy.floats.begin(), copy.floats.end());
  out->doubles.insert(out->doubles.end(), copy.doubles.begin(), copy.doubles.end());
  for (size_t i = 0; i < copy.strings.size(); ++i) out->strings.Append(copy.strings[i]);
}

// Writes `table` in batches of the sizes `next_batch` returns.
template <typename NextBatch>
std::string WriteTable(const std::vector<ColumnSchema>& schema, const std::vector<ColumnVector>& table,
                       AlignedWriterOptions options, NextBatch next_batch, uint64_t* row_groups = nullptr) {
  StringSink sink;
  AlignedWriter writer(schema, options, &sink);
  const size_t rows = table.empty() ? 0 : table[0].size();
  for (size_t at = 0; at < rows;) {
    const size_t n = std::min(rows - at, next_batch());
    std::vector<ColumnVector> batch;
    for (const ColumnVector& c : table) batch.push_back(Slice(c, at, n));
    const Status st = writer.Append(batch);
    EXPECT_TRUE(st.ok()) << st.ToString();
    at += n;
  }
  const Status st = writer.Finish();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(writer.rows(), rows);
  EXPECT_EQ(writer.bytes_written(), sink.data.size());
  if (row_groups) *row_groups = writer.row_groups();
  return sink.data;
}

uint32_t FooterLength(const std::string& file) {
  uint32_t length = 0;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  return length;
}

// Checks the aligned layout of `file` and returns its rows.
void CheckAlignedFile(const std::string& file, const std::vector<ColumnSchema>& schema, uint32_t unit,
                      std::vector<ColumnVector>* rows) {
  StringSource source(file);
  ASSERT_OK_AND_ASSIGN(FileMetaData metadata, ReadFileMetaData(source, "table.parquet"));
  ASSERT_OK_AND_ASSIGN(std::vector<ColumnSchema> read_schema, FlatSchema(metadata));
  EXPECT_EQ(read_schema, schema);
  EXPECT_EQ(AlignedUnitSize(metadata), unit);
  ASSERT_EQ(file.substr(0, 4), "PAR1");
  ASSERT_EQ(file.substr(file.size() - 4), "PAR1");

  const uint64_t groups = metadata.row_groups.size();
  const uint32_t footer = FooterLength(file);
  if (groups > 0) {
    EXPECT_EQ(file.size(), groups * unit + footer + 8);
  } else {
    EXPECT_EQ(file.size(), 4 + footer + 8);
  }
  rows->clear();
  for (const ColumnSchema& c : schema) rows->emplace_back(c.type);
  int64_t total = 0;
  for (uint64_t g = 0; g < groups; ++g) {
    SCOPED_TRACE("row group " + std::to_string(g));
    const RowGroup& group = metadata.row_groups[g];
    EXPECT_GT(group.num_rows, 0);
    total += group.num_rows;
    const uint64_t unit_start = g * unit, unit_end = (g + 1) * unit;
    for (size_t c = 0; c < schema.size(); ++c) {
      ASSERT_OK_AND_ASSIGN(ChunkRange range, ChunkRangeOf(metadata, g, c, file.size()));
      EXPECT_GE(range.offset, unit_start + (g == 0 ? 4 : 0)) << "column " << c;
      EXPECT_LE(range.offset + range.length, unit_end) << "column " << c;
      EXPECT_EQ(range.num_values, group.num_rows);
    }
    // The unit's trailer is the footer's row group, byte for byte in meaning.
    ASSERT_OK_AND_ASSIGN(RowGroup trailer, ParseUnitTrailer(std::string_view(file).substr(unit_start, unit)));
    EXPECT_EQ(trailer, group);
    EXPECT_EQ(group.ordinal, static_cast<int16_t>(g));
    std::vector<ColumnVector> columns;
    ASSERT_OK(ReadRowGroup(source, metadata, read_schema, g, &columns));
    for (size_t c = 0; c < schema.size(); ++c) AppendRows(columns[c], &(*rows)[c]);
  }
  EXPECT_EQ(total, metadata.num_rows);
}

struct SchemaCase {
  const char* name;
  std::vector<ColumnSchema> schema;
  Codec codec;
  size_t rows;
  size_t max_string;
};

std::vector<SchemaCase> Cases() {
  return {
      {"fixed widths, uncompressed",
       {{"flag", Type::kBoolean, false},
        {"i32", Type::kInt32, false},
        {"i64", Type::kInt64, false},
        {"f", Type::kFloat, false},
        {"d", Type::kDouble, false}},
       Codec::kUncompressed,
       12000,
       0},
      {"strings of varying length, snappy",
       {{"id", Type::kInt64, false}, {"text", Type::kByteArray, false}},
       Codec::kSnappy,
       3000,
       900},
      {"optional columns of every type, zstd",
       {{"flag", Type::kBoolean, true},
        {"i32", Type::kInt32, true},
        {"i64", Type::kInt64, true},
        {"f", Type::kFloat, true},
        {"d", Type::kDouble, true},
        {"s", Type::kByteArray, true}},
       Codec::kZstd,
       9000,
       40},
      {"one narrow column, snappy", {{"b", Type::kBoolean, false}}, Codec::kSnappy, 200000, 0},
  };
}

TEST(AlignedWriterTest, RowGroupsFillUnitsAndReadBack) {
  for (const SchemaCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::mt19937_64 rng(17);
    const std::vector<ColumnVector> table = RandomTable(c.schema, c.rows, c.max_string, rng);
    AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = c.codec;
    uint64_t groups = 0;
    const std::string file = WriteTable(c.schema, table, options, [&] { return 1 + rng() % 2000; }, &groups);
    EXPECT_GT(groups, 1u) << "the case should span several units";
    std::vector<ColumnVector> rows;
    CheckAlignedFile(file, c.schema, kUnit, &rows);
    EXPECT_TRUE(SameRows(table, rows));
  }
}

TEST(AlignedWriterTest, UnitsAreWellFilled) {
  // Not a contract, but a row group far below its unit wastes the drive.
  std::mt19937_64 rng(3);
  const std::vector<ColumnSchema> schema = {{"i64", Type::kInt64, false}, {"d", Type::kDouble, false}};
  const std::vector<ColumnVector> table = RandomTable(schema, 40000, 0, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kUncompressed;
  uint64_t groups = 0;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{1000}; }, &groups);
  StringSource source(file);
  ASSERT_OK_AND_ASSIGN(FileMetaData metadata, ReadFileMetaData(source, "t"));
  for (size_t g = 0; g + 1 < metadata.row_groups.size(); ++g) {
    EXPECT_GT(*metadata.row_groups[g].total_compressed_size, kUnit / 2) << "row group " << g;
  }
}

TEST(AlignedWriterTest, BatchBoundariesDoNotChangeTheData) {
  std::mt19937_64 rng(23);
  const std::vector<ColumnSchema> schema = {
      {"id", Type::kInt64, false}, {"s", Type::kByteArray, true}, {"x", Type::kFloat, true}};
  const std::vector<ColumnVector> table = RandomTable(schema, 4000, 120, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  std::vector<std::vector<ColumnVector>> results;
  std::vector<std::function<size_t()>> batchings = {
      [] { return size_t{1} << 30; },  // one batch
      [] { return size_t{1}; },         // row by row
      [] { return size_t{333}; },
      [&rng] { return 1 + static_cast<size_t>(rng() % 700); },
  };
  for (auto& next : batchings) {
    const std::string file = WriteTable(schema, table, options, next);
    std::vector<ColumnVector> rows;
    CheckAlignedFile(file, schema, kUnit, &rows);
    EXPECT_TRUE(SameRows(table, rows));
  }
}

TEST(AlignedWriterTest, EmptyBatchesAndEmptyTable) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"name", Type::kByteArray, true}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  AlignedWriter writer(schema, options, &sink);
  ASSERT_OK(writer.Append({ColumnVector(Type::kInt64), ColumnVector(Type::kByteArray)}));
  ASSERT_OK(writer.Finish());
  EXPECT_EQ(writer.rows(), 0u);
  EXPECT_EQ(writer.row_groups(), 0u);
  std::vector<ColumnVector> rows;
  CheckAlignedFile(sink.data, schema, kUnit, &rows);
  EXPECT_EQ(rows[0].size(), 0u);
  // Finish twice is harmless; appending after is refused.
  ASSERT_OK(writer.Finish());
  EXPECT_EQ(writer.Append({ColumnVector(Type::kInt64), ColumnVector(Type::kByteArray)}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(AlignedWriterTest, ReadsBackThroughALocalFile) {
  std::mt19937_64 rng(31);
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"v", Type::kDouble, true}};
  const std::vector<ColumnVector> table = RandomTable(schema, 20000, 0, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{5000}; });
  testing::TempDir dir;
  const std::string path = dir.Sub("t.parquet");
  testing::WriteWholeFile(path, file);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<LocalFileSource> source, LocalFileSource::Open(path));
  EXPECT_EQ(source->size(), file.size());
  ASSERT_OK_AND_ASSIGN(FileMetaData metadata, ReadFileMetaData(*source, path));
  ASSERT_OK_AND_ASSIGN(std::vector<ColumnSchema> read_schema, FlatSchema(metadata));
  std::vector<ColumnVector> rows;
  for (const ColumnSchema& c : schema) rows.emplace_back(c.type);
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    std::vector<ColumnVector> columns;
    ASSERT_OK(ReadRowGroup(*source, metadata, read_schema, g, &columns));
    for (size_t c = 0; c < schema.size(); ++c) AppendRows(columns[c], &rows[c]);
  }
  EXPECT_TRUE(SameRows(table, rows));
  // Reads past the end are refused, not short.
  std::string out;
  EXPECT_EQ(source->ReadAt(file.size() - 2, 3, &out).code(), StatusCode::kCorruption);
  EXPECT_FALSE(LocalFileSource::Open(dir.Sub("missing.parquet")).ok());
}

TEST(AlignedWriterTest, NullInARequiredColumnIsRefusedAndWritesNothing) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"x", Type::kInt32, true}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  AlignedWriter writer(schema, options, &sink);
  ColumnVector id(Type::kInt64), x(Type::kInt32);
  id.int64s = {1, 2, 3};
  id.validity = {1, 0, 1};
  x.int32s = {1, 2, 3};
  const Status st = writer.Append({id, x});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'id'"), std::string::npos) << st.message();
  // A validity vector of all ones is no null.
  id.validity = {1, 1, 1};
  x.validity = {0, 0, 1};
  ASSERT_OK(writer.Append({id, x}));
  ASSERT_OK(writer.Finish());
  std::vector<ColumnVector> rows;
  CheckAlignedFile(sink.data, schema, kUnit, &rows);
  ASSERT_EQ(rows[0].size(), 3u);
  EXPECT_EQ(Cell(rows[1], 0), "NULL");
  EXPECT_EQ(Cell(rows[1], 2), "3");
}

TEST(AlignedWriterTest, MalformedBatchesAreRefused) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"x", Type::kInt32, false}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  AlignedWriter writer(schema, options, &sink);
  ColumnVector id(Type::kInt64), x(Type::kInt32), wrong(Type::kDouble);
  id.int64s = {1, 2};
  x.int32s = {1};
  wrong.doubles = {1, 2};
  EXPECT_EQ(writer.Append({id}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer.Append({id, x}).code(), StatusCode::kInvalidArgument);
  const Status st = writer.Append({id, wrong});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'x'"), std::string::npos) << st.message();
  EXPECT_EQ(writer.rows(), 0u);
  ASSERT_OK(writer.Finish());
  EXPECT_EQ(writer.rows(), 0u);
}

// The contract: "a row too large for a unit is InvalidArgument and writes
// nothing of the batch" -- so the writer stays usable for the rows before.
TEST(AlignedWriterTest, RowTooLargeForAUnitIsRefusedByAppend) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"s", Type::kByteArray, false}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kUncompressed;
  AlignedWriter writer(schema, options, &sink);
  ColumnVector id(Type::kInt64), s(Type::kByteArray);
  for (int i = 0; i < 10; ++i) {
    id.int64s.push_back(i);
    s.strings.Append("row " + std::to_string(i));
  }
  ASSERT_OK(writer.Append({id, s}));

  ColumnVector big_id(Type::kInt64), big_s(Type::kByteArray);
  big_id.int64s = {10};
  big_s.strings.Append(std::string(kUnit + 10, 'x'));
  const Status st = writer.Append({big_id, big_s});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();

  // The ten rows before are still written.
  const Status finished = writer.Finish();
  EXPECT_TRUE(finished.ok()) << finished.ToString();
  if (finished.ok()) {
    std::vector<ColumnVector> rows;
    CheckAlignedFile(sink.data, schema, kUnit, &rows);
    EXPECT_TRUE(SameRows({id, s}, rows));
  }
}

TEST(AlignedWriterTest, LoneRowTooLargeForAUnitIsInvalidArgument) {
  const std::vector<ColumnSchema> schema = {{"s", Type::kByteArray, false}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kZstd;
  AlignedWriter writer(schema, options, &sink);
  ColumnVector s(Type::kByteArray);
  s.strings.Append(testing::RandomBytes(kUnit, 1));  // incompressible
  Status st = writer.Append({s});
  // Wherever it is noticed, it must be InvalidArgument, not a broken file.
  if (st.ok()) st = writer.Finish();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("unit"), std::string::npos) << st.message();
}

TEST(AlignedWriterTest, LargestRowThatFits) {
  // A row just under a unit still gets its own row group.
  const std::vector<ColumnSchema> schema = {{"s", Type::kByteArray, false}};
  StringSink sink;
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kUncompressed;
  AlignedWriter writer(schema, options, &sink);
  ColumnVector s(Type::kByteArray);
  s.strings.Append(std::string(kUnit - 1024, 'x'));
  s.strings.Append("small");
  s.strings.Append(std::string(kUnit - 1024, 'y'));
  ASSERT_OK(writer.Append({s}));
  ASSERT_OK(writer.Finish());
  std::vector<ColumnVector> rows;
  CheckAlignedFile(sink.data, schema, kUnit, &rows);
  EXPECT_TRUE(SameRows({s}, rows));
}

TEST(AlignedWriterTest, TrailerDamageIsCorruption) {
  std::mt19937_64 rng(5);
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}};
  const std::vector<ColumnVector> table = RandomTable(schema, 20000, 0, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{20000}; });
  std::string unit = file.substr(0, kUnit);
  ASSERT_OK(ParseUnitTrailer(unit).status());
  std::string bad_magic = unit;
  bad_magic[kUnit - 1] = 'X';
  EXPECT_EQ(ParseUnitTrailer(bad_magic).status().code(), StatusCode::kCorruption);
  std::string bad_length = unit;
  const uint32_t huge = kUnit;
  std::memcpy(&bad_length[kUnit - 8], &huge, 4);
  EXPECT_EQ(ParseUnitTrailer(bad_length).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseUnitTrailer("SRG1").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseUnitTrailer("").status().code(), StatusCode::kCorruption);
  uint32_t length = 0;
  std::memcpy(&length, &unit[kUnit - 8], 4);
  for (uint32_t cut = 1; cut < length; cut += 7) {
    std::string shorter = unit;
    const uint32_t less = length - cut;
    std::memcpy(&shorter[kUnit - 8], &less, 4);
    // A shorter length reads a different slice: refused, or at least not the same row group.
    Result<RowGroup> parsed = ParseUnitTrailer(shorter);
    if (parsed.ok()) {
      EXPECT_NE(*parsed, *ParseUnitTrailer(unit));
    }
  }
}

// ---- the reader's refusals ----

FileMetaData FlatFile(std::vector<SchemaElement> leaves) {
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(leaves.size());
  m.schema.push_back(root);
  for (SchemaElement& e : leaves) m.schema.push_back(std::move(e));
  return m;
}

SchemaElement Leaf(const std::string& name, Type type, Repetition repetition = Repetition::kRequired) {
  SchemaElement e;
  e.name = name;
  e.type = type;
  e.repetition_type = repetition;
  return e;
}

void ExpectRefused(const FileMetaData& m, const std::string& column, const std::string& what) {
  Result<std::vector<ColumnSchema>> schema = FlatSchema(m);
  ASSERT_FALSE(schema.ok()) << column;
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument) << schema.status().ToString();
  EXPECT_NE(schema.status().message().find("'" + column + "'"), std::string::npos) << schema.status().message();
  EXPECT_NE(schema.status().message().find(what), std::string::npos) << schema.status().message();
}

TEST(FlatSchemaTest, ReadsFlatColumns) {
  SchemaElement name = Leaf("name", Type::kByteArray, Repetition::kOptional);
  name.converted_type = kConvertedUtf8;
  SchemaElement small = Leaf("small", Type::kInt32);
  small.logical_type.kind = LogicalKind::kInteger;
  small.logical_type.integer_bit_width = 16;
  small.logical_type.integer_signed = false;  // UINT16 fits an INT32
  const FileMetaData m = FlatFile({Leaf("id", Type::kInt64), name, Leaf("x", Type::kFloat, Repetition::kOptional),
                                   small, Leaf("b", Type::kBoolean), Leaf("d", Type::kDouble)});
  ASSERT_OK_AND_ASSIGN(std::vector<ColumnSchema> schema, FlatSchema(m));
  EXPECT_EQ(schema, (std::vector<ColumnSchema>{{"id", Type::kInt64, false},
                                               {"name", Type::kByteArray, true},
                                               {"x", Type::kFloat, true},
                                               {"small", Type::kInt32, false},
                                               {"b", Type::kBoolean, false},
                                               {"d", Type::kDouble, false}}));
}

TEST(FlatSchemaTest, RefusesWhatStrataCannotRepresent) {
  {
    SchemaElement group;
    group.name = "position";
    group.num_children = 2;
    group.repetition_type = Repetition::kOptional;
    FileMetaData m = FlatFile({Leaf("id", Type::kInt64), group, Leaf("x", Type::kDouble), Leaf("y", Type::kDouble)});
    m.schema[0].num_children = 2;  // id and the group
    ExpectRefused(m, "position", "nested");
  }
  ExpectRefused(FlatFile({Leaf("id", Type::kInt64), Leaf("tags", Type::kByteArray, Repetition::kRepeated)}), "tags",
                "repeated");
  ExpectRefused(FlatFile({Leaf("ts", Type::kInt96)}), "ts", "INT96");
  {
    SchemaElement e = Leaf("uuid", Type::kFixedLenByteArray);
    e.type_length = 16;
    ExpectRefused(FlatFile({e}), "uuid", "FIXED_LEN_BYTE_ARRAY");
  }
  {
    SchemaElement e = Leaf("price", Type::kInt64);
    e.logical_type.kind = LogicalKind::kDecimal;
    e.logical_type.decimal_precision = 10;
    e.logical_type.decimal_scale = 2;
    ExpectRefused(FlatFile({Leaf("id", Type::kInt64), e}), "price", "DECIMAL");
  }
  {
    SchemaElement e = Leaf("legacy_price", Type::kInt32);
    e.converted_type = 5;  // DECIMAL
    e.scale = 2;
    e.precision = 9;
    ExpectRefused(FlatFile({e}), "legacy_price", "DECIMAL");
  }
  {
    SchemaElement e = Leaf("count", Type::kInt64);
    e.logical_type.kind = LogicalKind::kInteger;
    e.logical_type.integer_bit_width = 64;
    e.logical_type.integer_signed = false;
    ExpectRefused(FlatFile({e}), "count", "unsigned");
  }
  {
    SchemaElement e = Leaf("legacy_count", Type::kInt32);
    e.converted_type = 14;  // UINT_32
    ExpectRefused(FlatFile({e}), "legacy_count", "unsigned");
  }
  EXPECT_EQ(FlatSchema(FileMetaData{}).status().code(), StatusCode::kCorruption);
}

TEST(FileReaderTest, DamagedFootersAreCorruption) {
  std::mt19937_64 rng(8);
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}};
  const std::vector<ColumnVector> table = RandomTable(schema, 100, 0, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{100}; });
  {
    StringSource source("PAR1");
    EXPECT_EQ(ReadFileMetaData(source, "tiny").status().code(), StatusCode::kCorruption);
  }
  {
    std::string bad = file;
    bad.back() = '2';
    StringSource source(bad);
    const Status st = ReadFileMetaData(source, "bucket/key").status();
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("bucket/key"), std::string::npos) << st.message();
  }
  {
    std::string bad = file;
    const uint32_t huge = static_cast<uint32_t>(file.size());
    std::memcpy(&bad[bad.size() - 8], &huge, 4);
    StringSource source(bad);
    EXPECT_EQ(ReadFileMetaData(source, "t").status().code(), StatusCode::kCorruption);
  }
  {
    // A footer whose row groups do not add up to its row count.
    StringSource good(file);
    ASSERT_OK_AND_ASSIGN(FileMetaData metadata, ReadFileMetaData(good, "t"));
    metadata.num_rows += 1;
    const std::string footer = SerializeFileMetaData(metadata);
    const uint32_t length = static_cast<uint32_t>(footer.size());
    std::string bad = file.substr(0, file.size() - 8 - FooterLength(file)) + footer;
    bad.append(reinterpret_cast<const char*>(&length), 4);
    bad += "PAR1";
    StringSource source(bad);
    EXPECT_EQ(ReadFileMetaData(source, "t").status().code(), StatusCode::kCorruption);
  }
  {
    // Chunks outside the file, and a row group that does not exist.
    StringSource good(file);
    ASSERT_OK_AND_ASSIGN(FileMetaData metadata, ReadFileMetaData(good, "t"));
    EXPECT_EQ(ChunkRangeOf(metadata, 1, 0, file.size()).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ChunkRangeOf(metadata, 0, 1, file.size()).status().code(), StatusCode::kCorruption);
    FileMetaData moved = metadata;
    moved.row_groups[0].columns[0].meta_data->data_page_offset = static_cast<int64_t>(file.size()) - 2;
    EXPECT_EQ(ChunkRangeOf(moved, 0, 0, file.size()).status().code(), StatusCode::kCorruption);
    FileMetaData counted = metadata;
    counted.row_groups[0].columns[0].meta_data->num_values += 1;
    EXPECT_EQ(ChunkRangeOf(counted, 0, 0, file.size()).status().code(), StatusCode::kCorruption);
    std::vector<ColumnVector> columns;
    EXPECT_FALSE(ReadRowGroup(good, moved, schema, 0, &columns).ok());
  }
}

}  // namespace
}  // namespace strata::parquet
