// PayloadReader is the body of an upload as the client meant it: aws-chunked
// framing undone, chunk signatures checked, and the declared SHA-256,
// Content-MD5 length and x-amz-checksum-* values verified once the last
// byte has arrived. The payload is handed out in pieces; nothing is held
// beyond one read buffer. An upload is committed only after Next() returned
// the final empty piece, so a body that fails a check never becomes visible.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/checksum.h"
#include "strata/http/aws_chunked.h"
#include "strata/http/s3_error.h"
#include "strata/http/sigv4.h"
#include "strata/server/http_exchange.h"

namespace strata::server {

class PayloadReader {
 public:
  static constexpr size_t kReadSize = 1 << 20;

  // With body_checksums false, x-amz-checksum-* headers are not taken as
  // checksums of this body (CompleteMultipartUpload: they describe the object).
  PayloadReader(HttpExchange& exchange, const http::AuthResult& auth, bool body_checksums = true);
  ~PayloadReader();

  // Checks the headers that describe the body before any of it is read:
  // lengths, checksum headers, Content-MD5. Errors name the header.
  http::S3Check Start();
  // The next piece of the payload, valid until the next call; empty when the
  // body is complete and every check passed.
  http::S3Result<std::string_view> Next();

  // The payload size the client declared, when it did (Content-Length or
  // x-amz-decoded-content-length).
  std::optional<uint64_t> declared_size() const { return declared_size_; }
  uint64_t bytes_read() const { return bytes_; }
  // Content-MD5, decoded, when the client sent one (the store checks it).
  const std::optional<std::vector<std::byte>>& content_md5() const { return content_md5_; }
  // Verified checksums to keep with the object: S3 name -> base64.
  const std::map<std::string, std::string>& checksums() const { return checksums_; }

 private:
  http::S3Check Verify();

  HttpExchange& exchange_;
  const http::AuthResult& auth_;
  bool body_checksums_ = true;
  std::unique_ptr<http::AwsChunkedDecoder> decoder_;
  std::string raw_;      // read buffer
  std::string decoded_;  // payload bytes decoded from raw_ (aws-chunked only)
  std::optional<uint64_t> declared_size_;
  uint64_t bytes_ = 0;
  bool finished_ = false;
  std::optional<std::vector<std::byte>> content_md5_;
  std::unique_ptr<Checksummer> sha256_;  // for a signed payload digest
  std::unique_ptr<Checksummer> checksum_;
  std::string checksum_expected_;        // base64 from a header; empty: from a trailer or none
  bool checksum_in_trailer_ = false;
  std::map<std::string, std::string> checksums_;
};

// Reads a small request body (XML documents) whole, through PayloadReader,
// refusing bodies over `limit` bytes.
http::S3Result<std::string> ReadSmallBody(HttpExchange& exchange, const http::AuthResult& auth, size_t limit,
                                          bool body_checksums = true);

}  // namespace strata::server
