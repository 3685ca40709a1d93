// Column chunks: what EncodeColumnChunk writes decodes to the same values for
// every type, null pattern and codec, with the statistics the spec asks for;
// damaged or truncated chunks are refused; and chunks written the way other
// writers write them (dictionaries, data pages v2, the DELTA_* and
// BYTE_STREAM_SPLIT encodings, several pages) decode, built here by hand from
// the encoders in encoding.h and SerializePageHeader.
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

namespace strata::parquet {
namespace {

// ---- building and comparing columns ----

enum class Nulls { kNone, kAllValidVector, kSome, kAll };

std::string NullsName(Nulls n) {
  switch (n) {
    case Nulls::kNone: return "NoValidity";
    case Nulls::kAllValidVector: return "AllValid";
    case Nulls::kSome: return "SomeNull";
    default: return "AllNull";
  }
}

float RandomFloat(std::mt19937_64& rng) {
  static const float kSpecial[] = {0.0f, -0.0f, 1.0f, -1.5f, std::numeric_limits<float>::infinity(),
                                   -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min(),
                                   std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()};
  if (rng() % 4 == 0) return kSpecial[rng() % std::size(kSpecial)];
  return static_cast<float>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 64.0f;
}

double RandomDouble(std::mt19937_64& rng) {
  static const double kSpecial[] = {0.0, -0.0, 1.0, -2.25, std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()};
  if (rng() % 4 == 0) return kSpecial[rng() % std::size(kSpecial)];
  uint64_t bits = rng();
  double d;
  std::memcpy(&d, &bits, 8);
  if (std::isnan(d)) d = 1e300;
  return d;
}

std::string RandomString(std::mt19937_64& rng) {
  const size_t length = rng() % 5 == 0 ? 0 : rng() % 41;
  std::string s(length, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// `n` random values of `type`; null rows still get a (random) slot value, as
// a ColumnVector allows, so the encoder must skip them.
ColumnVector RandomColumn(Type type, size_t n, Nulls nulls, std::mt19937_64& rng) {
  ColumnVector c(type);
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case Type::kBoolean: c.bools.push_back(static_cast<uint8_t>(rng() % 2)); break;
      case Type::kInt32: {
        static const int32_t kEdges[] = {INT32_MIN, INT32_MAX, 0, -1};
        c.int32s.push_back(rng() % 8 == 0 ? kEdges[rng() % 4] : static_cast<int32_t>(rng()));
        break;
      }
      case Type::kInt64: {
        static const int64_t kEdges[] = {INT64_MIN, INT64_MAX, 0, -1};
        c.int64s.push_back(rng() % 8 == 0 ? kEdges[rng() % 4] : static_cast<int64_t>(rng()));
        break;
      }
      case Type::kFloat: c.floats.push_back(RandomFloat(rng)); break;
      case Type::kDouble: c.doubles.push_back(RandomDouble(rng)); break;
      default: c.strings.Append(RandomString(rng)); break;
    }
  }
  switch (nulls) {
    case Nulls::kNone: break;
    case Nulls::kAllValidVector: c.validity.assign(n, 1); break;
    case Nulls::kSome:
      for (size_t i = 0; i < n; ++i) c.validity.push_back(rng() % 3 == 0 ? 0 : 1);
      if (n > 0) c.validity[0] = 0;  // at least one null
      break;
    case Nulls::kAll: c.validity.assign(n, 0); break;
  }
  return c;
}

// Rows [first, first + count) of `in` as the decoder returns them: null
// slots zero (or empty), validity empty when no row is null.
ColumnVector Expected(const ColumnVector& in, size_t first, size_t count) {
  ColumnVector out(in.type);
  bool any_null = false;
  for (size_t i = first; i < first + count; ++i) {
    const bool valid = in.IsValid(i);
    any_null |= !valid;
    out.validity.push_back(valid ? 1 : 0);
    switch (in.type) {
      case Type::kBoolean: out.bools.push_back(valid ? in.bools[i] : 0); break;
      case Type::kInt32: out.int32s.push_back(valid ? in.int32s[i] : 0); break;
      case Type::kInt64: out.int64s.push_back(valid ? in.int64s[i] : 0); break;
      case Type::kFloat: out.floats.push_back(valid ? in.floats[i] : 0.0f); break;
      case Type::kDouble: out.doubles.push_back(valid ? in.doubles[i] : 0.0); break;
      default: out.strings.Append(valid ? in.strings[i] : std::string_view()); break;
    }
  }
  if (!any_null) out.validity.clear();
  return out;
}

template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Equal types, validity and values, floating point compared bit for bit.
::testing::AssertionResult SameColumn(const ColumnVector& want, const ColumnVector& got) {
  if (want.type != got.type) return ::testing::AssertionFailure() << "types differ";
  if (want.validity != got.validity) return ::testing::AssertionFailure() << "validity differs";
  if (want.size() != got.size()) {
    return ::testing::AssertionFailure() << "sizes differ: " << want.size() << " vs " << got.size();
  }
  bool same = true;
  switch (want.type) {
    case Type::kBoolean: same = want.bools == got.bools; break;
    case Type::kInt32: same = want.int32s == got.int32s; break;
    case Type::kInt64: same = want.int64s == got.int64s; break;
    case Type::kFloat: same = SameBits(want.floats, got.floats); break;
    case Type::kDouble: same = SameBits(want.doubles, got.doubles); break;
    default: same = want.strings == got.strings; break;
  }
  if (!same) return ::testing::AssertionFailure() << "values differ";
  return ::testing::AssertionSuccess();
}

template <typename T>
std::string Le(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

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

Status Decode(std::string_view bytes, Type type, bool optional, Codec codec, int64_t rows, ColumnVector* out,
              ChunkDecodeInfo* info = nullptr) {
  ChunkDecodeOptions options;
  options.type = type;
  options.optional = optional;
  options.codec = codec;
  options.num_values = rows;
  ChunkDecodeInfo ignored;
  return DecodeColumnChunk(bytes, options, out, info ? info : &ignored);
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

// ---- chunks other writers produce, built by hand ----

struct PageOptions {
  Codec codec = Codec::kUncompressed;
  bool crc = true;
};

// A v1 data page or dictionary page: `data` is the uncompressed page body.
std::string V1Page(PageHeader header, std::string_view data, PageOptions options = {}) {
  std::string stored;
  if (options.codec == Codec::kUncompressed) {
    stored = std::string(data);
  } else {
    EXPECT_TRUE(Compress(options.codec, data, &stored).ok());
  }
  header.uncompressed_page_size = static_cast<int32_t>(data.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  if (options.crc) header.crc = static_cast<int32_t>(Crc32(stored));
  return SerializePageHeader(header) + stored;
}

std::string DataPageV1(int32_t num_values, Encoding encoding, std::string_view body, PageOptions options = {}) {
  PageHeader header;
  header.type = PageType::kDataPage;
  DataPageHeader data;
  data.num_values = num_values;
  data.encoding = encoding;
  header.data_page_header = data;
  return V1Page(header, body, options);
}

std::string DictionaryPage(int32_t num_values, std::string_view body, PageOptions options = {},
                           Encoding encoding = Encoding::kPlain) {
  PageHeader header;
  header.type = PageType::kDictionaryPage;
  DictionaryPageHeader dict;
  dict.num_values = num_values;
  dict.encoding = encoding;
  header.dictionary_page_header = dict;
  return V1Page(header, body, options);
}

// A v2 data page: levels stay uncompressed, only the values are compressed.
std::string DataPageV2(int32_t num_values, int32_t num_nulls, Encoding encoding, std::string_view levels,
                       std::string_view values, Codec codec, bool is_compressed = true, bool crc = true) {
  std::string stored_values;
  if (codec == Codec::kUncompressed || !is_compressed) {
    stored_values = std::string(values);
  } else {
    EXPECT_TRUE(Compress(codec, values, &stored_values).ok());
  }
  const std::string stored = std::string(levels) + stored_values;
  PageHeader header;
  header.type = PageType::kDataPageV2;
  header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  if (crc) header.crc = static_cast<int32_t>(Crc32(stored));
  DataPageHeaderV2 v2;
  v2.num_values = num_values;
  v2.num_nulls = num_nulls;
  v2.num_rows = num_values;
  v2.encoding = encoding;
  v2.definition_levels_byte_length = static_cast<int32_t>(levels.size());
  v2.repetition_levels_byte_length = 0;
  v2.is_compressed = is_compressed;
  header.data_page_header_v2 = v2;
  return SerializePageHeader(header) + stored;
}

// Definition levels of a flat optional column: RLE hybrid at bit width 1.
std::string Levels(const std::vector<uint8_t>& validity) {
  std::vector<uint32_t> levels(validity.begin(), validity.end());
  std::string out;
  EncodeRleHybrid(levels, 1, &out);
  return out;
}

// The v1 form: a 4-byte little-endian length in front.
std::string V1Levels(const std::vector<uint8_t>& validity) {
  const std::string levels = Levels(validity);
  return Le(static_cast<uint32_t>(levels.size())) + levels;
}

std::string DictionaryIndices(const std::vector<uint32_t>& indices, int bit_width) {
  std::string out(1, static_cast<char>(bit_width));
  EncodeRleHybrid(indices, bit_width, &out);
  return out;
}

template <typename T>
std::string PlainFixed(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string PlainStrings(const std::vector<std::string>& values) {
  ByteArrayValues v;
  for (const std::string& s : values) v.Append(s);
  std::string out;
  EncodePlainByteArrays(v, 0, v.size(), &out);
  return out;
}

TEST(ColumnChunkForeignTest, DictionaryPageAndRleDictionaryDataPage) {
  const std::vector<std::string> dictionary = {"alpha", "", "gamma", "delta-delta"};
  const std::vector<uint32_t> indices = {0, 0, 2, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 2};
  const std::vector<uint8_t> validity = {1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0};  // 14 present
  std::vector<uint32_t> present(indices.begin(), indices.begin() + 14);

  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    for (bool crc : {true, false}) {
      SCOPED_TRACE(CodecName(codec) + (crc ? " with CRCs" : " without CRCs"));
      PageOptions options{codec, crc};
      const std::string chunk =
          DictionaryPage(4, PlainStrings(dictionary), options) +
          DataPageV1(static_cast<int32_t>(validity.size()), Encoding::kRleDictionary,
                     V1Levels(validity) + DictionaryIndices(present, 2), options);
      ColumnVector out;
      ChunkDecodeInfo info;
      ASSERT_OK(Decode(chunk, Type::kByteArray, true, codec, static_cast<int64_t>(validity.size()), &out, &info));
      EXPECT_EQ(info.pages, 2);
      EXPECT_EQ(info.every_page_has_crc, crc);
      ASSERT_EQ(out.size(), validity.size());
      EXPECT_EQ(out.validity, validity);
      size_t next = 0;
      for (size_t r = 0; r < validity.size(); ++r) {
        if (validity[r]) {
          EXPECT_EQ(out.strings[r], dictionary[present[next++]]) << "row " << r;
        } else {
          EXPECT_EQ(out.strings[r], "") << "row " << r;
        }
      }
    }
  }
}

TEST(ColumnChunkForeignTest, PlainDictionaryEncodingOfFixedWidthValues) {
  // The legacy PLAIN_DICTIONARY name, on both pages, for an INT64 column.
  const std::vector<int64_t> dictionary = {INT64_MIN, 42, INT64_MAX};
  const std::vector<uint32_t> indices = {2, 1, 0, 1, 1, 1, 1, 1, 1, 1, 2};
  const std::string chunk = DictionaryPage(3, PlainFixed(dictionary), {}, Encoding::kPlainDictionary) +
                            DataPageV1(static_cast<int32_t>(indices.size()), Encoding::kPlainDictionary,
                                       DictionaryIndices(indices, 2));
  ColumnVector out;
  ASSERT_OK(Decode(chunk, Type::kInt64, false, Codec::kUncompressed, static_cast<int64_t>(indices.size()), &out));
  ASSERT_EQ(out.int64s.size(), indices.size());
  for (size_t i = 0; i < indices.size(); ++i) EXPECT_EQ(out.int64s[i], dictionary[indices[i]]);
  EXPECT_TRUE(out.validity.empty());
}

TEST(ColumnChunkForeignTest, DictionaryThenPlainFallbackPage) {
  // parquet-java falls back to PLAIN when the dictionary grows too large.
  const std::vector<double> dictionary = {1.5, -2.5};
  const std::vector<double> plain = {9.0, 10.0, 11.0};
  const std::string chunk = DictionaryPage(2, PlainFixed(dictionary)) +
                            DataPageV1(4, Encoding::kRleDictionary, DictionaryIndices({1, 0, 0, 1}, 1)) +
                            DataPageV1(3, Encoding::kPlain, PlainFixed(plain));
  ColumnVector out;
  ChunkDecodeInfo info;
  ASSERT_OK(Decode(chunk, Type::kDouble, false, Codec::kUncompressed, 7, &out, &info));
  EXPECT_EQ(info.pages, 3);
  EXPECT_EQ(out.doubles, (std::vector<double>{-2.5, 1.5, 1.5, -2.5, 9.0, 10.0, 11.0}));
}

TEST(ColumnChunkForeignTest, OutOfRangeDictionaryIndexIsCorruption) {
  const std::vector<int32_t> dictionary = {10, 20, 30};
  for (uint32_t bad : {3u, 4u, 7u}) {
    const std::string chunk =
        DictionaryPage(3, PlainFixed(dictionary)) + DataPageV1(4, Encoding::kRleDictionary, DictionaryIndices({0, 1, bad, 2}, 3));
    ColumnVector out;
    const Status st = Decode(chunk, Type::kInt32, false, Codec::kUncompressed, 4, &out);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << bad << ": " << st.ToString();
  }
  const std::vector<std::string> strings = {"a", "b"};
  const std::string chunk =
      DictionaryPage(2, PlainStrings(strings)) + DataPageV1(2, Encoding::kRleDictionary, DictionaryIndices({1, 2}, 2));
  ColumnVector out;
  EXPECT_EQ(Decode(chunk, Type::kByteArray, false, Codec::kUncompressed, 2, &out).code(), StatusCode::kCorruption);
}

TEST(ColumnChunkForeignTest, DictionaryMisuseIsCorruption) {
  const std::vector<int32_t> dictionary = {10, 20};
  ColumnVector out;
  // Indices with no dictionary before them.
  EXPECT_EQ(Decode(DataPageV1(2, Encoding::kRleDictionary, DictionaryIndices({0, 1}, 1)), Type::kInt32, false,
                   Codec::kUncompressed, 2, &out)
                .code(),
            StatusCode::kCorruption);
  // Two dictionaries.
  const std::string two = DictionaryPage(2, PlainFixed(dictionary)) + DictionaryPage(2, PlainFixed(dictionary)) +
                          DataPageV1(2, Encoding::kRleDictionary, DictionaryIndices({0, 1}, 1));
  EXPECT_EQ(Decode(two, Type::kInt32, false, Codec::kUncompressed, 2, &out).code(), StatusCode::kCorruption);
  // A dictionary claiming more values than its page holds.
  const std::string short_dictionary =
      DictionaryPage(5, PlainFixed(dictionary)) + DataPageV1(2, Encoding::kRleDictionary, DictionaryIndices({0, 1}, 1));
  EXPECT_EQ(Decode(short_dictionary, Type::kInt32, false, Codec::kUncompressed, 2, &out).code(),
            StatusCode::kCorruption);
}

TEST(ColumnChunkForeignTest, DataPageV2WithLevelsAndCompressedValues) {
  std::vector<uint8_t> validity;
  std::vector<int32_t> present;
  for (int i = 0; i < 500; ++i) {
    const bool valid = i % 7 != 3;
    validity.push_back(valid);
    if (valid) present.push_back(i * 3 - 700);
  }
  const int32_t nulls = static_cast<int32_t>(validity.size() - present.size());
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    for (bool is_compressed : {true, false}) {
      SCOPED_TRACE(CodecName(codec) + (is_compressed ? "" : ", is_compressed false"));
      const std::string chunk = DataPageV2(static_cast<int32_t>(validity.size()), nulls, Encoding::kPlain,
                                           Levels(validity), PlainFixed(present), codec, is_compressed);
      ColumnVector out;
      ASSERT_OK(Decode(chunk, Type::kInt32, true, codec, static_cast<int64_t>(validity.size()), &out));
      EXPECT_EQ(out.validity, validity);
      size_t next = 0;
      for (size_t r = 0; r < validity.size(); ++r) {
        EXPECT_EQ(out.int32s[r], validity[r] ? present[next++] : 0) << "row " << r;
      }
    }
  }
}

TEST(ColumnChunkForeignTest, DataPageV2RequiredColumnWithNullsIsCorruption) {
  const std::vector<int32_t> values = {1, 2};
  const std::string chunk =
      DataPageV2(3, 1, Encoding::kPlain, Levels({1, 0, 1}), PlainFixed(values), Codec::kUncompressed);
  ColumnVector out;
  EXPECT_EQ(Decode(chunk, Type::kInt32, false, Codec::kUncompressed, 3, &out).code(), StatusCode::kCorruption);
}

TEST(ColumnChunkForeignTest, DataPageV2WithRepetitionLevelsIsRefused) {
  const std::vector<int32_t> values = {1, 2};
  std::string chunk = DataPageV2(2, 0, Encoding::kPlain, "", PlainFixed(values), Codec::kUncompressed);
  // Rebuild the header with repetition levels claimed.
  size_t header_size = 0;
  ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(chunk, &header_size));
  header.data_page_header_v2->repetition_levels_byte_length = 1;
  chunk = SerializePageHeader(header) + chunk.substr(header_size);
  ColumnVector out;
  EXPECT_EQ(Decode(chunk, Type::kInt32, false, Codec::kUncompressed, 2, &out).code(), StatusCode::kInvalidArgument);
}

TEST(ColumnChunkForeignTest, DeltaBinaryPackedIntegers) {
  std::mt19937_64 rng(11);
  std::vector<int64_t> wide;
  for (int i = 0; i < 1000; ++i) wide.push_back(i % 100 == 0 ? INT64_MIN : static_cast<int64_t>(rng() % 5000) - 2500);
  wide.push_back(INT64_MAX);
  std::string body;
  EncodeDeltaBinaryPacked(std::span<const int64_t>(wide), &body);
  for (Codec codec : {Codec::kUncompressed, Codec::kZstd}) {
    const std::string chunk = DataPageV1(static_cast<int32_t>(wide.size()), Encoding::kDeltaBinaryPacked, body,
                                         {codec, true});
    ColumnVector out;
    ASSERT_OK(Decode(chunk, Type::kInt64, false, codec, static_cast<int64_t>(wide.size()), &out));
    EXPECT_EQ(out.int64s, wide);
  }

  std::vector<int32_t> narrow = {INT32_MAX, INT32_MIN, 0, -1, 7, 7, 7, INT32_MAX};
  std::vector<uint8_t> validity = {1, 1, 0, 1, 1, 1, 1, 1, 1, 0};  // 8 present of 10
  std::string narrow_body;
  EncodeDeltaBinaryPacked(std::span<const int32_t>(narrow), &narrow_body);
  const std::string chunk =
      DataPageV1(10, Encoding::kDeltaBinaryPacked, V1Levels(validity) + narrow_body);
  ColumnVector out;
  ASSERT_OK(Decode(chunk, Type::kInt32, true, Codec::kUncompressed, 10, &out));
  EXPECT_EQ(out.validity, validity);
  EXPECT_EQ(out.int32s, (std::vector<int32_t>{INT32_MAX, INT32_MIN, 0, 0, -1, 7, 7, 7, INT32_MAX, 0}));

  // Not for doubles.
  const std::string wrong = DataPageV1(static_cast<int32_t>(wide.size()), Encoding::kDeltaBinaryPacked, body);
  EXPECT_EQ(Decode(wrong, Type::kDouble, false, Codec::kUncompressed, static_cast<int64_t>(wide.size()), &out).code(),
            StatusCode::kInvalidArgument);
}

TEST(ColumnChunkForeignTest, DeltaLengthAndDeltaByteArrayStrings) {
  ByteArrayValues values;
  for (const char* s : {"", "particle", "particles", "particle-7", "p", "", "\xff\x00z"}) values.Append(s);
  for (Encoding encoding : {Encoding::kDeltaLengthByteArray, Encoding::kDeltaByteArray}) {
    std::string body;
    if (encoding == Encoding::kDeltaLengthByteArray) {
      EncodeDeltaLengthByteArray(values, &body);
    } else {
      EncodeDeltaByteArray(values, &body);
    }
    for (Codec codec : {Codec::kUncompressed, Codec::kSnappy}) {
      SCOPED_TRACE(EncodingName(encoding) + " " + CodecName(codec));
      const std::string chunk = DataPageV2(static_cast<int32_t>(values.size()), 0, encoding, "", body, codec);
      ColumnVector out;
      ASSERT_OK(Decode(chunk, Type::kByteArray, false, codec, static_cast<int64_t>(values.size()), &out));
      EXPECT_EQ(out.strings, values);
    }
    const std::string chunk = DataPageV1(static_cast<int32_t>(values.size()), encoding, body);
    ColumnVector out;
    EXPECT_EQ(Decode(chunk, Type::kInt32, false, Codec::kUncompressed, static_cast<int64_t>(values.size()), &out).code(),
              StatusCode::kInvalidArgument);
  }
}

TEST(ColumnChunkForeignTest, ByteStreamSplitFloatsAndDoubles) {
  const std::vector<float> floats = {1.0f, -0.0f, 3.25f, std::numeric_limits<float>::infinity(), 1e-30f};
  const std::vector<double> doubles = {1e300, -0.5, 0.0, 42.0};
  std::string float_body, double_body;
  EncodeByteStreamSplit(floats.data(), floats.size(), 4, &float_body);
  EncodeByteStreamSplit(doubles.data(), doubles.size(), 8, &double_body);

  ColumnVector out;
  ASSERT_OK(Decode(DataPageV1(5, Encoding::kByteStreamSplit, float_body), Type::kFloat, false, Codec::kUncompressed, 5,
                   &out));
  EXPECT_TRUE(SameBits(out.floats, floats));

  // Optional, in a v2 page with nulls and zstd: the streams hold only the present values.
  const std::vector<uint8_t> validity = {0, 1, 1, 0, 1, 1, 0};
  const std::string chunk =
      DataPageV2(7, 3, Encoding::kByteStreamSplit, Levels(validity), double_body, Codec::kZstd);
  ASSERT_OK(Decode(chunk, Type::kDouble, true, Codec::kZstd, 7, &out));
  EXPECT_EQ(out.validity, validity);
  EXPECT_TRUE(SameBits(out.doubles, std::vector<double>{0, 1e300, -0.5, 0, 0.0, 42.0, 0}));

  // A stream length that is not a whole number of values is corrupt.
  ASSERT_FALSE(Decode(DataPageV1(5, Encoding::kByteStreamSplit, float_body.substr(1)), Type::kFloat, false,
                      Codec::kUncompressed, 5, &out)
                   .ok());
  // And strings have no byte stream split.
  EXPECT_EQ(Decode(DataPageV1(5, Encoding::kByteStreamSplit, float_body), Type::kByteArray, false, Codec::kUncompressed,
                   5, &out)
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(ColumnChunkForeignTest, RleBooleans) {
  std::vector<uint32_t> bits;
  for (int i = 0; i < 70; ++i) bits.push_back(i < 20 ? 1 : (i % 3 == 0));
  std::string encoded;
  EncodeRleHybrid(bits, 1, &encoded);
  const std::string body = Le(static_cast<uint32_t>(encoded.size())) + encoded;
  ColumnVector out;
  ASSERT_OK(Decode(DataPageV1(70, Encoding::kRle, body), Type::kBoolean, false, Codec::kUncompressed, 70, &out));
  ASSERT_EQ(out.bools.size(), 70u);
  for (size_t i = 0; i < bits.size(); ++i) EXPECT_EQ(out.bools[i], bits[i]) << i;
  EXPECT_EQ(Decode(DataPageV1(70, Encoding::kRle, body), Type::kInt32, false, Codec::kUncompressed, 70, &out).code(),
            StatusCode::kInvalidArgument);
}

TEST(ColumnChunkForeignTest, SeveralDataPagesMixingEncodingsAndNulls) {
  // Page 1: PLAIN, no nulls. Page 2: v2 DELTA_BINARY_PACKED with nulls.
  // Page 3: v1 PLAIN, all null. Page 4: dictionary-encoded (with its
  // dictionary page in front of page 1, as writers place it).
  const std::vector<int64_t> dictionary = {100, 200};
  const std::vector<int64_t> page1 = {1, 2, 3};
  const std::vector<int64_t> page2 = {-5, -6};
  std::string delta;
  EncodeDeltaBinaryPacked(std::span<const int64_t>(page2), &delta);
  const std::vector<uint8_t> v1 = {1, 1, 1}, v2 = {0, 1, 0, 1}, v3 = {0, 0}, v4 = {1, 0, 1};
  const std::string chunk = DictionaryPage(2, PlainFixed(dictionary), {Codec::kSnappy, true}) +
                            DataPageV1(3, Encoding::kPlain, V1Levels(v1) + PlainFixed(page1), {Codec::kSnappy, true}) +
                            DataPageV2(4, 2, Encoding::kDeltaBinaryPacked, Levels(v2), delta, Codec::kSnappy) +
                            DataPageV1(2, Encoding::kPlain, V1Levels(v3), {Codec::kSnappy, false}) +
                            DataPageV1(3, Encoding::kRleDictionary, V1Levels(v4) + DictionaryIndices({1, 0}, 1),
                                       {Codec::kSnappy, true});
  ColumnVector out;
  ChunkDecodeInfo info;
  ASSERT_OK(Decode(chunk, Type::kInt64, true, Codec::kSnappy, 12, &out, &info));
  EXPECT_EQ(info.pages, 5);
  EXPECT_FALSE(info.every_page_has_crc);
  EXPECT_EQ(out.int64s, (std::vector<int64_t>{1, 2, 3, 0, -5, 0, -6, 0, 0, 200, 0, 100}));
  EXPECT_EQ(out.validity, (std::vector<uint8_t>{1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1}));

  // A required column over several plain pages.
  const std::string required = DataPageV1(3, Encoding::kPlain, PlainFixed(page1)) +
                               DataPageV1(2, Encoding::kPlain, PlainFixed(page2)) +
                               DataPageV2(2, 0, Encoding::kPlain, "", PlainFixed(page2), Codec::kUncompressed);
  ASSERT_OK(Decode(required, Type::kInt64, false, Codec::kUncompressed, 7, &out, &info));
  EXPECT_EQ(info.pages, 3);
  EXPECT_EQ(out.int64s, (std::vector<int64_t>{1, 2, 3, -5, -6, -5, -6}));
  EXPECT_TRUE(out.validity.empty());
  // The page count is checked against the chunk's.
  EXPECT_EQ(Decode(required, Type::kInt64, false, Codec::kUncompressed, 6, &out).code(), StatusCode::kCorruption);
}

TEST(ColumnChunkForeignTest, IndexPagesAreSkipped) {
  PageHeader index;
  index.type = PageType::kIndexPage;
  const std::vector<int32_t> values = {4, 5};
  const std::string chunk = V1Page(index, "opaque") + DataPageV1(2, Encoding::kPlain, PlainFixed(values));
  ColumnVector out;
  ASSERT_OK(Decode(chunk, Type::kInt32, false, Codec::kUncompressed, 2, &out));
  EXPECT_EQ(out.int32s, values);
}

TEST(ColumnChunkForeignTest, UnknownEncodingIsInvalidArgument) {
  const std::vector<int32_t> values = {4, 5};
  ColumnVector out;
  const Status st = Decode(DataPageV1(2, static_cast<Encoding>(77), PlainFixed(values)), Type::kInt32, false,
                           Codec::kUncompressed, 2, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("page 0"), std::string::npos) << st.message();
}

// Headers that promise far more values than the chunk holds must be refused
// (Corruption, or InvalidArgument past Strata's page limit) before anything
// is sized from them. Run in a child process with its address
// space capped, so a decoder that allocates from the header dies there
// instead of taking the machine's memory.
void DecodesWithinMemory(const std::string& chunk, Type type, bool optional, int64_t rows) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "address-space limits do not work under AddressSanitizer";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "address-space limits do not work under AddressSanitizer";
#endif
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        struct rlimit limit {};
        limit.rlim_cur = limit.rlim_max = rlim_t{1} << 30;  // 1 GiB
        setrlimit(RLIMIT_AS, &limit);
        ColumnVector out;
        const Status st = Decode(chunk, type, optional, Codec::kUncompressed, rows, &out);
        std::_Exit(st.ok() ? 3 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ColumnChunkHostileTest, HugeValueCountInAnOptionalV1PageHeader) {
  const std::vector<int32_t> values = {1, 2, 3, 4};
  const std::string chunk =
      DataPageV1(INT32_MAX, Encoding::kPlain, V1Levels({1, 1, 1, 1}) + PlainFixed(values));
  DecodesWithinMemory(chunk, Type::kInt32, true, 4);
}

TEST(ColumnChunkHostileTest, HugeValueCountInAnOptionalV2PageHeader) {
  const std::vector<int32_t> values = {1, 2, 3, 4};
  const std::string chunk =
      DataPageV2(INT32_MAX, 0, Encoding::kPlain, Levels({1, 1, 1, 1}), PlainFixed(values), Codec::kUncompressed);
  DecodesWithinMemory(chunk, Type::kInt32, true, 4);
}

TEST(ColumnChunkHostileTest, HugeBooleanDictionary) {
  const std::string chunk = DictionaryPage(INT32_MAX, std::string(1, '\x01')) +
                            DataPageV1(2, Encoding::kRleDictionary, DictionaryIndices({0, 0}, 1));
  DecodesWithinMemory(chunk, Type::kBoolean, false, 2);
}

TEST(ColumnChunkHostileTest, HugeValueCountInARequiredPageHeader) {
  // Bounded by the chunk's own count: refused without sizing anything.
  std::string delta;
  const std::vector<int64_t> values = {1, 2};
  EncodeDeltaBinaryPacked(std::span<const int64_t>(values), &delta);
  DecodesWithinMemory(DataPageV1(INT32_MAX, Encoding::kDeltaBinaryPacked, delta), Type::kInt64, false, 2);
  DecodesWithinMemory(DataPageV1(INT32_MAX, Encoding::kPlain, "12345678"), Type::kBoolean, false, 2);
}

}  // namespace
}  // namespace strata::parquet
