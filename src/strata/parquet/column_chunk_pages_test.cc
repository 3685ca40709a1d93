// Column chunks of many pages: EncodeColumnChunk cuts a chunk into pages of
// about page_size value bytes, lists them in EncodedChunk::pages, and the
// decoder reads the whole chunk or any run of consecutive pages of it (how a
// node reads only the pages holding the rows it wants) back to exactly those
// rows, for every type, null pattern and codec.
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/column_chunk.h"
#include "strata/parquet/column_chunk_test_util.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

using testing_util::Decode;
using testing_util::Expected;
using testing_util::Nulls;
using testing_util::NullsName;
using testing_util::RandomColumn;
using testing_util::SameColumn;

// The PLAIN value bytes of rows [first, first + count): what page_size bounds.
size_t ValueBytes(const ColumnVector& c, size_t first, size_t count) {
  size_t bytes = 0;
  for (size_t i = first; i < first + count; ++i) {
    if (!c.IsValid(i)) continue;
    switch (c.type) {
      case Type::kInt32:
      case Type::kFloat: bytes += 4; break;
      case Type::kInt64:
      case Type::kDouble: bytes += 8; break;
      case Type::kByteArray: bytes += 4 + c.strings[i].size(); break;
      default: break;
    }
  }
  return bytes;
}

// Rows of page i of `chunk`, from the first rows of it and the next page.
size_t PageRowCount(const EncodedChunk& chunk, size_t i) {
  const int64_t end = i + 1 < chunk.pages.size() ? chunk.pages[i + 1].first_row_index : chunk.num_values;
  return static_cast<size_t>(end - chunk.pages[i].first_row_index);
}

// The pages tile the chunk's bytes and rows, each a parsable data page with
// a CRC whose value count is the rows its location gives it; the page sizes
// follow the rule of ChunkEncodeOptions::page_size. `first` is the chunk's
// first row in `column`.
void CheckPages(const EncodedChunk& chunk, const ColumnVector& column, size_t first, size_t page_size) {
  ASSERT_FALSE(chunk.pages.empty());
  size_t offset = 0;
  for (size_t i = 0; i < chunk.pages.size(); ++i) {
    SCOPED_TRACE("page " + std::to_string(i));
    const PageLocation& page = chunk.pages[i];
    EXPECT_EQ(page.offset, static_cast<int64_t>(offset));
    ASSERT_GT(page.compressed_page_size, 0);
    ASSERT_LE(offset + static_cast<size_t>(page.compressed_page_size), chunk.bytes.size());
    if (i == 0) {
      EXPECT_EQ(page.first_row_index, 0);
    } else {
      EXPECT_GT(page.first_row_index, chunk.pages[i - 1].first_row_index) << "an empty page";
    }
    const std::string_view bytes = std::string_view(chunk.bytes).substr(offset, page.compressed_page_size);
    size_t header_size = 0;
    ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(bytes, &header_size));
    EXPECT_EQ(header_size + static_cast<size_t>(header.compressed_page_size), bytes.size());
    EXPECT_TRUE(header.crc.has_value());
    ASSERT_TRUE(header.data_page_header.has_value());
    const size_t rows = PageRowCount(chunk, i);
    EXPECT_EQ(static_cast<size_t>(header.data_page_header->num_values), rows);
    const bool last = i + 1 == chunk.pages.size();
    if (page_size > 0) {
      const size_t row = first + static_cast<size_t>(page.first_row_index);
      switch (column.type) {
        case Type::kBoolean:
          if (!last) {
            EXPECT_EQ(rows, page_size * 8);
          }
          break;
        case Type::kByteArray:
          // Cut at the value that reaches the target, not before.
          if (!last) {
            EXPECT_GE(ValueBytes(column, row, rows), page_size);
          }
          EXPECT_LT(ValueBytes(column, row, rows - 1), page_size);
          break;
        default: {
          const size_t width = column.type == Type::kInt32 || column.type == Type::kFloat ? 4 : 8;
          if (!last) {
            EXPECT_EQ(rows, std::max<size_t>(1, page_size / width));
          }
        }
      }
    }
    offset += bytes.size();
  }
  EXPECT_EQ(offset, chunk.bytes.size());
}

using PagesParam = std::tuple<Type, bool, Codec>;

class ColumnChunkPagesTest : public ::testing::TestWithParam<PagesParam> {};

TEST_P(ColumnChunkPagesTest, ManyPagesRoundTripWithChunkStatistics) {
  const auto [type, optional, codec] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(type) * 31 + (optional ? 5 : 0) + static_cast<uint64_t>(codec));
  std::vector<Nulls> patterns = {Nulls::kNone};
  if (optional) patterns = {Nulls::kNone, Nulls::kSome, Nulls::kAll};
  // Small pages, so a few hundred rows make many: 128 booleans, 64 INT32,
  // 32 INT64 or about a dozen strings a page.
  const size_t page_size = type == Type::kBoolean ? 16 : 256;
  for (Nulls nulls : patterns) {
    const ColumnVector column = RandomColumn(type, 700, nulls, rng);
    for (auto [first, count] : {std::pair<size_t, size_t>{0, 700}, {3, 601}, {100, 1}, {0, 129}}) {
      SCOPED_TRACE(NullsName(nulls) + ", rows " + std::to_string(first) + "+" + std::to_string(count));
      ChunkEncodeOptions options;
      options.codec = codec;
      options.optional = optional;
      options.page_size = page_size;
      EncodedChunk chunk;
      ASSERT_OK(EncodeColumnChunk(column, first, count, options, &chunk));
      EXPECT_EQ(chunk.num_values, static_cast<int64_t>(count));
      CheckPages(chunk, column, first, page_size);
      if (count > 200 && nulls != Nulls::kAll) {
        EXPECT_GT(chunk.pages.size(), 3u);
      }

      // Statistics are the chunk's, whatever its pages.
      ChunkEncodeOptions one_page = options;
      one_page.page_size = 0;
      EncodedChunk single;
      ASSERT_OK(EncodeColumnChunk(column, first, count, one_page, &single));
      EXPECT_EQ(single.pages.size(), 1u);
      EXPECT_EQ(chunk.statistics, single.statistics);

      ColumnVector decoded;
      ChunkDecodeInfo info;
      ASSERT_OK(Decode(chunk.bytes, type, optional, codec, static_cast<int64_t>(count), &decoded, &info));
      EXPECT_TRUE(SameColumn(Expected(column, first, count), decoded));
      EXPECT_EQ(info.pages, static_cast<int>(chunk.pages.size()));
      EXPECT_TRUE(info.every_page_has_crc);
    }
  }
}

TEST_P(ColumnChunkPagesTest, RunsOfConsecutivePagesDecodeToTheirRows) {
  const auto [type, optional, codec] = GetParam();
  std::mt19937_64 rng(7 + static_cast<uint64_t>(type));
  const ColumnVector column = RandomColumn(type, 400, optional ? Nulls::kSome : Nulls::kNone, rng);
  const size_t first = 11;
  ChunkEncodeOptions options;
  options.codec = codec;
  options.optional = optional;
  options.page_size = type == Type::kBoolean ? 8 : 128;
  EncodedChunk chunk;
  ASSERT_OK(EncodeColumnChunk(column, first, 389, options, &chunk));
  const std::vector<PageLocation>& pages = chunk.pages;
  ASSERT_GT(pages.size(), 3u);
  // Every run [i, j] when there are few pages; runs from both ends and
  // around the middle otherwise, to keep the test quick.
  auto worth_trying = [&](size_t i) { return pages.size() <= 16 || i < 4 || i + 4 >= pages.size() || i % 7 == 0; };
  for (size_t i = 0; i < pages.size(); ++i) {
    if (!worth_trying(i)) continue;
    for (size_t j = i; j < pages.size(); ++j) {
      if (!worth_trying(j)) continue;
      SCOPED_TRACE("pages " + std::to_string(i) + ".." + std::to_string(j));
      const size_t from = static_cast<size_t>(pages[i].offset);
      const size_t to = static_cast<size_t>(pages[j].offset + pages[j].compressed_page_size);
      const size_t row = static_cast<size_t>(pages[i].first_row_index);
      const size_t end_row = j + 1 < pages.size() ? static_cast<size_t>(pages[j + 1].first_row_index) : 389;
      ColumnVector decoded;
      ChunkDecodeInfo info;
      ASSERT_OK(Decode(std::string_view(chunk.bytes).substr(from, to - from), type, optional, codec,
                       static_cast<int64_t>(end_row - row), &decoded, &info));
      EXPECT_TRUE(SameColumn(Expected(column, first + row, end_row - row), decoded));
      EXPECT_EQ(info.pages, static_cast<int>(j - i + 1));
    }
  }
}

// A writer fitting a chunk to a unit tries several row counts with one
// ChunkBuilder; whatever the order of the tries, each layout's bytes, pages
// and statistics are those of a fresh encoding of its rows, and a layout
// stays valid after later tries (the writer may keep an earlier one).
TEST_P(ColumnChunkPagesTest, TriesOfABuilderMatchFreshEncodings) {
  const auto [type, optional, codec] = GetParam();
  std::mt19937_64 rng(19 + static_cast<uint64_t>(type));
  std::vector<Nulls> patterns = {Nulls::kNone};
  if (optional) patterns = {Nulls::kNone, Nulls::kSome, Nulls::kAll};
  for (Nulls nulls : patterns) {
    const ColumnVector column = RandomColumn(type, 700, nulls, rng);
    ChunkEncodeOptions options;
    options.codec = codec;
    options.optional = optional;
    options.page_size = type == Type::kBoolean ? 16 : 256;
    const size_t first = 5;
    ChunkBuilder builder(options);
    builder.Begin(&column, first);
    std::vector<std::pair<size_t, ChunkLayout>> layouts;
    for (size_t count : {300, 450, 299, 695, 1, 0, 512, 64, 600, 600}) {
      SCOPED_TRACE(NullsName(nulls) + ", " + std::to_string(count) + " rows");
      ChunkLayout layout;
      ASSERT_OK(builder.Lay(count, &layout));
      layouts.emplace_back(count, std::move(layout));
    }
    for (const auto& [count, layout] : layouts) {
      SCOPED_TRACE(NullsName(nulls) + ", " + std::to_string(count) + " rows");
      EncodedChunk fresh;
      ASSERT_OK(EncodeColumnChunk(column, first, count, options, &fresh));
      std::string bytes;
      builder.AppendBytes(layout, &bytes);
      EXPECT_EQ(bytes, fresh.bytes);
      EXPECT_EQ(layout.size, fresh.bytes.size());
      EXPECT_EQ(layout.num_values, fresh.num_values);
      EXPECT_EQ(layout.total_uncompressed_size, fresh.total_uncompressed_size);
      EXPECT_EQ(layout.statistics, fresh.statistics);
      EXPECT_EQ(layout.pages, fresh.pages);
    }
  }
}

std::string ParamName(const ::testing::TestParamInfo<PagesParam>& info) {
  const auto [type, optional, codec] = info.param;
  return TypeName(type) + (optional ? "_Optional_" : "_Required_") + CodecName(codec);
}

INSTANTIATE_TEST_SUITE_P(AllTypesAndCodecs, ColumnChunkPagesTest,
                         ::testing::Combine(::testing::Values(Type::kBoolean, Type::kInt32, Type::kInt64, Type::kFloat,
                                                              Type::kDouble, Type::kByteArray),
                                            ::testing::Bool(),
                                            ::testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kZstd)),
                         ParamName);

TEST(ColumnChunkPagesTest, DefaultPagesHoldAbout8KiBOfValues) {
  std::mt19937_64 rng(41);
  for (Type type : {Type::kBoolean, Type::kInt32, Type::kDouble, Type::kByteArray}) {
    SCOPED_TRACE(TypeName(type));
    const size_t rows = type == Type::kBoolean ? 300000 : 20000;
    const ColumnVector column = RandomColumn(type, rows, Nulls::kSome, rng);
    ChunkEncodeOptions options;
    options.optional = true;
    EXPECT_EQ(options.page_size, 8192u);
    EncodedChunk chunk;
    ASSERT_OK(EncodeColumnChunk(column, 0, rows, options, &chunk));
    EXPECT_GE(chunk.pages.size(), 4u);
    CheckPages(chunk, column, 0, options.page_size);
  }
}

TEST(ColumnChunkPagesTest, TinyPagesHoldOneValueEachAndNullsJoinTheNextValue) {
  ColumnVector ints(Type::kInt64);
  ints.int64s = {1, 2, 3, 4, 5};
  ChunkEncodeOptions options;
  options.page_size = 1;
  EncodedChunk chunk;
  ASSERT_OK(EncodeColumnChunk(ints, 0, 5, options, &chunk));
  EXPECT_EQ(chunk.pages.size(), 5u);
  CheckPages(chunk, ints, 0, 1);

  // A null string adds no value bytes: it shares a page with the next value.
  ColumnVector strings(Type::kByteArray);
  for (const char* s : {"a", "", "b", "", "", "c", ""}) strings.strings.Append(s);
  strings.validity = {1, 0, 1, 0, 0, 1, 0};
  options.optional = true;
  ASSERT_OK(EncodeColumnChunk(strings, 0, 7, options, &chunk));
  std::vector<int64_t> first_rows;
  for (const PageLocation& page : chunk.pages) first_rows.push_back(page.first_row_index);
  EXPECT_EQ(first_rows, (std::vector<int64_t>{0, 1, 3, 6}));
  ColumnVector decoded;
  ASSERT_OK(Decode(chunk.bytes, Type::kByteArray, true, Codec::kUncompressed, 7, &decoded));
  EXPECT_TRUE(SameColumn(Expected(strings, 0, 7), decoded));
}

TEST(ColumnChunkPagesTest, ChunkOfNoRowsIsOneEmptyPage) {
  ColumnVector ints(Type::kInt32);
  ChunkEncodeOptions options;
  EncodedChunk chunk;
  ASSERT_OK(EncodeColumnChunk(ints, 0, 0, options, &chunk));
  ASSERT_EQ(chunk.pages.size(), 1u);
  EXPECT_EQ(chunk.pages[0], (PageLocation{0, static_cast<int32_t>(chunk.bytes.size()), 0}));
  ColumnVector decoded;
  ASSERT_OK(Decode(chunk.bytes, Type::kInt32, false, Codec::kUncompressed, 0, &decoded));
  EXPECT_EQ(decoded.size(), 0u);
}

TEST(ColumnChunkPagesTest, DamageNamesThePageAndAShortRunIsRefused) {
  std::mt19937_64 rng(9);
  const ColumnVector column = RandomColumn(Type::kInt32, 500, Nulls::kNone, rng);
  ChunkEncodeOptions options;
  options.codec = Codec::kSnappy;
  options.page_size = 400;  // 100 values a page
  EncodedChunk chunk;
  ASSERT_OK(EncodeColumnChunk(column, 0, 500, options, &chunk));
  ASSERT_EQ(chunk.pages.size(), 5u);
  std::string damaged = chunk.bytes;
  const PageLocation& third = chunk.pages[2];
  damaged[static_cast<size_t>(third.offset + third.compressed_page_size - 1)] ^= 1;
  ColumnVector out;
  Status st = Decode(damaged, Type::kInt32, false, Codec::kSnappy, 500, &out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("page 2"), std::string::npos) << st.message();
  // Two pages' bytes do not hold three pages' rows.
  const std::string_view two = std::string_view(chunk.bytes).substr(0, static_cast<size_t>(chunk.pages[2].offset));
  EXPECT_EQ(Decode(two, Type::kInt32, false, Codec::kSnappy, 300, &out).code(), StatusCode::kCorruption);
  ASSERT_OK(Decode(two, Type::kInt32, false, Codec::kSnappy, 200, &out));
  EXPECT_TRUE(SameColumn(Expected(column, 0, 200), out));
}

}  // namespace
}  // namespace strata::parquet
