#include "strata/base/ids.h"

#include <cstdint>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "strata/base/hex.h"

namespace strata {
namespace {

TEST(IdsTest, NewRandomIdIsValidAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRandomId();
    EXPECT_EQ(id.size(), 32u);
    EXPECT_TRUE(IsValidId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
  }
}

TEST(IdsTest, IsValidIdChecksLengthAndAlphabet) {
  EXPECT_TRUE(IsValidId("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("0123456789abcdef0123456789abcde"));    // 31
  EXPECT_FALSE(IsValidId("0123456789abcdef0123456789abcdef0"));  // 33
  EXPECT_FALSE(IsValidId("0123456789ABCDEF0123456789abcdef"));   // uppercase
  EXPECT_FALSE(IsValidId("0123456789abcdeg0123456789abcdef"));
  EXPECT_FALSE(IsValidId("0123456789abcdef0123456789abcde-"));
}

TEST(HexTest, EncodesLowercase) {
  const uint8_t bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(ToHex(bytes, sizeof(bytes)), "00017f80abff");
  EXPECT_EQ(ToHex(std::as_bytes(std::span(bytes))), "00017f80abff");
  EXPECT_EQ(ToHex(nullptr, 0), "");
}

TEST(HexTest, EveryByteValue) {
  for (int value = 0; value < 256; ++value) {
    uint8_t byte = static_cast<uint8_t>(value);
    char expected[3];
    snprintf(expected, sizeof(expected), "%02x", value);
    EXPECT_EQ(ToHex(&byte, 1), expected);
  }
}

}  // namespace
}  // namespace strata
