#include "strata/server/payload.h"

#include <algorithm>
#include <charconv>

#include "strata/base/hex.h"
#include "strata/base/md5.h"

namespace strata::server {

using http::S3Error;

namespace {

std::optional<uint64_t> ParseSize(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool Streaming(http::PayloadMode mode) {
  return mode == http::PayloadMode::kStreamingSigned || mode == http::PayloadMode::kStreamingUnsignedTrailer ||
         mode == http::PayloadMode::kStreamingSignedTrailer;
}

}  // namespace

PayloadReader::PayloadReader(HttpExchange& exchange, const http::AuthResult& auth, bool body_checksums)
    : exchange_(exchange), auth_(auth), body_checksums_(body_checksums) {}

PayloadReader::~PayloadReader() = default;

http::S3Check PayloadReader::Start() {
  if (Streaming(auth_.payload)) {
    auto decoded = exchange_.header("x-amz-decoded-content-length");
    if (!decoded) {
      return S3Error::Make(411, "MissingContentLength", "aws-chunked uploads need x-amz-decoded-content-length");
    }
    declared_size_ = ParseSize(*decoded);
    if (!declared_size_) return S3Error::InvalidArgument("x-amz-decoded-content-length is not a number: " + std::string(*decoded));
    decoder_ = std::make_unique<http::AwsChunkedDecoder>(auth_.payload, auth_.chunks);
  } else {
    declared_size_ = exchange_.content_length();
  }
  if (auth_.payload == http::PayloadMode::kSha256) sha256_ = std::make_unique<Checksummer>(ChecksumAlgorithm::kSha256);

  if (auto md5 = exchange_.header("content-md5")) {
    auto decoded = Base64Decode(*md5);
    if (!decoded.ok() || decoded->size() != 16) {
      return S3Error::Make(400, "InvalidDigest", "Content-MD5 is not the base64 of 16 bytes: " + std::string(*md5));
    }
    content_md5_ = std::move(*decoded);
  }

  // At most one checksum: its value in a header, or promised in a trailer,
  // or only its algorithm named (then it is computed and kept).
  std::optional<ChecksumAlgorithm> algorithm;
  for (ChecksumAlgorithm candidate : kAllChecksumAlgorithms) {
    if (!body_checksums_) break;
    if (auto value = exchange_.header(ChecksumHeaderName(candidate))) {
      if (algorithm) return S3Error::InvalidRequest("expecting a single x-amz-checksum- header");
      algorithm = candidate;
      checksum_expected_ = std::string(*value);
      // A value that is not even a digest of the right size cannot match.
      auto raw = Base64Decode(checksum_expected_);
      if (!raw.ok() || raw->size() != ChecksumSize(candidate)) {
        return S3Error::BadDigest(ChecksumHeaderName(candidate) + " is not the base64 of a " +
                                  std::string(ChecksumAlgorithmName(candidate)) + " digest");
      }
    }
  }
  if (auto trailer = exchange_.header("x-amz-trailer")) {
    bool known = false;
    for (ChecksumAlgorithm candidate : kAllChecksumAlgorithms) {
      if (*trailer == ChecksumHeaderName(candidate)) {
        if (algorithm) return S3Error::InvalidRequest("expecting a single x-amz-checksum- header");
        algorithm = candidate;
        checksum_in_trailer_ = known = true;
      }
    }
    if (!known) return S3Error::InvalidRequest("unsupported trailing header " + std::string(*trailer));
    if (!decoder_) return S3Error::InvalidRequest("x-amz-trailer needs an aws-chunked body");
  }
  if (!algorithm && body_checksums_) {
    if (auto named = exchange_.header("x-amz-sdk-checksum-algorithm")) {
      algorithm = ParseChecksumAlgorithm(*named);
      if (!algorithm) return S3Error::InvalidRequest("unsupported checksum algorithm " + std::string(*named));
    }
  }
  if (algorithm) checksum_ = std::make_unique<Checksummer>(*algorithm);
  return std::nullopt;
}

http::S3Result<std::string_view> PayloadReader::Next() {
  if (finished_) return std::string_view();
  raw_.resize(kReadSize);
  while (true) {
    auto n = exchange_.ReadBody(std::span<char>(raw_.data(), raw_.size()));
    if (!n.ok()) return S3Error::IncompleteBody("the request body ended early: " + n.status().message());
    std::string_view piece(raw_.data(), *n);
    if (*n == 0) {
      finished_ = true;
      if (auto error = Verify()) return *error;
      return std::string_view();
    }
    if (decoder_) {
      decoded_.clear();
      if (auto error = decoder_->Feed(piece, [this](std::string_view data) { decoded_.append(data); })) return *error;
      piece = decoded_;
      if (piece.empty()) continue;  // framing only
    }
    bytes_ += piece.size();
    if (declared_size_ && bytes_ > *declared_size_) {
      return S3Error::InvalidRequest("the body is longer than its declared " + std::to_string(*declared_size_) + " bytes");
    }
    if (sha256_) sha256_->Update(piece);
    if (checksum_) checksum_->Update(piece);
    return piece;
  }
}

http::S3Check PayloadReader::Verify() {
  if (decoder_) {
    if (auto error = decoder_->Finish()) return error;
  }
  if (declared_size_ && bytes_ != *declared_size_) {
    return S3Error::IncompleteBody("the body has " + std::to_string(bytes_) + " bytes, " +
                                   std::to_string(*declared_size_) + " were declared");
  }
  if (sha256_) {
    std::vector<std::byte> digest = sha256_->Finish();
    if (ToHex(digest) != auth_.payload_sha256) {
      return S3Error::Make(400, "XAmzContentSHA256Mismatch",
                           "the provided x-amz-content-sha256 does not match what was computed");
    }
  }
  if (checksum_) {
    std::string name(ChecksumAlgorithmName(checksum_->algorithm()));
    std::string expected = checksum_expected_;
    if (checksum_in_trailer_) {
      for (const auto& [header, value] : decoder_->trailers()) {
        if (header == ChecksumHeaderName(checksum_->algorithm())) expected = value;
      }
      if (expected.empty()) return S3Error::InvalidRequest("the trailer " + ChecksumHeaderName(checksum_->algorithm()) + " is missing");
    }
    std::string actual = checksum_->FinishBase64();
    if (!expected.empty() && expected != actual) {
      return S3Error::BadDigest("the " + name + " you specified did not match the calculated checksum");
    }
    checksums_[name] = actual;
  }
  return std::nullopt;
}

http::S3Result<std::string> ReadSmallBody(HttpExchange& exchange, const http::AuthResult& auth, size_t limit,
                                          bool body_checksums) {
  PayloadReader payload(exchange, auth, body_checksums);
  if (auto error = payload.Start()) return *error;
  if (payload.declared_size() && *payload.declared_size() > limit) {
    return S3Error::InvalidRequest("the request body is larger than " + std::to_string(limit) + " bytes");
  }
  std::string body;
  while (true) {
    auto piece = payload.Next();
    if (!piece.ok()) return piece.error();
    if (piece->empty()) break;
    if (body.size() + piece->size() > limit) {
      return S3Error::InvalidRequest("the request body is larger than " + std::to_string(limit) + " bytes");
    }
    body.append(*piece);
  }
  if (payload.content_md5()) {
    Md5 md5;
    md5.Update(body.data(), body.size());
    auto digest = md5.Finish();
    if (!std::equal(digest.begin(), digest.end(), payload.content_md5()->begin())) {
      return S3Error::BadDigest("the Content-MD5 you specified did not match what was received");
    }
  }
  return body;
}

}  // namespace strata::server
