// Aligned Parquet: every row group fills exactly one unit, its chunks and
// their offset indexes lie inside that unit and the unit ends with a copy of
// its metadata; the file is still ordinary Parquet whose rows read back as
// appended, however the rows were batched. Also the reader's refusals
// (FlatSchema, a damaged footer). Pages and offset indexes in particular:
// aligned_writer_pages_test.cc.
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

#include "strata/parquet/aligned_writer_test_util.h"
#include "strata/parquet/file_reader.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata::parquet {
namespace {

using namespace aligned_test;

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
