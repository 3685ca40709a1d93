#include "strata/base/md5.h"

#include <string>

#include <gtest/gtest.h>

#include "strata/base/hex.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

std::string Md5Hex(const std::string& data) {
  Md5 md5;
  md5.Update(data.data(), data.size());
  return md5.FinishHex();
}

// RFC 1321, appendix A.5.
TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Md5Hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(Md5Hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(Md5Hex("1234567890123456789012345678901234567890"
                   "1234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5Test, StreamingEqualsWhole) {
  const std::string data = testing::RandomBytes(100000, 3);
  const std::string whole = Md5Hex(data);
  Md5 md5;
  size_t offset = 0;
  for (size_t piece : {1, 63, 64, 65, 4097, 30000}) {
    md5.Update(std::as_bytes(std::span(data.data() + offset, piece)));
    offset += piece;
  }
  md5.Update(data.data() + offset, data.size() - offset);
  EXPECT_EQ(md5.FinishHex(), whole);
}

TEST(Md5Test, FinishReturnsTheRawDigest) {
  Md5 md5;
  md5.Update("abc", 3);
  std::array<std::byte, 16> digest = md5.Finish();
  EXPECT_EQ(ToHex(digest), "900150983cd24fb0d6963f7d28e17f72");
}

}  // namespace
}  // namespace strata
