// Checksums that S3 clients send and ask for (x-amz-checksum-*): CRC32 (the
// zlib/gzip polynomial), CRC32C, SHA-1 and SHA-256, computed while streaming,
// and their base64 text form as it travels in headers. Also base64 itself.
// Checksummer is not thread-safe; one per stream.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kSha1, kSha256 };

inline constexpr ChecksumAlgorithm kAllChecksumAlgorithms[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256};

// "CRC32", "CRC32C", "SHA1", "SHA256" (as S3 spells them in
// x-amz-sdk-checksum-algorithm and in XML); parsing ignores case.
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// "x-amz-checksum-crc32" and so on (lower case).
std::string ChecksumHeaderName(ChecksumAlgorithm algorithm);
// The size of the raw digest: 4 for the CRCs, 20 for SHA-1, 32 for SHA-256.
size_t ChecksumSize(ChecksumAlgorithm algorithm);

class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ~Checksummer();
  Checksummer(const Checksummer&) = delete;
  Checksummer& operator=(const Checksummer&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(std::span<const std::byte> data);
  void Update(std::string_view data);
  // The raw digest (CRCs big-endian, as S3 encodes them). Call once.
  std::vector<std::byte> Finish();
  std::string FinishBase64();

 private:
  struct State;
  ChecksumAlgorithm algorithm_;
  std::unique_ptr<State> state_;
};

// One-shot helpers.
std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::span<const std::byte> data);
// CRC-32 as gzip, zlib and Parquet's page checksums compute it (ISA-L).
uint32_t Crc32(std::string_view data);

// The checksum S3 reports for a multipart object: the checksum of the
// concatenated raw part checksums, base64, then "-<number of parts>".
// Fails if a part checksum is not valid base64 of the algorithm's size.
Result<std::string> CompositeChecksum(ChecksumAlgorithm algorithm, const std::vector<std::string>& part_checksums_base64);

// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::span<const std::byte> data);
std::string Base64Encode(std::string_view data);
// Refuses characters outside the alphabet, bad padding and bad lengths.
Result<std::vector<std::byte>> Base64Decode(std::string_view text);

}  // namespace strata
