#include "strata/base/checksum.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::AsBytes;

std::string Base64Of(ChecksumAlgorithm algorithm, const std::string& data) {
  return ChecksumBase64(algorithm, AsBytes(data));
}

std::string AsString(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// Expected values from Python: base64.b64encode(struct.pack(">I", zlib.crc32(s)))
// for CRC32, the same with a bitwise CRC32C, and hashlib for the SHAs.
struct Vector {
  std::string input;
  std::string crc32;
  std::string crc32c;
  std::string sha1;
  std::string sha256;
};
const Vector kVectors[] = {
    {"", "AAAAAA==", "AAAAAA==", "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    {"a", "6Le+Qw==", "wdBDMA==", "hvfkN/qlp/zhXR3cuerq6jd2Z7g=", "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="},
    {"123456789", "y/Q5Jg==", "4waSgw==", "98O8HYCOBHMq32eZZczDTKeuNEE=",
     "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="},
    {"Hello, World!", "7ErD0A==", "TVUQaA==", "CgqfKmdylCVXq1NV12r0Qvj2XgE=",
     "3/1gIbsr1bCvZ2KQgJ7DpTGR3YHH9wpLKGiKNiGCmG8="},
    {"The quick brown fox jumps over the lazy dog", "QU+jOQ==", "ImIEBA==", "L9ThxnotKPzthJ7hu3bnORuT6xI=",
     "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI="},
};

TEST(ChecksumTest, KnownVectors) {
  for (const Vector& v : kVectors) {
    EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32, v.input), v.crc32) << v.input;
    EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32c, v.input), v.crc32c) << v.input;
    EXPECT_EQ(Base64Of(ChecksumAlgorithm::kSha1, v.input), v.sha1) << v.input;
    EXPECT_EQ(Base64Of(ChecksumAlgorithm::kSha256, v.input), v.sha256) << v.input;
  }
}

TEST(ChecksumTest, CrcDigestsAreBigEndian) {
  Checksummer crc32(ChecksumAlgorithm::kCrc32);
  crc32.Update(std::string_view("123456789"));
  EXPECT_EQ(AsString(crc32.Finish()), std::string("\xcb\xf4\x39\x26", 4));  // 0xCBF43926, the check value
  Checksummer crc32c(ChecksumAlgorithm::kCrc32c);
  crc32c.Update(std::string_view("123456789"));
  EXPECT_EQ(AsString(crc32c.Finish()), std::string("\xe3\x06\x92\x83", 4));  // 0xE3069283
}

TEST(ChecksumTest, StreamingInOddPiecesEqualsOneShot) {
  const std::string data = testing::RandomBytes(200003, 11);
  for (ChecksumAlgorithm algorithm : kAllChecksumAlgorithms) {
    const std::string whole = ChecksumBase64(algorithm, AsBytes(data));
    Checksummer checksummer(algorithm);
    size_t offset = 0;
    for (size_t piece : {0, 1, 2, 3, 7, 63, 64, 65, 255, 4097, 65537}) {
      checksummer.Update(std::string_view(data).substr(offset, piece));
      offset += piece;
    }
    checksummer.Update(AsBytes(data).subspan(offset));
    EXPECT_EQ(checksummer.FinishBase64(), whole) << ChecksumAlgorithmName(algorithm);
  }
}

TEST(ChecksumTest, FinishTwiceGivesTheSameDigest) {
  for (ChecksumAlgorithm algorithm : kAllChecksumAlgorithms) {
    Checksummer checksummer(algorithm);
    checksummer.Update(std::string_view("abc"));
    std::vector<std::byte> first = checksummer.Finish();
    EXPECT_EQ(first.size(), ChecksumSize(algorithm));
    EXPECT_EQ(checksummer.Finish(), first);
  }
}

TEST(ChecksumTest, NamesAndHeaders) {
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kCrc32), "CRC32");
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kCrc32c), "CRC32C");
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kSha1), "SHA1");
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kSha256), "SHA256");
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kCrc32c), "x-amz-checksum-crc32c");
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kSha256), "x-amz-checksum-sha256");
  for (ChecksumAlgorithm algorithm : kAllChecksumAlgorithms) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumAlgorithmName(algorithm)), algorithm);
  }
  EXPECT_EQ(ParseChecksumAlgorithm("crc32c"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ParseChecksumAlgorithm("Sha256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(ParseChecksumAlgorithm("crc32"), ChecksumAlgorithm::kCrc32);
  for (const char* bad : {"", "CRC", "CRC32D", "SHA-256", "MD5", "CRC64NVME", "crc32 "}) {
    EXPECT_EQ(ParseChecksumAlgorithm(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ChecksumSize(ChecksumAlgorithm::kCrc32), 4u);
  EXPECT_EQ(ChecksumSize(ChecksumAlgorithm::kCrc32c), 4u);
  EXPECT_EQ(ChecksumSize(ChecksumAlgorithm::kSha1), 20u);
  EXPECT_EQ(ChecksumSize(ChecksumAlgorithm::kSha256), 32u);
}

// Expected values: the checksum of the concatenated raw part checksums of the
// parts "part one data", "part two" and "3", computed in Python.
TEST(CompositeChecksumTest, ChecksumOfChecksums) {
  const std::vector<std::string> parts = {"part one data", "part two", "3"};
  const std::pair<ChecksumAlgorithm, std::string> expected[] = {
      {ChecksumAlgorithm::kCrc32, "CekzEw==-3"},
      {ChecksumAlgorithm::kCrc32c, "7YOj2w==-3"},
      {ChecksumAlgorithm::kSha1, "uPU6pFI6ITVNjkMpVXvEH4pB/h4=-3"},
      {ChecksumAlgorithm::kSha256, "vU5YhXnGUywgdKIQPzYZgaWV23uzPyJ+IVyyVVsOMHM=-3"},
  };
  for (const auto& [algorithm, composite] : expected) {
    std::vector<std::string> part_checksums;
    for (const std::string& part : parts) part_checksums.push_back(Base64Of(algorithm, part));
    Result<std::string> result = CompositeChecksum(algorithm, part_checksums);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(*result, composite) << ChecksumAlgorithmName(algorithm);
  }
  EXPECT_EQ(*CompositeChecksum(ChecksumAlgorithm::kCrc32, {"GmdOLw=="}),
            Base64Of(ChecksumAlgorithm::kCrc32, std::string("\x1a\x67\x4e\x2f", 4)) + "-1");
}

TEST(CompositeChecksumTest, RefusesBadPartChecksums) {
  // A SHA-1 where a CRC32 belongs, broken base64, and no parts at all.
  Result<std::string> wrong_size =
      CompositeChecksum(ChecksumAlgorithm::kCrc32, {"GmdOLw==", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="});
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_EQ(wrong_size.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_size.status().message(),
            "CRC32 checksum of part 2 '2jmj7l5rSw0yVb/vlWAYkK/YBwk=' is 20 bytes; CRC32 has 4");
  Result<std::string> not_base64 = CompositeChecksum(ChecksumAlgorithm::kSha256, {"not base64!"});
  ASSERT_FALSE(not_base64.ok());
  EXPECT_NE(not_base64.status().message().find("SHA256 checksum of part 1"), std::string::npos);
  EXPECT_FALSE(CompositeChecksum(ChecksumAlgorithm::kCrc32c, {}).ok());
  EXPECT_FALSE(CompositeChecksum(ChecksumAlgorithm::kCrc32c, {""}).ok());
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    Result<std::vector<std::byte>> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status().ToString();
    EXPECT_EQ(AsString(*decoded), plain);
  }
  // Both characters beyond the letters and digits.
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64Test, RoundTripsEveryLengthAndByte) {
  const std::string data = testing::RandomBytes(300, 5);
  for (size_t n = 0; n <= data.size(); ++n) {
    const std::string plain = data.substr(0, n);
    const std::string text = Base64Encode(AsBytes(plain));
    EXPECT_EQ(text.size(), (n + 2) / 3 * 4);
    Result<std::vector<std::byte>> decoded = Base64Decode(text);
    ASSERT_TRUE(decoded.ok()) << text;
    EXPECT_EQ(AsString(*decoded), plain);
  }
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(AsString(*Base64Decode(Base64Encode(all))), all);
}

TEST(Base64Test, RefusesBadInput) {
  for (const char* bad : {
           "Zg",          // no padding
           "Zg=",         // short padding
           "Zm9",         // length not a multiple of 4
           "Z===",        // three padding characters
           "====",        // only padding
           "Zg==Zg==",    // padding in the middle
           "Z=g=",        // padding before data
           "Zm9v\n",      // whitespace
           " Zm9v",       // whitespace
           "Zm 9",        // whitespace
           "Zm9-",        // base64url alphabet
           "Zm9_",        // base64url alphabet
           "Zm9\x80",     // not ASCII
           "Zh==",        // non-zero bits under the padding ("Zg==" is canonical)
           "Zm9=Zm9v",    // '=' inside
           "Zm9w=",       // too long
       }) {
    Result<std::vector<std::byte>> decoded = Base64Decode(bad);
    EXPECT_FALSE(decoded.ok()) << bad;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(decoded.status().message().rfind("base64 '", 0), 0u) << decoded.status().message();
    }
  }
  EXPECT_EQ(Base64Decode("Zm9=").status().message(),
            "base64 'Zm9=' is not canonical: the bits before the padding are not zero");
  EXPECT_EQ(Base64Decode("Zm9").status().message(), "base64 'Zm9' has length 3, not a multiple of 4");
  EXPECT_EQ(Base64Decode("Zm*v").status().message(),
            "base64 'Zm*v' has a character outside the alphabet at offset 2");
}

}  // namespace
}  // namespace strata
