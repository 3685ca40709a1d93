// Pages and offset indexes of aligned Parquet: chunks are cut into pages of
// about AlignedWriterOptions::page_size bytes, each chunk's OffsetIndex sits
// in its unit after the chunks, and a reader holding only the unit can find
// and decode any run of pages of any chunk through the trailer, which is how
// a storage node reads only the pages holding the rows it wants.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/aligned_writer_test_util.h"
#include "strata/parquet/column_chunk.h"
#include "strata/parquet/file_reader.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

using namespace aligned_test;

FileMetaData MetadataOf(const std::string& file) {
  StringSource source(file);
  Result<FileMetaData> metadata = ReadFileMetaData(source, "t");
  EXPECT_TRUE(metadata.ok()) << metadata.status().ToString();
  return metadata.ok() ? *metadata : FileMetaData();
}

// The OffsetIndex of column `c` of a row group, read from its unit alone.
OffsetIndex IndexInUnit(std::string_view unit, uint64_t unit_start, const ColumnChunk& chunk) {
  const std::string_view bytes =
      unit.substr(static_cast<size_t>(*chunk.offset_index_offset - static_cast<int64_t>(unit_start)),
                  static_cast<size_t>(*chunk.offset_index_length));
  Result<OffsetIndex> index = ParseOffsetIndex(bytes);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? *index : OffsetIndex();
}

TEST(AlignedWriterPagesTest, EveryCaseHasSmallPagesAndMatchingOffsetIndexes) {
  for (const SchemaCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::mt19937_64 rng(29);
    const std::vector<ColumnVector> table = RandomTable(c.schema, c.rows, c.max_string, rng);
    AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = c.codec;
    EXPECT_EQ(options.page_size, 8192u);
    const std::string file = WriteTable(c.schema, table, options, [&] { return 1 + rng() % 3000; });
    std::vector<ColumnVector> rows;
    CheckAlignedFile(file, c.schema, kUnit, &rows);  // checks every offset index against its pages
    EXPECT_TRUE(SameRows(table, rows));
    // A chunk of more than 8 KiB of values has more than one page.
    const FileMetaData metadata = MetadataOf(file);
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      for (size_t col = 0; col < c.schema.size(); ++col) {
        const ColumnChunk& chunk = metadata.row_groups[g].columns[col];
        const OffsetIndex index = IndexInUnit(std::string_view(file).substr(g * kUnit, kUnit), g * kUnit, chunk);
        const int64_t data = chunk.meta_data->total_uncompressed_size;
        if (data > 2 * 8192 + 1024) {
          EXPECT_GT(index.page_locations.size(), 1u) << "row group " << g << " col " << col;
        }
        // No page's values are far above the target; the header costs little.
        EXPECT_LT(data / static_cast<int64_t>(index.page_locations.size()), 8192 + 1024 + 64)
            << "row group " << g << " col " << col;
      }
    }
  }
}

TEST(AlignedWriterPagesTest, FixedWidthPagesHoldWholeValues) {
  std::mt19937_64 rng(4);
  const std::vector<ColumnSchema> schema = {{"i64", Type::kInt64, false}, {"f", Type::kFloat, true}};
  const std::vector<ColumnVector> table = RandomTable(schema, 30000, 0, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kUncompressed;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{4096}; });
  const FileMetaData metadata = MetadataOf(file);
  ASSERT_GT(metadata.row_groups.size(), 1u);
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& group = metadata.row_groups[g];
    for (size_t col = 0; col < schema.size(); ++col) {
      const OffsetIndex index =
          IndexInUnit(std::string_view(file).substr(g * kUnit, kUnit), g * kUnit, group.columns[col]);
      const int64_t per_page = col == 0 ? 1024 : 2048;  // 8 KiB of INT64, of FLOAT
      for (size_t p = 0; p < index.page_locations.size(); ++p) {
        EXPECT_EQ(index.page_locations[p].first_row_index, static_cast<int64_t>(p) * per_page);
      }
    }
  }
}

// What a node does: from the unit alone, the trailer, then a chunk's offset
// index, then only the bytes of a run of its pages, decoded to those rows.
TEST(AlignedWriterPagesTest, ARunOfPagesReadFromTheUnitAloneGivesItsRows) {
  std::mt19937_64 rng(12);
  const std::vector<ColumnSchema> schema = {
      {"id", Type::kInt64, false}, {"name", Type::kByteArray, true}, {"x", Type::kDouble, true}};
  const std::vector<ColumnVector> table = RandomTable(schema, 12000, 60, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.codec = Codec::kZstd;
  options.page_size = 2048;  // several pages even in the narrowest chunk
  const std::string file = WriteTable(schema, table, options, [] { return size_t{12000}; });
  const FileMetaData metadata = MetadataOf(file);
  size_t group_first_row = 0;
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const uint64_t unit_start = g * kUnit;
    const std::string_view unit = std::string_view(file).substr(unit_start, kUnit);
    ASSERT_OK_AND_ASSIGN(RowGroup trailer, ParseUnitTrailer(unit));
    for (size_t col = 0; col < schema.size(); ++col) {
      SCOPED_TRACE("row group " + std::to_string(g) + ", column " + std::to_string(col));
      const ColumnChunk& chunk = trailer.columns[col];
      const std::vector<PageLocation> pages = IndexInUnit(unit, unit_start, chunk).page_locations;
      const size_t n = pages.size();
      ASSERT_GT(n, 0u);
      if (g + 1 < metadata.row_groups.size()) {
        EXPECT_GT(n, 2u);  // the last row group may be small
      }
      std::vector<std::pair<size_t, size_t>> runs = {{0, 0}, {0, n - 1}, {n - 1, n - 1}};
      if (n >= 3) runs.insert(runs.end(), {{1, 1}, {1, n - 2}, {n / 2, n / 2 + 1}});
      for (auto [i, j] : runs) {
        const size_t from = static_cast<size_t>(pages[i].offset - static_cast<int64_t>(unit_start));
        const size_t to = static_cast<size_t>(pages[j].offset + pages[j].compressed_page_size -
                                              static_cast<int64_t>(unit_start));
        const int64_t first = pages[i].first_row_index;
        const int64_t end = j + 1 < n ? pages[j + 1].first_row_index : trailer.num_rows;
        ChunkDecodeOptions decode;
        decode.type = schema[col].type;
        decode.optional = schema[col].optional;
        decode.codec = chunk.meta_data->codec;
        decode.num_values = end - first;
        ColumnVector got;
        ChunkDecodeInfo info;
        ASSERT_OK(DecodeColumnChunk(unit.substr(from, to - from), decode, &got, &info));
        EXPECT_EQ(info.pages, static_cast<int>(j - i + 1));
        EXPECT_TRUE(SameRows({Slice(table[col], group_first_row + static_cast<size_t>(first),
                                    static_cast<size_t>(end - first))},
                             {got}))
            << "pages " << i << ".." << j;
      }
    }
    group_first_row += static_cast<size_t>(trailer.num_rows);
  }
  EXPECT_EQ(group_first_row, 12000u);
}

TEST(AlignedWriterPagesTest, PageSizeZeroWritesOnePagePerChunk) {
  for (const SchemaCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::mt19937_64 rng(2);
    const std::vector<ColumnVector> table = RandomTable(c.schema, c.rows, c.max_string, rng);
    AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = c.codec;
    options.page_size = 0;
    const std::string file = WriteTable(c.schema, table, options, [] { return size_t{1000}; });
    std::vector<ColumnVector> rows;
    CheckAlignedFile(file, c.schema, kUnit, &rows);
    EXPECT_TRUE(SameRows(table, rows));
    const FileMetaData metadata = MetadataOf(file);
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      for (const ColumnChunk& chunk : metadata.row_groups[g].columns) {
        const OffsetIndex index = IndexInUnit(std::string_view(file).substr(g * kUnit, kUnit), g * kUnit, chunk);
        ASSERT_EQ(index.page_locations.size(), 1u);
        EXPECT_EQ(index.page_locations[0].compressed_page_size, chunk.meta_data->total_compressed_size);
      }
    }
  }
}

TEST(AlignedWriterPagesTest, RowsPerUnitDropOnlySlightly) {
  // Page headers and offset indexes take room from the rows: about 40 bytes
  // per 8 KiB page, well under 2%.
  std::mt19937_64 rng(6);
  const std::vector<ColumnSchema> schema = {
      {"id", Type::kInt64, false}, {"x", Type::kDouble, true}, {"s", Type::kByteArray, true}};
  const std::vector<ColumnVector> table = RandomTable(schema, 20000, 30, rng);
  auto first_group_rows = [&](size_t page_size, Codec codec) {
    AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = codec;
    options.page_size = page_size;
    return MetadataOf(WriteTable(schema, table, options, [] { return size_t{20000}; })).row_groups[0].num_rows;
  };
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy}) {
    SCOPED_TRACE(CodecName(codec));
    const int64_t one_page = first_group_rows(0, codec);
    const int64_t paged = first_group_rows(8192, codec);
    EXPECT_LE(paged, one_page);
    EXPECT_GE(static_cast<double>(paged), 0.97 * static_cast<double>(one_page))
        << paged << " rows with 8 KiB pages, " << one_page << " with one page a chunk";
  }
}

TEST(AlignedWriterPagesTest, TinyPagesStillFitTheUnit) {
  // 64-byte pages: the headers and indexes are a large share of the unit,
  // which the fitting must account for.
  std::mt19937_64 rng(8);
  const std::vector<ColumnSchema> schema = {{"i32", Type::kInt32, true}, {"s", Type::kByteArray, false}};
  const std::vector<ColumnVector> table = RandomTable(schema, 8000, 20, rng);
  AlignedWriterOptions options;
  options.unit_size = kUnit;
  options.page_size = 64;
  uint64_t groups = 0;
  const std::string file = WriteTable(schema, table, options, [] { return size_t{777}; }, &groups);
  EXPECT_GT(groups, 1u);
  std::vector<ColumnVector> rows;
  CheckAlignedFile(file, schema, kUnit, &rows);
  EXPECT_TRUE(SameRows(table, rows));
}

}  // namespace
}  // namespace strata::parquet
