#include "strata/http/uri.h"

#include <gtest/gtest.h>

namespace strata::http {
namespace {

TEST(UriEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-._~", true), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e", true), "a%20b%2Bc%3Dd%26e");
  EXPECT_EQ(UriEncode("!'()*:@,;$?#[]%", true), "%21%27%28%29%2A%3A%40%2C%3B%24%3F%23%5B%5D%25");
}

TEST(UriEncodeTest, SlashDependsOnTheFlag) {
  EXPECT_EQ(UriEncode("/bucket/dir/key", false), "/bucket/dir/key");
  EXPECT_EQ(UriEncode("/bucket/dir/key", true), "%2Fbucket%2Fdir%2Fkey");
}

TEST(UriEncodeTest, EncodesEachUtf8ByteWithUpperCaseHex) {
  EXPECT_EQ(UriEncode("\xc3\xa9", true), "%C3%A9");  // é
  EXPECT_EQ(UriEncode("\xed\x95\x9c", false), "%ED%95%9C");
  EXPECT_EQ(UriEncode(std::string("\0\xff", 2), true), "%00%FF");
}

TEST(UriDecodeTest, DecodesEscapesAndKeepsPlus) {
  EXPECT_EQ(*UriDecode("a%20b+c%2Bd"), "a b+c+d");
  EXPECT_EQ(*UriDecode("%c3%A9"), "\xc3\xa9");
  EXPECT_EQ(*UriDecode(""), "");
  EXPECT_EQ(*UriDecode("plain/path"), "plain/path");
}

TEST(UriDecodeTest, RefusesMalformedEscapesNamingTheText) {
  for (std::string_view bad : {"%", "%4", "abc%2", "%zz", "%4g", "a%%20"}) {
    auto decoded = UriDecode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find(std::string(bad)), std::string::npos) << decoded.status().message();
  }
}

TEST(UriDecodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(*UriDecode(UriEncode(all, true)), all);
  EXPECT_EQ(*UriDecode(UriEncode(all, false)), all);
}

TEST(ParseQueryTest, SplitsDecodesAndKeepsOrder) {
  auto params = ParseQuery("uploads&prefix=&list-type=2&prefix=a%20b%2F&x=1=2");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 5u);
  EXPECT_EQ((*params)[0].name, "uploads");
  EXPECT_FALSE((*params)[0].has_value);
  EXPECT_EQ((*params)[1].name, "prefix");
  EXPECT_TRUE((*params)[1].has_value);
  EXPECT_EQ((*params)[1].value, "");
  EXPECT_EQ((*params)[2].value, "2");
  EXPECT_EQ((*params)[3].value, "a b/");
  EXPECT_EQ((*params)[4].name, "x");
  EXPECT_EQ((*params)[4].value, "1=2");
}

TEST(ParseQueryTest, NoValueAndEmptyValueDiffer) {
  auto params = ParseQuery("a&b=");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 2u);
  EXPECT_FALSE((*params)[0].has_value);
  EXPECT_TRUE((*params)[1].has_value);
}

TEST(ParseQueryTest, SkipsEmptyPieces) {
  EXPECT_TRUE(ParseQuery("")->empty());
  EXPECT_TRUE(ParseQuery("&&")->empty());
  EXPECT_EQ(ParseQuery("a&&b")->size(), 2u);
  EXPECT_EQ(ParseQuery("&a&")->size(), 1u);
}

TEST(ParseQueryTest, PlusIsNotASpace) { EXPECT_EQ((*ParseQuery("k=a+b"))[0].value, "a+b"); }

TEST(ParseQueryTest, MalformedEscapeIsAnError) {
  auto params = ParseQuery("ok=1&prefix=100%");
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(params.status().message().find("prefix"), std::string::npos) << params.status().message();
  EXPECT_FALSE(ParseQuery("%zz=1").ok());
}

// What ceph/s3-tests expect of ListObjects with encoding-type=url.
TEST(UrlEncodeKeyTest, MatchesS3CompatibilitySuite) {
  EXPECT_EQ(UrlEncodeKey("asdf+b"), "asdf%2Bb");
  EXPECT_EQ(UrlEncodeKey("foo+1/"), "foo%2B1/");
  EXPECT_EQ(UrlEncodeKey("quux ab/"), "quux%20ab/");
  EXPECT_EQ(UrlEncodeKey("100%.csv"), "100%25.csv");
  EXPECT_EQ(UrlEncodeKey("\xed\x95\x9c\xea\xb8\x80/x.txt"), "%ED%95%9C%EA%B8%80/x.txt");
  EXPECT_EQ(UrlEncodeKey("line\nbreak"), "line%0Abreak");
}

}  // namespace
}  // namespace strata::http
