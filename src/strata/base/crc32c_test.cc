#include "strata/base/crc32c.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

TEST(Crc32cTest, CheckValue) { EXPECT_EQ(Crc32c("123456789"), 0xE3069283u); }

TEST(Crc32cTest, EmptyIsZero) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32cExtend(0x12345678u, nullptr, 0), 0x12345678u);
}

// The iSCSI test vectors of RFC 3720, appendix B.4.
TEST(Crc32cTest, Rfc3720Vectors) {
  std::vector<uint8_t> zeros(32, 0x00);
  std::vector<uint8_t> ones(32, 0xff);
  std::vector<uint8_t> up(32);
  std::vector<uint8_t> down(32);
  for (int i = 0; i < 32; ++i) {
    up[i] = static_cast<uint8_t>(i);
    down[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(up.data(), up.size()), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(down.data(), down.size()), 0x113FDB5Cu);
}

TEST(Crc32cTest, ExtendingInPiecesEqualsWhole) {
  const std::string data = testing::RandomBytes(10000, 7);
  const uint32_t whole = Crc32c(data);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{3}, size_t{64}, size_t{4097}, size_t{9999}, size_t{10000}}) {
    uint32_t crc = Crc32cExtend(0, data.data(), cut);
    crc = Crc32cExtend(crc, data.data() + cut, data.size() - cut);
    EXPECT_EQ(crc, whole) << "cut at " << cut;
  }
  uint32_t bytewise = 0;
  for (char c : data) bytewise = Crc32cExtend(bytewise, &c, 1);
  EXPECT_EQ(bytewise, whole);
}

TEST(Crc32cTest, OverloadsAgree) {
  const std::string data = testing::RandomBytes(333, 8);
  const uint32_t expected = Crc32c(data.data(), data.size());
  EXPECT_EQ(Crc32c(std::string_view(data)), expected);
  EXPECT_EQ(Crc32c(std::as_bytes(std::span(data.data(), data.size()))), expected);
}

TEST(Crc32cTest, EveryBitFlipChangesTheChecksum) {
  std::string data = testing::RandomBytes(64, 9);
  const uint32_t original = Crc32c(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_NE(Crc32c(data), original) << "bit " << bit;
    data[bit / 8] ^= static_cast<char>(1 << (bit % 8));
  }
}

}  // namespace
}  // namespace strata
