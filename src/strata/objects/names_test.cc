#include "strata/objects/names.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain/ascii key.txt"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));                  // é
  EXPECT_TRUE(IsValidUtf8("\xe6\x97\xa5\xe6\x9c\xac"));     // 日本
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x94\xac"));             // U+1F52C
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));                 // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));             // U+10FFFF, the last code point
}

TEST(IsValidUtf8, RefusesMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xae\x8a-"));        // continuation bytes without a lead
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));         // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));         // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));     // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));     // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf")); // overlong
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80")); // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("caf\xc3"));          // cut short
  EXPECT_FALSE(IsValidUtf8("\xe6\x97"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));         // second byte not a continuation
}

TEST(ValidateObjectKey, LengthAndEncoding) {
  EXPECT_TRUE(ValidateObjectKey("a").ok());
  EXPECT_TRUE(ValidateObjectKey(std::string(1024, 'k')).ok());
  EXPECT_FALSE(ValidateObjectKey("").ok());
  EXPECT_FALSE(ValidateObjectKey(std::string(1025, 'k')).ok());
  EXPECT_FALSE(ValidateObjectKey("bad\xff").ok());
}

}  // namespace
}  // namespace strata
