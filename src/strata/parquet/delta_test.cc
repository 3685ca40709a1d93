// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: the
// spec's examples byte for byte, wrapping arithmetic at the extremes, counts
// that end inside a miniblock, and truncated or hostile streams refused.
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/parquet/encoding.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::vector<int64_t> RandomInts(size_t n, std::mt19937_64& rng) {
  std::vector<int64_t> values(n);
  const int style = static_cast<int>(rng() % 4);
  int64_t walk = static_cast<int64_t>(rng() % 1000);
  for (auto& v : values) {
    switch (style) {
      case 0: v = static_cast<int64_t>(rng()); break;               // full 64-bit noise
      case 1: v = walk += static_cast<int64_t>(rng() % 7) - 3; break;  // slowly varying
      case 2: v = rng() % 2 ? INT64_MIN : INT64_MAX; break;          // deltas that wrap
      default: v = static_cast<int64_t>(rng() % 100000);
    }
  }
  return values;
}

ByteArrayValues Strings(std::initializer_list<const char*> strings) {
  ByteArrayValues values;
  for (const char* s : strings) values.Append(s);
  return values;
}

// Encodings.md, example 1: 1..5 in one block with deltas of bit width 0.
TEST(DeltaBinaryPackedTest, SpecExampleOne) {
  const std::string data = Bytes({8, 1, 5, 2, /*block*/ 2, 0}) + "next";
  std::vector<int64_t> out(5);
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaBinaryPacked(data, 5, out.data(), &consumed));
  EXPECT_EQ(out, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, 6u);
}

// Example 2: 7 5 3 1 2 3 4 5; min delta -2, relative deltas 0 0 0 3 3 3 3 (+ one
// padding value) packed at 2 bits: 0xC0 0x3F.
TEST(DeltaBinaryPackedTest, SpecExampleTwo) {
  const std::string data = Bytes({8, 1, 8, 14, /*block*/ 3, 2, 0xC0, 0x3F});
  std::vector<int64_t> out(8);
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaBinaryPacked(data, 8, out.data(), &consumed));
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, 8u);
}

TEST(DeltaBinaryPackedTest, EncoderWritesStandardBlocks) {
  const std::vector<int64_t> values = {7, 5, 3, 1, 2, 3, 4, 5};
  std::string encoded;
  EncodeDeltaBinaryPacked(values, &encoded);
  // Header 128/4/8/zigzag(7); min delta zigzag(-2); widths 2 0 0 0; 32 values
  // at 2 bits = 8 bytes, the last 25 zero.
  EXPECT_EQ(encoded, Bytes({0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0}));
  std::string empty;
  EncodeDeltaBinaryPacked(std::span<const int64_t>(), &empty);
  EXPECT_EQ(empty, Bytes({0x80, 0x01, 4, 0, 0}));
  std::vector<int64_t> none;
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaBinaryPacked(empty, 0, none.data(), &consumed));
  EXPECT_EQ(consumed, empty.size());
}

TEST(DeltaBinaryPackedTest, RoundTripsWithWrapping) {
  std::mt19937_64 rng(7);
  for (size_t n : {1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 1000, 5000}) {
    for (int trial = 0; trial < 8; ++trial) {
      const std::vector<int64_t> values = RandomInts(n, rng);
      std::string encoded;
      EncodeDeltaBinaryPacked(values, &encoded);
      std::vector<int64_t> decoded(n + 1, 42);
      size_t consumed = 0;
      ASSERT_OK(DecodeDeltaBinaryPacked(encoded + "tail", n, decoded.data(), &consumed));
      EXPECT_EQ(decoded.back(), 42) << "wrote past count";
      decoded.pop_back();
      ASSERT_EQ(decoded, values) << "n " << n << " trial " << trial;
      EXPECT_EQ(consumed, encoded.size());
    }
  }
}

TEST(DeltaBinaryPackedTest, Int32ColumnsWrapIn32Bits) {
  const std::vector<int32_t> values = {INT32_MAX, INT32_MIN, 0, INT32_MIN, INT32_MAX, -1, 1};
  std::string encoded;
  EncodeDeltaBinaryPacked(values, &encoded);
  // Header: 128, 4, 7 and zigzag(INT32_MAX) in 5 bytes. The int32 deltas
  // reach from INT32_MIN to 2, so min delta zigzag(INT32_MIN) takes 5 bytes and
  // the one miniblock needs exactly 32 bits, not the 33 of 64-bit deltas.
  ASSERT_EQ(encoded.size(), 9u + 5 + 4 + 32 * 4);
  EXPECT_EQ(encoded.substr(14, 4), Bytes({32, 0, 0, 0}));
  std::vector<int64_t> decoded(values.size());
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaBinaryPacked(encoded, values.size(), decoded.data(), &consumed));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(static_cast<int32_t>(decoded[i]), values[i]) << i;
}

TEST(DeltaBinaryPackedTest, CountMayEndInsideAMiniblock) {
  std::mt19937_64 rng(8);
  const std::vector<int64_t> values = RandomInts(1000, rng);
  std::string encoded;
  EncodeDeltaBinaryPacked(values, &encoded);
  for (size_t count : {0, 1, 2, 5, 9, 33, 128, 129, 131, 999}) {
    std::vector<int64_t> decoded(count);
    size_t consumed = 0;
    ASSERT_OK(DecodeDeltaBinaryPacked(encoded, count, decoded.data(), &consumed));
    EXPECT_TRUE(std::equal(decoded.begin(), decoded.end(), values.begin())) << count;
    EXPECT_EQ(consumed, encoded.size()) << count;
  }
  std::vector<int64_t> decoded(1001);
  size_t consumed = 0;
  EXPECT_EQ(DecodeDeltaBinaryPacked(encoded, 1001, decoded.data(), &consumed).code(), StatusCode::kCorruption);
}

TEST(DeltaBinaryPackedTest, EveryTruncationIsRefused) {
  std::mt19937_64 rng(9);
  const std::vector<int64_t> values = RandomInts(300, rng);
  std::string encoded;
  EncodeDeltaBinaryPacked(values, &encoded);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    const std::string prefix = encoded.substr(0, cut);
    std::vector<int64_t> decoded(values.size());
    size_t consumed = 0;
    EXPECT_EQ(DecodeDeltaBinaryPacked(prefix, values.size(), decoded.data(), &consumed).code(),
              StatusCode::kCorruption)
        << "cut " << cut;
  }
}

TEST(DeltaBinaryPackedTest, RefusesMalformedHeadersAndWidths) {
  std::vector<int64_t> out(64);
  size_t consumed = 0;
  auto code = [&](const std::string& data, size_t count) {
    return DecodeDeltaBinaryPacked(data, count, out.data(), &consumed).code();
  };
  EXPECT_EQ(code(Bytes({0, 1, 2, 0, 0, 0}), 2), StatusCode::kCorruption);           // block of 0 values
  EXPECT_EQ(code(Bytes({0x80, 0x01, 0, 2, 0, 0, 0}), 2), StatusCode::kCorruption);  // no miniblocks
  EXPECT_EQ(code(Bytes({0x80, 0x01, 3, 2, 0, 0, 0, 0, 0}), 2), StatusCode::kCorruption);  // 128 / 3
  EXPECT_EQ(code(Bytes({12, 1, 2, 0, 0, 0}), 2), StatusCode::kCorruption);          // 12 per miniblock
  // A used miniblock 65 bits wide; an unused one may say anything.
  EXPECT_EQ(code(Bytes({0x80, 0x01, 4, 2, 0, 0, 65, 0, 0, 0}) + std::string(300, '\0'), 2), StatusCode::kCorruption);
  ASSERT_OK(DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 4, 2, 0, 2, 0, 200, 201, 202}), 2, out.data(), &consumed));
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(consumed, 10u);
  // 64-bit miniblocks are allowed and need 32 * 8 bytes.
  std::string wide = Bytes({0x80, 0x01, 4, 2, 0, 0, 64, 0, 0, 0}) + std::string(256, '\xff');
  ASSERT_OK(DecodeDeltaBinaryPacked(wide, 2, out.data(), &consumed));
  EXPECT_EQ(out[1], -1);
  wide.pop_back();
  EXPECT_EQ(code(wide, 2), StatusCode::kCorruption);  // the last miniblock must be padded
  EXPECT_EQ(code("", 1), StatusCode::kCorruption);
  ASSERT_OK(DecodeDeltaBinaryPacked("", 0, out.data(), &consumed));
}

TEST(DeltaBinaryPackedTest, HugeCountIsRefusedBeforeWriting) {
  // 2^31 values declared in a 12-byte stream: blocks of 128 need far more.
  std::string data = Bytes({0x80, 0x01, 4, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0, 0});
  std::vector<int64_t> out(4, 7);
  size_t consumed = 0;
  EXPECT_EQ(DecodeDeltaBinaryPacked(data, size_t{1} << 31, out.data(), &consumed).code(), StatusCode::kCorruption);
  EXPECT_EQ(out, std::vector<int64_t>(4, 7));
}

// Encodings.md: "Hello", "World", "Foobar", "ABCDEF".
TEST(DeltaLengthByteArrayTest, SpecExample) {
  const ByteArrayValues values = Strings({"Hello", "World", "Foobar", "ABCDEF"});
  std::string encoded;
  EncodeDeltaLengthByteArray(values, &encoded);
  // Lengths 5 5 6 6: first 5, deltas 0 1 0, min 0, one miniblock of width 1.
  const std::string expected = Bytes({0x80, 0x01, 4, 4, 10, 0, 1, 0, 0, 0, 0x02, 0, 0, 0}) + "HelloWorldFoobarABCDEF";
  EXPECT_EQ(encoded, expected);
  ByteArrayValues decoded = Strings({"before"});
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaLengthByteArray(encoded + "!", 4, &decoded, &consumed));
  EXPECT_EQ(consumed, encoded.size());
  ASSERT_EQ(decoded.size(), 5u);
  EXPECT_EQ(decoded[0], "before");
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(decoded[i + 1], values[i]);
}

TEST(DeltaLengthByteArrayTest, RoundTripsAndRefusesTruncation) {
  std::mt19937_64 rng(10);
  ByteArrayValues values;
  for (int i = 0; i < 300; ++i) values.Append(std::string(rng() % 20, static_cast<char>('a' + i % 26)));
  std::string encoded;
  EncodeDeltaLengthByteArray(values, &encoded);
  ByteArrayValues decoded;
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaLengthByteArray(encoded, values.size(), &decoded, &consumed));
  EXPECT_EQ(decoded, values);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    const std::string prefix = encoded.substr(0, cut);
    ByteArrayValues out;
    EXPECT_EQ(DecodeDeltaLengthByteArray(prefix, values.size(), &out, &consumed).code(), StatusCode::kCorruption);
    EXPECT_TRUE(out.empty()) << cut;
  }
  // The lengths must describe exactly the page's values.
  EXPECT_EQ(DecodeDeltaLengthByteArray(encoded, values.size() - 1, &decoded, &consumed).code(),
            StatusCode::kCorruption);
}

TEST(DeltaLengthByteArrayTest, RefusesNegativeLengthsAndHugeCounts) {
  std::string encoded;
  EncodeDeltaBinaryPacked(std::vector<int64_t>{3, -1}, &encoded);
  encoded += "abcdef";
  ByteArrayValues out;
  size_t consumed = 0;
  EXPECT_EQ(DecodeDeltaLengthByteArray(encoded, 2, &out, &consumed).code(), StatusCode::kCorruption);
  EXPECT_TRUE(out.empty());

  // 2^31 empty strings declared in a 12-byte stream.
  const std::string huge = Bytes({0x80, 0x01, 4, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0, 0});
  EXPECT_EQ(DecodeDeltaLengthByteArray(huge, size_t{1} << 31, &out, &consumed).code(), StatusCode::kCorruption);
  EXPECT_LT(out.offsets.capacity(), 1024u);
}

// Encodings.md: "axis", "axle", "babble", "babyhood" share prefixes 0 2 0 3.
TEST(DeltaByteArrayTest, SpecExample) {
  const ByteArrayValues values = Strings({"axis", "axle", "babble", "babyhood"});
  std::string encoded;
  EncodeDeltaByteArray(values, &encoded);
  std::string prefixes, suffix_lengths;
  EncodeDeltaBinaryPacked(std::vector<int32_t>{0, 2, 0, 3}, &prefixes);
  EncodeDeltaBinaryPacked(std::vector<int32_t>{4, 2, 6, 5}, &suffix_lengths);
  EXPECT_EQ(encoded, prefixes + suffix_lengths + "axislebabbleyhood");

  ByteArrayValues decoded = Strings({"z"});
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaByteArray(encoded + "??", 4, &decoded, &consumed));
  EXPECT_EQ(consumed, encoded.size());
  ASSERT_EQ(decoded.size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(decoded[i + 1], values[i]);
}

TEST(DeltaByteArrayTest, RoundTripsSortedKeys) {
  std::mt19937_64 rng(11);
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("sensor/" + std::to_string(rng() % 5000) + "/reading");
  std::sort(keys.begin(), keys.end());
  ByteArrayValues values;
  for (const auto& k : keys) values.Append(k);
  values.Append("");
  values.Append("");
  std::string encoded;
  EncodeDeltaByteArray(values, &encoded);
  ByteArrayValues decoded;
  size_t consumed = 0;
  ASSERT_OK(DecodeDeltaByteArray(encoded, values.size(), &decoded, &consumed));
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(consumed, encoded.size());
  EXPECT_LT(encoded.size(), values.bytes.size() * 6 / 10);  // the shared "sensor/" and digits
}

TEST(DeltaByteArrayTest, EveryTruncationIsRefused) {
  const ByteArrayValues values = Strings({"axis", "axle", "babble", "babyhood", "baby", "", "c"});
  std::string encoded;
  EncodeDeltaByteArray(values, &encoded);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    const std::string prefix = encoded.substr(0, cut);
    ByteArrayValues out;
    size_t consumed = 0;
    EXPECT_EQ(DecodeDeltaByteArray(prefix, values.size(), &out, &consumed).code(), StatusCode::kCorruption) << cut;
    EXPECT_TRUE(out.empty());
  }
}

TEST(DeltaByteArrayTest, RefusesPrefixLongerThanPreviousValue) {
  std::string encoded;
  EncodeDeltaBinaryPacked(std::vector<int32_t>{0, 3}, &encoded);  // "ab" then 3 shared bytes
  EncodeDeltaLengthByteArray(Strings({"ab", "c"}), &encoded);
  ByteArrayValues out;
  size_t consumed = 0;
  EXPECT_EQ(DecodeDeltaByteArray(encoded, 2, &out, &consumed).code(), StatusCode::kCorruption);
  EXPECT_TRUE(out.empty());

  std::string first_shares;
  EncodeDeltaBinaryPacked(std::vector<int32_t>{1}, &first_shares);  // nothing before the first value
  EncodeDeltaLengthByteArray(Strings({"a"}), &first_shares);
  EXPECT_EQ(DecodeDeltaByteArray(first_shares, 1, &out, &consumed).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace strata::parquet
