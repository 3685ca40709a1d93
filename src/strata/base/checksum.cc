#include "strata/base/checksum.h"

#include <isa-l/crc.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "strata/base/crc32c.h"

namespace strata {

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32: return "CRC32";
    case ChecksumAlgorithm::kCrc32c: return "CRC32C";
    case ChecksumAlgorithm::kSha1: return "SHA1";
    case ChecksumAlgorithm::kSha256: return "SHA256";
  }
  return "UNKNOWN";
}

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (ChecksumAlgorithm algorithm : kAllChecksumAlgorithms) {
    std::string_view candidate = ChecksumAlgorithmName(algorithm);
    if (candidate.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) same = lower(name[i]) == lower(candidate[i]);
    if (same) return algorithm;
  }
  return std::nullopt;
}

std::string ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  std::string header = "x-amz-checksum-";
  for (char c : ChecksumAlgorithmName(algorithm)) {
    header += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return header;
}

size_t ChecksumSize(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c: return 4;
    case ChecksumAlgorithm::kSha1: return 20;
    case ChecksumAlgorithm::kSha256: return 32;
  }
  return 0;
}

// The CRCs keep their running value; the SHAs an OpenSSL context. The digest
// is kept after Finish so that a second call returns it again instead of
// asking OpenSSL to finalise twice.
struct Checksummer::State {
  uint32_t crc = 0;
  EVP_MD_CTX* ctx = nullptr;
  std::optional<std::vector<std::byte>> digest;
};

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm), state_(std::make_unique<State>()) {
  const EVP_MD* md = nullptr;
  if (algorithm == ChecksumAlgorithm::kSha1) md = EVP_sha1();
  if (algorithm == ChecksumAlgorithm::kSha256) md = EVP_sha256();
  if (md == nullptr) return;
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(state_->ctx);  // the destructor does not run when the constructor throws
    throw std::runtime_error("OpenSSL " + std::string(ChecksumAlgorithmName(algorithm)) + " is unavailable");
  }
}

Checksummer::~Checksummer() { EVP_MD_CTX_free(state_->ctx); }

void Checksummer::Update(std::span<const std::byte> data) {
  if (data.empty()) return;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      // crc32_gzip_refl inverts on entry and exit itself, so the running value
      // is the finished CRC of everything so far and chains directly.
      state_->crc = crc32_gzip_refl(state_->crc, bytes, data.size());
      break;
    case ChecksumAlgorithm::kCrc32c:
      state_->crc = Crc32cExtend(state_->crc, bytes, data.size());
      break;
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      EVP_DigestUpdate(state_->ctx, bytes, data.size());
      break;
  }
}

void Checksummer::Update(std::string_view data) { Update(std::as_bytes(std::span(data.data(), data.size()))); }

std::vector<std::byte> Checksummer::Finish() {
  if (state_->digest) return *state_->digest;
  std::vector<std::byte> out;
  if (state_->ctx == nullptr) {
    // S3 sends CRCs as the four bytes of the value, most significant first.
    uint32_t crc = state_->crc;
    out = {std::byte(crc >> 24), std::byte(crc >> 16), std::byte(crc >> 8), std::byte(crc)};
  } else {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(state_->ctx, digest.data(), &size);
    const auto* bytes = reinterpret_cast<const std::byte*>(digest.data());
    out.assign(bytes, bytes + size);
  }
  state_->digest = out;
  return out;
}

std::string Checksummer::FinishBase64() { return Base64Encode(Finish()); }

std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::span<const std::byte> data) {
  Checksummer checksummer(algorithm);
  checksummer.Update(data);
  return checksummer.FinishBase64();
}

Result<std::string> CompositeChecksum(ChecksumAlgorithm algorithm,
                                      const std::vector<std::string>& part_checksums_base64) {
  const std::string name(ChecksumAlgorithmName(algorithm));
  if (part_checksums_base64.empty()) {
    return Status::InvalidArgument("composite " + name + " checksum needs at least one part");
  }
  Checksummer checksummer(algorithm);
  for (size_t i = 0; i < part_checksums_base64.size(); ++i) {
    const std::string& text = part_checksums_base64[i];
    Result<std::vector<std::byte>> raw = Base64Decode(text);
    if (!raw.ok()) {
      return Status::InvalidArgument(name + " checksum of part " + std::to_string(i + 1) + ": " +
                                     raw.status().message());
    }
    if (raw->size() != ChecksumSize(algorithm)) {
      return Status::InvalidArgument(name + " checksum of part " + std::to_string(i + 1) + " '" + text + "' is " +
                                     std::to_string(raw->size()) + " bytes; " + name + " has " +
                                     std::to_string(ChecksumSize(algorithm)));
    }
    checksummer.Update(*raw);
  }
  return checksummer.FinishBase64() + "-" + std::to_string(part_checksums_base64.size());
}

namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of an alphabet character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::span<const std::byte> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t group = std::to_integer<uint32_t>(data[i]) << 16 | std::to_integer<uint32_t>(data[i + 1]) << 8 |
                     std::to_integer<uint32_t>(data[i + 2]);
    out += kBase64Alphabet[group >> 18];
    out += kBase64Alphabet[(group >> 12) & 63];
    out += kBase64Alphabet[(group >> 6) & 63];
    out += kBase64Alphabet[group & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t group = std::to_integer<uint32_t>(data[i]) << 16;
    if (rest == 2) group |= std::to_integer<uint32_t>(data[i + 1]) << 8;
    out += kBase64Alphabet[group >> 18];
    out += kBase64Alphabet[(group >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(group >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  return Base64Encode(std::as_bytes(std::span(data.data(), data.size())));
}

// Strict, so that each byte string has exactly one accepted text: no
// whitespace, padding only at the end, and the bits that padding leaves over
// must be zero (RFC 4648 section 3.5). Checksums can then be compared as text.
Result<std::vector<std::byte>> Base64Decode(std::string_view text) {
  auto quoted = [&] {
    constexpr size_t kShown = 64;
    return "base64 '" + std::string(text.substr(0, kShown)) + (text.size() > kShown ? "...'" : "'");
  };
  if (text.size() % 4 != 0) {
    return Status::InvalidArgument(quoted() + " has length " + std::to_string(text.size()) +
                                   ", not a multiple of 4");
  }
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::vector<std::byte> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const size_t pad_here = last ? padding : 0;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      int value = 0;
      if (j >= 4 - pad_here) {
        // Padding position: '=' was checked when padding was counted.
      } else if ((value = Base64Value(c)) < 0) {
        if (c == '=') return Status::InvalidArgument(quoted() + " has '=' before the end");
        return Status::InvalidArgument(quoted() + " has a character outside the alphabet at offset " +
                                       std::to_string(i + j));
      }
      group = group << 6 | static_cast<uint32_t>(value);
    }
    out.push_back(std::byte(group >> 16));
    if (pad_here < 2) out.push_back(std::byte(group >> 8));
    if (pad_here < 1) out.push_back(std::byte(group));
    if ((pad_here == 1 && (group & 0xff) != 0) || (pad_here == 2 && (group & 0xffff) != 0)) {
      return Status::InvalidArgument(quoted() + " is not canonical: the bits before the padding are not zero");
    }
  }
  return out;
}

uint32_t Crc32(std::string_view data) {
  return crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

}  // namespace strata
