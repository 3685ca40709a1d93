// The OffsetIndex and the page-index locations of ColumnChunk: they round
// trip, use parquet.thrift's field ids, skip what Strata does not read, and
// refuse what a reader could not use (missing fields, negative or empty
// pages, first rows that do not start at 0 or that go back).
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "strata/parquet/parquet_metadata.h"
#include "strata/parquet/thrift_compact.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

using thrift::CompactWriter;
using thrift::ThriftType;

OffsetIndex ThreePages() {
  OffsetIndex index;
  index.page_locations = {{4, 8219, 0}, {8223, 8230, 1024}, {16453, 3000, 2048}};
  return index;
}

// The bytes of an OffsetIndex whose fields `fill` writes.
template <typename Fill>
std::string Struct(Fill fill) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  fill(w);
  w.EndStruct();
  return out;
}

// One PageLocation struct, as an element of page_locations.
void Location(CompactWriter& w, int64_t offset, int32_t size, int64_t first_row) {
  w.BeginStruct();
  w.I64Field(1, offset);
  w.I32Field(2, size);
  w.I64Field(3, first_row);
  w.EndStruct();
}

std::string ErrorOf(std::string_view bytes) {
  const Result<OffsetIndex> parsed = ParseOffsetIndex(bytes);
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption) << parsed.status().ToString();
  return parsed.status().message();
}

TEST(OffsetIndexTest, RoundTrips) {
  OffsetIndex far;
  far.page_locations = {{std::numeric_limits<int64_t>::max() - 10, std::numeric_limits<int32_t>::max(), 0},
                        {0, 1, std::numeric_limits<int64_t>::max()}};
  for (const OffsetIndex& original : {ThreePages(), OffsetIndex{}, far}) {
    const std::string bytes = SerializeOffsetIndex(original);
    ASSERT_OK_AND_ASSIGN(OffsetIndex parsed, ParseOffsetIndex(bytes));
    EXPECT_EQ(parsed, original);
    EXPECT_EQ(SerializeOffsetIndex(parsed), bytes);
  }
}

TEST(OffsetIndexTest, UsesTheSpecFieldIds) {
  // struct OffsetIndex { 1: required list<PageLocation> page_locations }
  // struct PageLocation { 1: i64 offset, 2: i32 compressed_page_size, 3: i64 first_row_index }
  const std::string want = Struct([](CompactWriter& w) {
    w.BeginListField(1, ThriftType::kStruct, 3);
    Location(w, 4, 8219, 0);
    Location(w, 8223, 8230, 1024);
    Location(w, 16453, 3000, 2048);
  });
  EXPECT_EQ(SerializeOffsetIndex(ThreePages()), want);
}

TEST(OffsetIndexTest, SkipsUnknownFields) {
  const std::string bytes = Struct([](CompactWriter& w) {
    w.BeginListField(1, ThriftType::kStruct, 2);
    w.BeginStruct();
    w.I64Field(1, 4);
    w.I32Field(2, 100);
    w.I64Field(3, 0);
    w.BinaryField(4, "a later field");
    w.BeginStructField(9);
    w.BoolField(1, true);
    w.EndStruct();
    w.EndStruct();
    w.BeginStruct();
    w.I64Field(3, 10);  // any field order
    w.DoubleField(5, 1.5);
    w.I32Field(2, 50);
    w.I64Field(1, 104);
    w.EndStruct();
    // 2: unencoded_byte_array_data_bytes, which Strata does not use.
    w.BeginListField(2, ThriftType::kI64, 2);
    w.WriteI64(700);
    w.WriteI64(300);
    w.FieldHeader(7, ThriftType::kMap);
    w.MapBegin(ThriftType::kBinary, ThriftType::kI32, 1);
    w.WriteBinary("k");
    w.WriteI32(1);
  });
  ASSERT_OK_AND_ASSIGN(OffsetIndex parsed, ParseOffsetIndex(bytes));
  EXPECT_EQ(parsed.page_locations, (std::vector<PageLocation>{{4, 100, 0}, {104, 50, 10}}));
}

TEST(OffsetIndexTest, MissingFieldsAndWrongTypesAreRefused) {
  EXPECT_NE(ErrorOf(Struct([](CompactWriter&) {})).find("OffsetIndex: required field 1 (page_locations) missing"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 1);
              w.BeginStruct();
              w.I64Field(1, 4);
              w.I64Field(3, 0);
              w.EndStruct();
            })).find("PageLocation: required field 2 (compressed_page_size) missing"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 1);
              w.BeginStruct();
              w.I32Field(2, 10);
              w.I64Field(3, 0);
              w.EndStruct();
            })).find("required field 1 (offset)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 1);
              w.BeginStruct();
              w.I64Field(1, 4);
              w.I32Field(2, 10);
              w.EndStruct();
            })).find("required field 3 (first_row_index)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 1);
              w.BeginStruct();
              w.I32Field(1, 4);  // offset is an i64
              w.I32Field(2, 10);
              w.I64Field(3, 0);
              w.EndStruct();
            })).find("expected i64"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kI64, 1);  // locations are structs
              w.WriteI64(4);
            })).find("expected struct"),
            std::string::npos);
}

TEST(OffsetIndexTest, UnusablePagesAreRefused) {
  auto with = [](std::vector<PageLocation> pages) { return SerializeOffsetIndex(OffsetIndex{std::move(pages)}); };
  EXPECT_NE(ErrorOf(with({{-4, 10, 0}})).find("negative"), std::string::npos);
  EXPECT_NE(ErrorOf(with({{4, -10, 0}})).find("negative"), std::string::npos);
  EXPECT_NE(ErrorOf(with({{4, 10, 0}, {14, 10, -3}})).find("negative"), std::string::npos);
  EXPECT_EQ(ErrorOf(with({{4, 10, 0}, {14, 0, 5}})), "OffsetIndex: page 1: compressed_page_size 0");
  EXPECT_EQ(ErrorOf(with({{4, 10, 2}})), "OffsetIndex: page 0: first_row_index 2, not 0");
  EXPECT_EQ(ErrorOf(with({{4, 10, 0}, {14, 10, 9}, {24, 10, 8}})), "OffsetIndex: page 2: first_row_index 8 after 9");
  // Equal first rows give a page no rows; a reader can still use the index.
  ASSERT_OK(ParseOffsetIndex(with({{4, 10, 0}, {14, 10, 0}, {24, 10, 7}})).status());
}

TEST(OffsetIndexTest, TruncationsAndTrailingBytesAreRefused) {
  const std::string bytes = SerializeOffsetIndex(ThreePages());
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_FALSE(ErrorOf(bytes.substr(0, length)).empty()) << "cut at " << length;
  }
  EXPECT_NE(ErrorOf(bytes + "x").find("1 bytes after the end of OffsetIndex"), std::string::npos);
  // A count far beyond the bytes is refused, not allocated.
  EXPECT_FALSE(ErrorOf(Struct([](CompactWriter& w) { w.BeginListField(1, ThriftType::kStruct, 1u << 30); })).empty());
}

TEST(OffsetIndexTest, ColumnChunkCarriesThePageIndexLocations) {
  RowGroup group;
  group.num_rows = 10;
  ColumnChunk& chunk = group.columns.emplace_back();
  chunk.file_offset = 4;
  chunk.offset_index_offset = 1000;
  chunk.offset_index_length = 33;
  chunk.column_index_offset = 1033;
  chunk.column_index_length = 70;
  const std::string bytes = SerializeRowGroup(group);
  ASSERT_OK_AND_ASSIGN(RowGroup parsed, ParseRowGroup(bytes));
  EXPECT_EQ(parsed, group);
  // Fields 4 to 7 of ColumnChunk, in that order and of those types.
  const std::string want = Struct([](CompactWriter& w) {
    w.BeginListField(1, ThriftType::kStruct, 1);
    w.BeginStruct();
    w.I64Field(2, 4);
    w.I64Field(4, 1000);
    w.I32Field(5, 33);
    w.I64Field(6, 1033);
    w.I32Field(7, 70);
    w.EndStruct();
    w.I64Field(2, 0);
    w.I64Field(3, 10);
  });
  EXPECT_EQ(bytes, want);
  // Negative locations are refused like every offset and size.
  for (int field = 4; field <= 7; ++field) {
    RowGroup bad = group;
    ColumnChunk& c = bad.columns[0];
    if (field == 4) c.offset_index_offset = -1;
    if (field == 5) c.offset_index_length = -1;
    if (field == 6) c.column_index_offset = -1;
    if (field == 7) c.column_index_length = -1;
    const Result<RowGroup> refused = ParseRowGroup(SerializeRowGroup(bad));
    ASSERT_FALSE(refused.ok()) << "field " << field;
    EXPECT_NE(refused.status().message().find("ColumnChunk: field " + std::to_string(field) + " is negative"),
              std::string::npos)
        << refused.status().message();
  }
}

}  // namespace
}  // namespace strata::parquet
