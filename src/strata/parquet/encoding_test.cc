// PLAIN, the RLE / bit-packing hybrid, dictionary indices and lookups, and
// BYTE_STREAM_SPLIT: the spec's byte-for-byte examples, round trips over
// random values and every bit width, and damaged input refused without a crash.
// The DELTA_* encodings are tested in delta_test.cc.
#include "strata/parquet/encoding.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// Values below 2^width, in runs of random length so both run kinds appear.
std::vector<uint32_t> RandomLevels(size_t n, int width, std::mt19937_64& rng) {
  const uint64_t limit = uint64_t{1} << width;
  std::vector<uint32_t> values;
  while (values.size() < n) {
    const uint32_t value = static_cast<uint32_t>(rng() % limit);
    const size_t run = rng() % 3 == 0 ? 1 + rng() % 40 : 1;
    for (size_t i = 0; i < run && values.size() < n; ++i) values.push_back(value);
  }
  return values;
}

TEST(BitWidthTest, CountsSignificantBits) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(7), 3);
  EXPECT_EQ(BitWidth(8), 4);
  EXPECT_EQ(BitWidth(UINT32_MAX), 32);
  EXPECT_EQ(BitWidth(UINT64_MAX), 64);
}

// Encodings.md: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
TEST(RleHybridTest, SpecBitPackingExample) {
  const std::string data = Bytes({0x03, 0x88, 0xC6, 0xFA});
  uint32_t out[8];
  ASSERT_OK(DecodeRleHybrid(data, 3, 8, out));
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);

  const std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string encoded;
  EncodeRleHybrid(values, 3, &encoded);
  EXPECT_EQ(encoded, data);
}

TEST(RleHybridTest, RleRunsUseWholeBytesPerValue) {
  // Ten 5s at width 3 (one value byte), then four 0x0ABC at width 12 (two).
  uint32_t out[10];
  ASSERT_OK(DecodeRleHybrid(Bytes({0x14, 0x05}), 3, 10, out));
  for (uint32_t v : out) EXPECT_EQ(v, 5u);
  ASSERT_OK(DecodeRleHybrid(Bytes({0x08, 0xBC, 0x0A}), 12, 4, out));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], 0x0ABCu);

  std::string encoded;
  EncodeRleHybrid(std::vector<uint32_t>(10, 5), 3, &encoded);
  EXPECT_EQ(encoded, Bytes({0x14, 0x05}));
}

TEST(RleHybridTest, RoundTripsEveryBitWidth) {
  std::mt19937_64 rng(1);
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {0, 1, 7, 8, 9, 63, 500, 4099}) {
      const std::vector<uint32_t> values = RandomLevels(n, width, rng);
      std::string encoded;
      EncodeRleHybrid(values, width, &encoded);
      std::vector<uint32_t> decoded(n + 1, 0xdeadbeef);
      const Status status = DecodeRleHybrid(encoded, width, n, decoded.data());
      ASSERT_TRUE(status.ok()) << "width " << width << " n " << n << ": " << status.ToString();
      EXPECT_EQ(decoded.back(), 0xdeadbeef) << "wrote past count";
      decoded.pop_back();
      ASSERT_EQ(decoded, values) << "width " << width << " n " << n;
    }
  }
}

TEST(RleHybridTest, CountMayEndInsideARun) {
  std::mt19937_64 rng(2);
  for (int width : {1, 5, 12, 32}) {
    const std::vector<uint32_t> values = RandomLevels(1000, width, rng);
    std::string encoded;
    EncodeRleHybrid(values, width, &encoded);
    for (size_t count : {1, 3, 8, 13, 500, 999}) {
      std::vector<uint32_t> decoded(count);
      ASSERT_OK(DecodeRleHybrid(encoded, width, count, decoded.data()));
      EXPECT_TRUE(std::equal(decoded.begin(), decoded.end(), values.begin())) << width << " " << count;
    }
  }
}

TEST(RleHybridTest, TruncatedStreamsAreRefusedOrExact) {
  std::mt19937_64 rng(3);
  for (int width : {1, 3, 8, 17, 32}) {
    const std::vector<uint32_t> values = RandomLevels(300, width, rng);
    std::string encoded;
    EncodeRleHybrid(values, width, &encoded);
    for (size_t cut = 0; cut < encoded.size(); ++cut) {
      // Exact copy so any read past the cut is a read past the allocation.
      const std::string prefix = encoded.substr(0, cut);
      std::vector<uint32_t> decoded(values.size());
      const Status status = DecodeRleHybrid(prefix, width, values.size(), decoded.data());
      // A cut inside the final group's padding loses nothing.
      if (status.ok()) {
        EXPECT_EQ(decoded, values) << "width " << width << " cut " << cut;
      } else {
        EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
      }
    }
    std::vector<uint32_t> decoded(values.size());
    EXPECT_FALSE(DecodeRleHybrid(encoded.substr(0, encoded.size() / 2), width, values.size(), decoded.data()).ok());
  }
}

TEST(RleHybridTest, RefusesBadInput) {
  uint32_t out[16];
  // An RLE run of width 1 whose value is 2.
  EXPECT_EQ(DecodeRleHybrid(Bytes({0x10, 0x02}), 1, 8, out).code(), StatusCode::kCorruption);
  // Runs that end before the count.
  EXPECT_EQ(DecodeRleHybrid(Bytes({0x10, 0x01}), 1, 9, out).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRleHybrid("", 4, 1, out).code(), StatusCode::kCorruption);
  // A varint header that never ends, and one longer than 64 bits.
  EXPECT_EQ(DecodeRleHybrid(Bytes({0x80, 0x80}), 4, 1, out).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRleHybrid(std::string(11, '\xff'), 4, 1, out).code(), StatusCode::kCorruption);
  // A bit-packed run of 2^60 groups with three bytes behind it.
  EXPECT_EQ(DecodeRleHybrid(Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 1, 2, 3}), 8, 16, out).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeRleHybrid(Bytes({0x03, 0}), 33, 8, out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeRleHybrid(Bytes({0x03, 0}), -1, 8, out).code(), StatusCode::kInvalidArgument);
  // Nothing wanted, nothing read.
  ASSERT_OK(DecodeRleHybrid("", 4, 0, out));
}

TEST(RleHybridTest, ZeroLengthRunsAreSkipped) {
  uint32_t out[3];
  ASSERT_OK(DecodeRleHybrid(Bytes({0x00, 0x01, 0x01, 0x06, 0x01}), 1, 3, out));
  EXPECT_EQ(out[0] + out[1] + out[2], 3u);
}

TEST(DictionaryTest, IndicesCarryTheirBitWidth) {
  std::mt19937_64 rng(4);
  const std::vector<uint32_t> indices = RandomLevels(777, 10, rng);
  std::string page(1, 10);
  EncodeRleHybrid(indices, 10, &page);
  std::vector<uint32_t> decoded(indices.size());
  ASSERT_OK(DecodeDictionaryIndices(page, indices.size(), decoded.data()));
  EXPECT_EQ(decoded, indices);

  EXPECT_EQ(DecodeDictionaryIndices(Bytes({33, 0x02, 0}), 1, decoded.data()).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeDictionaryIndices("", 1, decoded.data()).code(), StatusCode::kCorruption);
  ASSERT_OK(DecodeDictionaryIndices("", 0, decoded.data()));
  // Width 0: a one-entry dictionary.
  ASSERT_OK(DecodeDictionaryIndices(Bytes({0, 0x0A}), 5, decoded.data()));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(decoded[i], 0u);
}

TEST(DictionaryTest, GathersFixedWidthEntries) {
  for (size_t width : {1, 2, 3, 4, 8, 12, 16, 20}) {
    std::string dictionary(5 * width, 0);
    for (size_t i = 0; i < dictionary.size(); ++i) dictionary[i] = static_cast<char>(i);
    const std::vector<uint32_t> indices = {4, 0, 0, 3, 1, 2, 4};
    std::string out(indices.size() * width, '?');
    ASSERT_OK(GatherDictionaryFixed(dictionary.data(), 5, width, indices, out.data()));
    for (size_t i = 0; i < indices.size(); ++i) {
      EXPECT_EQ(out.substr(i * width, width), dictionary.substr(indices[i] * width, width)) << width;
    }
    const std::vector<uint32_t> bad = {0, 5};
    std::string untouched(2 * width, '?');
    EXPECT_EQ(GatherDictionaryFixed(dictionary.data(), 5, width, bad, untouched.data()).code(),
              StatusCode::kCorruption);
    EXPECT_EQ(untouched, std::string(2 * width, '?'));
  }
  ASSERT_OK(GatherDictionaryFixed(nullptr, 0, 4, {}, nullptr));
}

TEST(DictionaryTest, GathersByteArrays) {
  ByteArrayValues dictionary;
  for (const char* s : {"", "alpha", "be", "gamma-ray"}) dictionary.Append(s);
  ByteArrayValues out;
  out.Append("kept");
  const std::vector<uint32_t> indices = {3, 0, 1, 1, 2};
  ASSERT_OK(GatherDictionaryByteArrays(dictionary, indices, &out));
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0], "kept");
  for (size_t i = 0; i < indices.size(); ++i) EXPECT_EQ(out[i + 1], dictionary[indices[i]]);
  const std::vector<uint32_t> bad = {4};
  EXPECT_EQ(GatherDictionaryByteArrays(dictionary, bad, &out).code(), StatusCode::kCorruption);
  EXPECT_EQ(out.size(), 6u);
}

TEST(PlainTest, FixedWidthIsACopy) {
  const std::vector<int32_t> values = {1, -2, 3, INT32_MIN, INT32_MAX};
  std::string data(reinterpret_cast<const char*>(values.data()), values.size() * 4);
  data += "tail";
  std::vector<int32_t> decoded(values.size());
  size_t consumed = 0;
  ASSERT_OK(DecodePlainFixed(data, values.size(), 4, decoded.data(), &consumed));
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(consumed, 20u);
  EXPECT_EQ(DecodePlainFixed(data, 7, 4, decoded.data(), &consumed).code(), StatusCode::kCorruption);
  // A count whose byte size overflows.
  EXPECT_EQ(DecodePlainFixed(data, SIZE_MAX / 2, 4, decoded.data(), &consumed).code(), StatusCode::kCorruption);
  ASSERT_OK(DecodePlainFixed("", 0, 12, nullptr, &consumed));
  EXPECT_EQ(consumed, 0u);
}

TEST(PlainTest, BooleansArePackedLsbFirst) {
  const std::vector<uint8_t> values = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  std::string encoded;
  EncodePlainBooleans(values, &encoded);
  EXPECT_EQ(encoded, Bytes({0x0D, 0x01}));
  std::vector<uint8_t> decoded(values.size());
  size_t consumed = 0;
  ASSERT_OK(DecodePlainBooleans(encoded, values.size(), decoded.data(), &consumed));
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(consumed, 2u);
  EXPECT_EQ(DecodePlainBooleans(encoded, 17, decoded.data(), &consumed).code(), StatusCode::kCorruption);

  std::mt19937_64 rng(5);
  for (size_t n = 0; n < 70; ++n) {
    std::vector<uint8_t> random(n);
    for (auto& v : random) v = rng() & 1;
    std::string bits;
    EncodePlainBooleans(random, &bits);
    ASSERT_EQ(bits.size(), (n + 7) / 8);
    std::vector<uint8_t> back(n);
    ASSERT_OK(DecodePlainBooleans(bits, n, back.data(), &consumed));
    EXPECT_EQ(back, random);
  }
}

TEST(PlainTest, ByteArraysRoundTripAndAppend) {
  ByteArrayValues values;
  for (const char* s : {"", "a", "parquet", "", "strata"}) values.Append(s);
  std::string encoded;
  EncodePlainByteArrays(values, 0, values.size(), &encoded);
  EXPECT_EQ(encoded.substr(0, 9), Bytes({0, 0, 0, 0, 1, 0, 0, 0, 'a'}));

  ByteArrayValues decoded;
  decoded.Append("first");
  size_t consumed = 0;
  ASSERT_OK(DecodePlainByteArrays(encoded + "xyz", values.size(), &decoded, &consumed));
  EXPECT_EQ(consumed, encoded.size());
  ASSERT_EQ(decoded.size(), 6u);
  EXPECT_EQ(decoded[0], "first");
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(decoded[i + 1], values[i]);

  std::string middle;
  EncodePlainByteArrays(values, 2, 2, &middle);
  EXPECT_EQ(middle, Bytes({7, 0, 0, 0}) + "parquet" + Bytes({0, 0, 0, 0}));
}

TEST(PlainTest, TruncatedByteArraysLeaveOutputUnchanged) {
  ByteArrayValues values;
  for (const char* s : {"one", "", "three", "fourteen"}) values.Append(s);
  std::string encoded;
  EncodePlainByteArrays(values, 0, values.size(), &encoded);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    const std::string prefix = encoded.substr(0, cut);
    ByteArrayValues out;
    out.Append("x");
    size_t consumed = 0;
    EXPECT_EQ(DecodePlainByteArrays(prefix, values.size(), &out, &consumed).code(), StatusCode::kCorruption);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(out.bytes, "x");
  }
  // A length that claims more than is left.
  ByteArrayValues out;
  size_t consumed = 0;
  EXPECT_FALSE(DecodePlainByteArrays(Bytes({0xff, 0xff, 0xff, 0x7f, 'a'}), 1, &out, &consumed).ok());
}

TEST(PlainTest, HugeCountIsRefusedBeforeAllocating) {
  ByteArrayValues out;
  size_t consumed = 0;
  EXPECT_EQ(DecodePlainByteArrays(std::string(10, '\0'), size_t{1} << 31, &out, &consumed).code(),
            StatusCode::kCorruption);
  EXPECT_LT(out.offsets.capacity(), 1024u);
  EXPECT_LT(out.bytes.capacity(), 1024u);
}

// Encodings.md: AA BB CC DD | 00 11 22 33 | A3 B4 C5 D6 split into streams.
TEST(ByteStreamSplitTest, SpecExample) {
  const std::string values = Bytes({0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6});
  const std::string split = Bytes({0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6});
  std::string encoded;
  EncodeByteStreamSplit(values.data(), 3, 4, &encoded);
  EXPECT_EQ(encoded, split);
  std::string decoded(12, 0);
  size_t consumed = 0;
  ASSERT_OK(DecodeByteStreamSplit(split, 3, 4, decoded.data(), &consumed));
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(consumed, 12u);
}

TEST(ByteStreamSplitTest, RoundTripsAnyWidth) {
  std::mt19937_64 rng(6);
  for (size_t width : {1, 2, 3, 4, 8, 12, 16}) {
    for (size_t n : {0, 1, 5, 1000}) {
      std::string values(n * width, 0);
      for (char& c : values) c = static_cast<char>(rng());
      std::string encoded;
      EncodeByteStreamSplit(values.data(), n, width, &encoded);
      std::string decoded(n * width, 0);
      size_t consumed = 0;
      ASSERT_OK(DecodeByteStreamSplit(encoded, n, width, decoded.data(), &consumed));
      EXPECT_EQ(decoded, values) << width << " " << n;
      // Fewer values than the page holds read the same streams.
      if (n > 1) {
        std::string first(width, 0);
        ASSERT_OK(DecodeByteStreamSplit(encoded, 1, width, first.data(), &consumed));
        EXPECT_EQ(first, values.substr(0, width));
      }
    }
  }
}

TEST(ByteStreamSplitTest, RefusesBadSizes) {
  std::string out(64, 0);
  size_t consumed = 0;
  EXPECT_EQ(DecodeByteStreamSplit(std::string(10, 'x'), 2, 4, out.data(), &consumed).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeByteStreamSplit(std::string(8, 'x'), 3, 4, out.data(), &consumed).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeByteStreamSplit(std::string(8, 'x'), 1, 0, out.data(), &consumed).code(),
            StatusCode::kInvalidArgument);
}

TEST(ByteArrayValuesTest, BasicOperations) {
  ByteArrayValues values;
  EXPECT_TRUE(values.empty());
  values.Reserve(2, 10);
  values.Append("ab");
  values.Append("");
  values.Append("cde");
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0], "ab");
  EXPECT_EQ(values[1], "");
  EXPECT_EQ(values[2], "cde");
  values.Clear();
  EXPECT_TRUE(values.empty());
  EXPECT_EQ(values.offsets, std::vector<uint32_t>{0});
}

}  // namespace
}  // namespace strata::parquet
