#include "strata/base/byte_size.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(ParseByteSizeTest, AcceptsNumbersAndUnits) {
  struct Case {
    const char* text;
    uint64_t bytes;
  };
  const Case cases[] = {
      {"0", 0},
      {"4096", 4096},
      {"512B", 512},
      {"1KiB", 1024},
      {"1K", 1024},
      {"64KiB", 64 << 10},
      {"1MiB", 1 << 20},
      {"1M", 1 << 20},
      {"1 MiB", 1 << 20},
      {"2GiB", 2ull << 30},
      {"1.5GiB", 3ull << 29},
      {"1.5KiB", 1536},
      {"1.50KiB", 1536},
      {"0.5MiB", 512 << 10},
      {"3TiB", 3ull << 40},
      {"10KB", 10000},
      {"10MB", 10000000},
      {"1.5MB", 1500000},
      {"2GB", 2000000000},
      {"1TB", 1000000000000},
      {"007", 7},
      // Exact, not rounded through a double.
      {"9007199254740993", 9007199254740993ull},
      {"18446744073709551615", UINT64_MAX},
      {"16777215TiB", 16777215ull << 40},
  };
  for (const Case& c : cases) {
    Result<uint64_t> size = ParseByteSize(c.text);
    ASSERT_TRUE(size.ok()) << c.text << ": " << size.status().ToString();
    EXPECT_EQ(*size, c.bytes) << c.text;
  }
}

TEST(ParseByteSizeTest, RefusesMalformedSizes) {
  const char* const cases[] = {
      "",          "MiB",      "-1",          " 1KiB",    "1KiB ",  "1mib",     "1XB",  "1 2",
      "1.2.3KiB",  "1.0.0KiB", "1.KiB",       ".5KiB",    "1.3B",   "0.1KiB",   "1e3",  "0x10",
      "18446744073709551616",  "16777216TiB",    "99999999999999999999999", "1.0000000000000000001",
  };
  for (const char* text : cases) {
    Result<uint64_t> size = ParseByteSize(text);
    EXPECT_FALSE(size.ok()) << "'" << text << "' parsed as " << (size.ok() ? *size : 0);
    if (!size.ok()) {
      EXPECT_EQ(size.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(size.status().message().find("'" + std::string(text) + "'"), std::string::npos)
          << size.status().message();
    }
  }
}

TEST(ParseByteSizeTest, MessagesSayWhatIsWrong) {
  EXPECT_EQ(ParseByteSize("1XB").status().message(),
            "size '1XB' has unknown unit 'XB' (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
  EXPECT_EQ(ParseByteSize("MiB").status().message(), "size 'MiB' does not start with a number");
  EXPECT_EQ(ParseByteSize("1.3B").status().message(), "size '1.3B' is not a whole number of bytes");
  EXPECT_EQ(ParseByteSize("16777216TiB").status().message(), "size '16777216TiB' is too large");
}

TEST(FormatByteSizeTest, PicksTheLargestFittingUnit) {
  EXPECT_EQ(FormatByteSize(0), "0 B");
  EXPECT_EQ(FormatByteSize(512), "512 B");
  EXPECT_EQ(FormatByteSize(1023), "1023 B");
  EXPECT_EQ(FormatByteSize(1024), "1.0 KiB");
  EXPECT_EQ(FormatByteSize(1536), "1.5 KiB");
  EXPECT_EQ(FormatByteSize(1 << 20), "1.0 MiB");
  EXPECT_EQ(FormatByteSize((1 << 20) - 1), "1.0 MiB");  // not "1024.0 KiB"
  EXPECT_EQ(FormatByteSize(3ull << 29), "1.5 GiB");
  EXPECT_EQ(FormatByteSize(5ull << 40), "5.0 TiB");
  EXPECT_EQ(FormatByteSize(UINT64_MAX), "16.0 EiB");
}

TEST(FormatByteSizeTest, ParsesBackWhenExact) {
  for (uint64_t bytes : {uint64_t{0}, uint64_t{1}, uint64_t{1000}, uint64_t{1024}, uint64_t{1536},
                         uint64_t{1} << 20, uint64_t{5} << 39, uint64_t{7} << 40}) {
    Result<uint64_t> parsed = ParseByteSize(FormatByteSize(bytes));
    ASSERT_TRUE(parsed.ok()) << FormatByteSize(bytes);
    EXPECT_EQ(*parsed, bytes) << FormatByteSize(bytes);
  }
}

}  // namespace
}  // namespace strata
