// Column chunks written the way other writers write them decode: dictionary
// pages, data pages v2, the DELTA_* and BYTE_STREAM_SPLIT encodings, several
// pages in one chunk, built here by hand from the encoders in encoding.h and
// SerializePageHeader; and page headers that promise absurd value counts are
// refused before anything is sized from them.
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
using testing_util::Le;
using testing_util::SameBits;

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
