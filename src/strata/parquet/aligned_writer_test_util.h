// Helpers shared by the aligned-writer tests: in-memory sinks and sources,
// random tables, row-by-row comparison, writing a table in batches, and the
// check of an aligned file's layout (units, trailers, offset indexes) that
// also reads its rows back.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet::aligned_test {

inline constexpr uint32_t kUnit = 64 * 1024;

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
      return Status::Corruption("read of " + std::to_string(length) + " at " + std::to_string(offset) +
                                " past the end");
    }
    out->assign(data_, offset, length);
    return Status::OK();
  }

 private:
  std::string data_;
};

// ---- table data ----

inline ColumnVector RandomColumn(const ColumnSchema& schema, size_t rows, size_t max_string, std::mt19937_64& rng) {
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

inline std::vector<ColumnVector> RandomTable(const std::vector<ColumnSchema>& schema, size_t rows, size_t max_string,
                                      std::mt19937_64& rng) {
  std::vector<ColumnVector> columns;
  for (const ColumnSchema& c : schema) columns.push_back(RandomColumn(c, rows, max_string, rng));
  return columns;
}

// Rows [first, first + count) of a column.
inline ColumnVector Slice(const ColumnVector& in, size_t first, size_t count) {
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
inline std::string Cell(const ColumnVector& c, size_t i) {
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

inline ::testing::AssertionResult SameRows(const std::vector<ColumnVector>& want,
                                           const std::vector<ColumnVector>& got) {
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

inline void AppendRows(const ColumnVector& in, ColumnVector* out) {
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
inline std::string WriteTable(const std::vector<ColumnSchema>& schema, const std::vector<ColumnVector>& table,
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

inline uint32_t FooterLength(const std::string& file) {
  uint32_t length = 0;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  return length;
}

// The offset indexes of the row group in the unit at `unit_start`: they
// follow the chunks in column order, before the trailer, and each lists its
// chunk's pages in order, every one a data page header at its location whose
// value count is the rows its first_row_index gives it, together tiling the
// chunk's bytes and the row group's rows.
inline void CheckOffsetIndexes(const std::string& file, const RowGroup& group, uint64_t unit_start, uint32_t unit) {
  uint32_t trailer_length = 0;
  std::memcpy(&trailer_length, file.data() + unit_start + unit - 8, 4);
  const uint64_t trailer_start = unit_start + unit - 8 - trailer_length;
  const ColumnMetaData& last = *group.columns.back().meta_data;
  uint64_t next_index = static_cast<uint64_t>(last.data_page_offset + last.total_compressed_size);
  for (size_t c = 0; c < group.columns.size(); ++c) {
    SCOPED_TRACE("column " + std::to_string(c));
    const ColumnChunk& chunk = group.columns[c];
    ASSERT_TRUE(chunk.offset_index_offset.has_value());
    ASSERT_TRUE(chunk.offset_index_length.has_value());
    EXPECT_FALSE(chunk.column_index_offset.has_value());
    EXPECT_EQ(static_cast<uint64_t>(*chunk.offset_index_offset), next_index) << "indexes follow the chunks in order";
    next_index = static_cast<uint64_t>(*chunk.offset_index_offset) + static_cast<uint64_t>(*chunk.offset_index_length);
    ASSERT_LE(next_index, trailer_start) << "the index lies inside the unit, before its trailer";
    ASSERT_OK_AND_ASSIGN(OffsetIndex index, ParseOffsetIndex(std::string_view(file).substr(
                                                static_cast<size_t>(*chunk.offset_index_offset),
                                                static_cast<size_t>(*chunk.offset_index_length))));
    ASSERT_FALSE(index.page_locations.empty());
    const ColumnMetaData& meta = *chunk.meta_data;
    int64_t position = meta.data_page_offset;
    int64_t rows = 0;
    for (size_t p = 0; p < index.page_locations.size(); ++p) {
      const PageLocation& page = index.page_locations[p];
      EXPECT_EQ(page.offset, position) << "page " << p;
      EXPECT_EQ(page.first_row_index, rows) << "page " << p;
      size_t header_size = 0;
      const std::string_view page_bytes = std::string_view(file).substr(
          static_cast<size_t>(page.offset), static_cast<size_t>(page.compressed_page_size));
      ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(page_bytes, &header_size));
      EXPECT_EQ(header_size + static_cast<size_t>(header.compressed_page_size),
                static_cast<size_t>(page.compressed_page_size))
          << "page " << p;
      EXPECT_TRUE(header.crc.has_value());
      ASSERT_TRUE(header.data_page_header.has_value()) << "page " << p;
      const int64_t next_first = p + 1 < index.page_locations.size() ? index.page_locations[p + 1].first_row_index
                                                                     : group.num_rows;
      EXPECT_EQ(header.data_page_header->num_values, next_first - page.first_row_index) << "page " << p;
      EXPECT_GT(header.data_page_header->num_values, 0) << "page " << p;
      rows += header.data_page_header->num_values;
      position += page.compressed_page_size;
    }
    EXPECT_EQ(rows, group.num_rows);
    EXPECT_EQ(position, meta.data_page_offset + meta.total_compressed_size) << "the pages fill the chunk";
  }
}

// Checks the aligned layout of `file` and returns its rows.
inline void CheckAlignedFile(const std::string& file, const std::vector<ColumnSchema>& schema, uint32_t unit,
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
    CheckOffsetIndexes(file, group, unit_start, unit);
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

inline std::vector<SchemaCase> Cases() {
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

}  // namespace strata::parquet::aligned_test
