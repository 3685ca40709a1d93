// Column chunks: what EncodeColumnChunk writes decodes to the same values for
// every type, null pattern and codec, with the statistics the spec asks for;
// damaged or truncated chunks are refused. Chunks written the way other
// writers write them are in column_chunk_foreign_test.cc, chunks of many
// pages in column_chunk_pages_test.cc.
#include "strata/parquet/column_chunk.h"

#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "strata/base/checksum.h"
#include "strata/parquet/compression.h"
#include "strata/parquet/encoding.h"
#include "strata/testing/status_macros.h"
#include "strata/parquet/column_chunk_test_util.h"

namespace strata::parquet {
namespace {

using testing_util::Decode;
using testing_util::Expected;
using testing_util::Le;
using testing_util::Nulls;
using testing_util::NullsName;
using testing_util::RandomColumn;
using testing_util::SameBits;
using testing_util::SameColumn;

// The statistics the spec asks for, computed independently of the encoder.
Statistics ExpectedStats(const ColumnVector& c, size_t first, size_t count) {
  Statistics s;
  int64_t nulls = 0;
  bool have = false;
  double dlo = 0, dhi = 0;
  int64_t ilo = 0, ihi = 0;
  std::string slo, shi;
  for (size_t i = first; i < first + count; ++i) {
    if (!c.IsValid(i)) {
      ++nulls;
      continue;
    }
    switch (c.type) {
      case Type::kFloat:
      case Type::kDouble: {
        const double v = c.type == Type::kFloat ? c.floats[i] : c.doubles[i];
        if (std::isnan(v)) break;
        if (!have || v < dlo) dlo = v;
        if (!have || v > dhi) dhi = v;
        have = true;
        break;
      }
      case Type::kByteArray: {
        const std::string v(c.strings[i]);
        if (!have || v < slo) slo = v;
        if (!have || v > shi) shi = v;
        have = true;
        break;
      }
      default: {
        const int64_t v = c.type == Type::kBoolean ? c.bools[i] : c.type == Type::kInt32 ? c.int32s[i] : c.int64s[i];
        if (!have || v < ilo) ilo = v;
        if (!have || v > ihi) ihi = v;
        have = true;
      }
    }
  }
  s.null_count = nulls;
  if (!have) return s;
  if (dlo == 0) dlo = -0.0;
  if (dhi == 0) dhi = 0.0;
  switch (c.type) {
    case Type::kBoolean:
      s.min_value = std::string(1, static_cast<char>(ilo));
      s.max_value = std::string(1, static_cast<char>(ihi));
      break;
    case Type::kInt32:
      s.min_value = Le(static_cast<int32_t>(ilo));
      s.max_value = Le(static_cast<int32_t>(ihi));
      break;
    case Type::kInt64:
      s.min_value = Le(ilo);
      s.max_value = Le(ihi);
      break;
    case Type::kFloat:
      s.min_value = Le(static_cast<float>(dlo));
      s.max_value = Le(static_cast<float>(dhi));
      break;
    case Type::kDouble:
      s.min_value = Le(dlo);
      s.max_value = Le(dhi);
      break;
    default:
      s.min_value = slo;
      s.max_value = shi;
  }
  return s;
}


// ---- round trips ----

using RoundTripParam = std::tuple<Type, bool, Codec>;

class ColumnChunkRoundTripTest : public ::testing::TestWithParam<RoundTripParam> {};

TEST_P(ColumnChunkRoundTripTest, DecodesWhatWasEncodedWithItsStatistics) {
  const auto [type, optional, codec] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(type) * 131 + (optional ? 7 : 0) + static_cast<uint64_t>(codec));
  std::vector<Nulls> patterns = {Nulls::kNone, Nulls::kAllValidVector};
  if (optional) {
    patterns.push_back(Nulls::kSome);
    patterns.push_back(Nulls::kAll);
  }
  for (Nulls nulls : patterns) {
    for (size_t rows : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{1000}}) {
      SCOPED_TRACE(NullsName(nulls) + ", " + std::to_string(rows) + " rows");
      const ColumnVector column = RandomColumn(type, rows, nulls, rng);
      ChunkEncodeOptions options;
      options.codec = codec;
      options.optional = optional;
      options.page_size = 0;  // one page, whose header is checked below; many: column_chunk_pages_test.cc
      EncodedChunk chunk;
      ASSERT_OK(EncodeColumnChunk(column, 0, rows, options, &chunk));
      EXPECT_EQ(chunk.num_values, static_cast<int64_t>(rows));
      EXPECT_GE(chunk.total_uncompressed_size, 0);
      EXPECT_EQ(chunk.statistics, ExpectedStats(column, 0, rows));

      ColumnVector decoded(Type::kInt64);
      decoded.int64s = {1, 2, 3};  // replaced, not appended to
      ChunkDecodeInfo info;
      ASSERT_OK(Decode(chunk.bytes, type, optional, codec, static_cast<int64_t>(rows), &decoded, &info));
      EXPECT_TRUE(SameColumn(Expected(column, 0, rows), decoded));
      EXPECT_EQ(info.pages, rows == 0 ? 0 : 1);
      EXPECT_TRUE(info.every_page_has_crc);

      // The page header's sizes agree with the chunk's accounting.
      size_t header_size = 0;
      ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(chunk.bytes, &header_size));
      EXPECT_EQ(header.type, PageType::kDataPage);
      EXPECT_EQ(header_size + static_cast<size_t>(header.compressed_page_size), chunk.bytes.size());
      EXPECT_EQ(static_cast<int64_t>(header_size) + header.uncompressed_page_size, chunk.total_uncompressed_size);
      ASSERT_TRUE(header.crc.has_value());
      ASSERT_TRUE(header.data_page_header.has_value());
      EXPECT_EQ(header.data_page_header->num_values, static_cast<int32_t>(rows));
      EXPECT_EQ(header.data_page_header->encoding, Encoding::kPlain);
      EXPECT_EQ(chunk.pages, (std::vector<PageLocation>{{0, static_cast<int32_t>(chunk.bytes.size()), 0}}));
    }
  }
}

TEST_P(ColumnChunkRoundTripTest, EncodesARangeOfRows) {
  const auto [type, optional, codec] = GetParam();
  std::mt19937_64 rng(99 + static_cast<uint64_t>(type));
  const ColumnVector column = RandomColumn(type, 300, optional ? Nulls::kSome : Nulls::kNone, rng);
  for (auto [first, count] : {std::pair<size_t, size_t>{0, 300}, {1, 17}, {150, 150}, {299, 1}, {300, 0}, {37, 200}}) {
    SCOPED_TRACE("rows " + std::to_string(first) + "+" + std::to_string(count));
    ChunkEncodeOptions options;
    options.codec = codec;
    options.optional = optional;
    EncodedChunk chunk;
    ASSERT_OK(EncodeColumnChunk(column, first, count, options, &chunk));
    EXPECT_EQ(chunk.statistics, ExpectedStats(column, first, count));
    ColumnVector decoded;
    ASSERT_OK(Decode(chunk.bytes, type, optional, codec, static_cast<int64_t>(count), &decoded));
    EXPECT_TRUE(SameColumn(Expected(column, first, count), decoded));
  }
  EncodedChunk chunk;
  ChunkEncodeOptions options;
  options.optional = optional;
  EXPECT_EQ(EncodeColumnChunk(column, 200, 101, options, &chunk).code(), StatusCode::kInvalidArgument);
}

std::string ParamName(const ::testing::TestParamInfo<RoundTripParam>& info) {
  const auto [type, optional, codec] = info.param;
  return TypeName(type) + (optional ? "_Optional_" : "_Required_") + CodecName(codec);
}

INSTANTIATE_TEST_SUITE_P(AllTypesAndCodecs, ColumnChunkRoundTripTest,
                         ::testing::Combine(::testing::Values(Type::kBoolean, Type::kInt32, Type::kInt64, Type::kFloat,
                                                              Type::kDouble, Type::kByteArray),
                                            ::testing::Bool(),
                                            ::testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kZstd)),
                         ParamName);

TEST(ColumnChunkEncodeTest, RequiredColumnWithANullIsRefused) {
  ColumnVector c(Type::kInt32);
  c.int32s = {1, 2, 3};
  c.validity = {1, 0, 1};
  ChunkEncodeOptions options;
  EncodedChunk chunk;
  const Status st = EncodeColumnChunk(c, 0, 3, options, &chunk);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("row 1"), std::string::npos) << st.message();
  // Rows around the null are fine.
  ASSERT_OK(EncodeColumnChunk(c, 2, 1, options, &chunk));
}

TEST(ColumnChunkEncodeTest, UnwritableTypeIsRefused) {
  ColumnVector c(Type::kInt96);
  ChunkEncodeOptions options;
  EncodedChunk chunk;
  EXPECT_EQ(EncodeColumnChunk(c, 0, 0, options, &chunk).code(), StatusCode::kInvalidArgument);
}

// ---- statistics ----

Statistics StatsOf(const ColumnVector& c, bool optional, size_t max_string_stat = 256) {
  ChunkEncodeOptions options;
  options.optional = optional;
  options.max_string_stat = max_string_stat;
  EncodedChunk chunk;
  EXPECT_TRUE(EncodeColumnChunk(c, 0, c.size(), options, &chunk).ok());
  return chunk.statistics;
}

TEST(ColumnChunkStatisticsTest, IntegersArePlainLittleEndianOverValidRowsOnly) {
  ColumnVector c(Type::kInt32);
  c.int32s = {5, INT32_MIN, -3, INT32_MAX, 7};
  c.validity = {1, 0, 1, 0, 1};  // the extremes are in null slots
  const Statistics s = StatsOf(c, true);
  EXPECT_EQ(s.null_count, 2);
  EXPECT_EQ(s.min_value, Le<int32_t>(-3));
  EXPECT_EQ(s.max_value, Le<int32_t>(7));
  EXPECT_FALSE(s.min.has_value());
  EXPECT_FALSE(s.max.has_value());

  ColumnVector w(Type::kInt64);
  w.int64s = {INT64_MAX, INT64_MIN, 0};
  const Statistics t = StatsOf(w, false);
  EXPECT_EQ(t.null_count, 0);
  EXPECT_EQ(t.min_value, Le<int64_t>(INT64_MIN));
  EXPECT_EQ(t.max_value, Le<int64_t>(INT64_MAX));
}

TEST(ColumnChunkStatisticsTest, BooleansAreOneByte) {
  ColumnVector c(Type::kBoolean);
  c.bools = {1, 1, 0};
  Statistics s = StatsOf(c, false);
  EXPECT_EQ(s.min_value, std::string(1, '\0'));
  EXPECT_EQ(s.max_value, std::string(1, '\1'));
  c.bools = {1, 1};
  s = StatsOf(c, false);
  EXPECT_EQ(s.min_value, std::string(1, '\1'));
  EXPECT_EQ(s.max_value, std::string(1, '\1'));
}

TEST(ColumnChunkStatisticsTest, NaNIsSkipped) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ColumnVector c(Type::kDouble);
  c.doubles = {nan, 2.5, nan, -1.0, nan};
  Statistics s = StatsOf(c, false);
  EXPECT_EQ(s.min_value, Le(-1.0));
  EXPECT_EQ(s.max_value, Le(2.5));

  ColumnVector f(Type::kFloat);
  f.floats = {std::numeric_limits<float>::quiet_NaN(), 3.0f};
  s = StatsOf(f, false);
  EXPECT_EQ(s.min_value, Le(3.0f));
  EXPECT_EQ(s.max_value, Le(3.0f));

  // Only NaN: no min or max at all, rather than NaN.
  c.doubles = {nan, nan};
  s = StatsOf(c, false);
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
  EXPECT_EQ(s.null_count, 0);
}

TEST(ColumnChunkStatisticsTest, SignedZeroRule) {
  // parquet-format: a min of zero is written as -0.0, a max of zero as +0.0.
  struct Case {
    std::vector<double> values;
    double min, max;
  };
  const Case cases[] = {
      {{0.0}, -0.0, 0.0},       {{-0.0}, -0.0, 0.0},     {{0.0, -0.0}, -0.0, 0.0}, {{-0.0, 0.0}, -0.0, 0.0},
      {{-0.0, 5.0}, -0.0, 5.0}, {{-5.0, 0.0}, -5.0, 0.0}, {{-5.0, -0.0}, -5.0, 0.0}, {{0.0, 5.0}, -0.0, 5.0},
  };
  for (const Case& c : cases) {
    ColumnVector d(Type::kDouble);
    d.doubles = c.values;
    const Statistics s = StatsOf(d, false);
    EXPECT_EQ(s.min_value, Le(c.min)) << c.values.size() << " values starting " << c.values[0];
    EXPECT_EQ(s.max_value, Le(c.max)) << c.values.size() << " values starting " << c.values[0];
    ColumnVector f(Type::kFloat);
    for (double v : c.values) f.floats.push_back(static_cast<float>(v));
    const Statistics t = StatsOf(f, false);
    EXPECT_EQ(t.min_value, Le(static_cast<float>(c.min)));
    EXPECT_EQ(t.max_value, Le(static_cast<float>(c.max)));
  }
}

TEST(ColumnChunkStatisticsTest, StringsCompareAsUnsignedBytesAndLongOnesAreLeftOut) {
  ColumnVector c(Type::kByteArray);
  for (const char* s : {"b", "\xff", "a", "", "ab"}) c.strings.Append(s);
  Statistics s = StatsOf(c, false);
  EXPECT_EQ(s.min_value, "");
  EXPECT_EQ(s.max_value, "\xff");

  ColumnVector longer(Type::kByteArray);
  longer.strings.Append("short");
  longer.strings.Append(std::string(300, 'z'));
  s = StatsOf(longer, false);
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
  EXPECT_EQ(s.null_count, 0);
  s = StatsOf(longer, false, 300);
  EXPECT_EQ(s.min_value, "short");
  EXPECT_EQ(s.max_value, std::string(300, 'z'));
}

TEST(ColumnChunkStatisticsTest, AllNullHasACountAndNoBounds) {
  ColumnVector c(Type::kInt64);
  c.int64s = {1, 2, 3};
  c.validity = {0, 0, 0};
  const Statistics s = StatsOf(c, true);
  EXPECT_EQ(s.null_count, 3);
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
}

TEST(ColumnChunkStatisticsTest, StatValuesRoundTrip) {
  ColumnVector c(Type::kInt32);
  c.int32s = {-7};
  double d = 0;
  int64_t i = 0;
  ASSERT_TRUE(DecodeStatNumber(Type::kInt32, EncodeStatValue(Type::kInt32, c, 0), &d, &i));
  EXPECT_EQ(i, -7);
  ColumnVector f(Type::kFloat);
  f.floats = {1.5f};
  ASSERT_TRUE(DecodeStatNumber(Type::kFloat, EncodeStatValue(Type::kFloat, f, 0), &d, &i));
  EXPECT_EQ(d, 1.5);
  ColumnVector b(Type::kBoolean);
  b.bools = {1};
  ASSERT_TRUE(DecodeStatNumber(Type::kBoolean, EncodeStatValue(Type::kBoolean, b, 0), &d, &i));
  EXPECT_EQ(i, 1);
  ColumnVector s(Type::kByteArray);
  s.strings.Append("xyz");
  EXPECT_EQ(EncodeStatValue(Type::kByteArray, s, 0), "xyz");
  // Wrong lengths and NaN are not numbers a pruner may use.
  EXPECT_FALSE(DecodeStatNumber(Type::kInt64, "1234", &d, &i));
  EXPECT_FALSE(DecodeStatNumber(Type::kInt32, "12345", &d, &i));
  EXPECT_FALSE(DecodeStatNumber(Type::kDouble, Le(std::numeric_limits<double>::quiet_NaN()), &d, &i));
  EXPECT_FALSE(DecodeStatNumber(Type::kByteArray, "x", &d, &i));
}

// ---- damage ----

EncodedChunk EncodeSample(Type type, bool optional, Codec codec, size_t rows = 200) {
  std::mt19937_64 rng(5);
  const ColumnVector column = RandomColumn(type, rows, optional ? Nulls::kSome : Nulls::kNone, rng);
  ChunkEncodeOptions options;
  options.codec = codec;
  options.optional = optional;
  EncodedChunk chunk;
  EXPECT_TRUE(EncodeColumnChunk(column, 0, rows, options, &chunk).ok());
  return chunk;
}

TEST(ColumnChunkDamageTest, FlippedPageByteIsACrcMismatch) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd}) {
    for (Type type : {Type::kInt32, Type::kByteArray, Type::kDouble}) {
      const EncodedChunk chunk = EncodeSample(type, true, codec);
      size_t header_size = 0;
      ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(chunk.bytes, &header_size));
      (void)header;
      for (size_t at : {header_size, header_size + 1, (header_size + chunk.bytes.size()) / 2, chunk.bytes.size() - 1}) {
        for (int bit : {0, 7}) {
          std::string damaged = chunk.bytes;
          damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
          ColumnVector out;
          const Status st = Decode(damaged, type, true, codec, chunk.num_values, &out);
          EXPECT_EQ(st.code(), StatusCode::kCorruption) << CodecName(codec) << " byte " << at << ": " << st.ToString();
          EXPECT_NE(st.message().find("CRC"), std::string::npos) << st.message();
          EXPECT_NE(st.message().find("page 0"), std::string::npos) << st.message();
        }
      }
    }
  }
}

TEST(ColumnChunkDamageTest, EveryTruncationIsRefused) {
  for (Codec codec : {Codec::kUncompressed, Codec::kZstd}) {
    for (bool optional : {false, true}) {
      const EncodedChunk chunk = EncodeSample(Type::kByteArray, optional, codec, 50);
      for (size_t length = 0; length < chunk.bytes.size(); ++length) {
        ColumnVector out;
        const Status st =
            Decode(std::string_view(chunk.bytes).substr(0, length), Type::kByteArray, optional, codec, 50, &out);
        EXPECT_FALSE(st.ok()) << "cut at " << length;
        EXPECT_EQ(st.code(), StatusCode::kCorruption) << "cut at " << length << ": " << st.ToString();
      }
    }
  }
}

TEST(ColumnChunkDamageTest, ValueCountMustMatchThePages) {
  const EncodedChunk chunk = EncodeSample(Type::kInt64, false, Codec::kUncompressed, 10);
  ColumnVector out;
  // More rows than the page holds: the chunk ends early.
  EXPECT_EQ(Decode(chunk.bytes, Type::kInt64, false, Codec::kUncompressed, 11, &out).code(), StatusCode::kCorruption);
  // Fewer: the page holds more values than the chunk declares.
  EXPECT_EQ(Decode(chunk.bytes, Type::kInt64, false, Codec::kUncompressed, 9, &out).code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode(chunk.bytes, Type::kInt64, false, Codec::kUncompressed, -1, &out).code(), StatusCode::kCorruption);
  // Zero rows need no bytes at all.
  ASSERT_OK(Decode("", Type::kInt64, false, Codec::kUncompressed, 0, &out));
  EXPECT_EQ(out.size(), 0u);
}

TEST(ColumnChunkDamageTest, UnsupportedTypeAndCodecAreInvalidArgument) {
  const EncodedChunk chunk = EncodeSample(Type::kInt32, false, Codec::kUncompressed, 10);
  ColumnVector out;
  EXPECT_EQ(Decode(chunk.bytes, Type::kInt96, false, Codec::kUncompressed, 10, &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Decode(chunk.bytes, Type::kFixedLenByteArray, false, Codec::kUncompressed, 10, &out).code(),
            StatusCode::kInvalidArgument);
  const EncodedChunk compressed = EncodeSample(Type::kInt32, false, Codec::kSnappy, 10);
  EXPECT_EQ(Decode(compressed.bytes, Type::kInt32, false, Codec::kLzo, 10, &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Decode(compressed.bytes, Type::kInt32, false, Codec::kBrotli, 10, &out).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::parquet
