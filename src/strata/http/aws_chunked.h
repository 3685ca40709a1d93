// AwsChunkedDecoder turns an "aws-chunked" request body (a SigV4 streaming
// upload) back into the object's bytes while they arrive, checking each chunk
// signature when the upload is signed. It buffers one header or trailer line
// at most, never a chunk, so a bad sender cannot make it hold more than a few
// KiB. Bytes reach the sink before their chunk's signature is checked: only a
// successful Finish() vouches for the whole body, and on any error the caller
// must discard what it wrote. Not thread-safe; one decoder per request body.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/base/checksum.h"
#include "strata/http/s3_error.h"
#include "strata/http/sigv4.h"

namespace strata::http {

// Errors: SignatureDoesNotMatch (403) for a chunk or trailer signature that
// does not verify; IncompleteBody (400) when the body ends before the final
// chunk and its trailers; InvalidRequest (400) for anything else malformed
// (bad hex size, missing CRLF, over-long lines, bytes after the end): the
// request is wrong in form, not short. Messages give the byte offset.
class AwsChunkedDecoder {
 public:
  static constexpr size_t kMaxChunkHeaderBytes = 1024;  // a signed header line is 81 + hex digits
  static constexpr size_t kMaxTrailerLineBytes = 4096;
  static constexpr size_t kMaxTrailers = 16;

  // kStreamingSigned: each chunk header carries ";chunk-signature=<64 hex>"
  // (string to sign "AWS4-HMAC-SHA256-PAYLOAD\n<amz_date>\n<scope>\n<previous
  // signature>\n<sha256 of "">\n<sha256 of the chunk data>", the first chained
  // from the seed), the final 0-size chunk too; no trailers.
  // kStreamingSignedTrailer: the same, then "name:value" trailer lines and an
  // "x-amz-trailer-signature:<sig>" line, then an optional empty line.
  // kStreamingUnsignedTrailer: "<hex size>[;extensions]" headers, no
  // signatures, optional trailers, then an empty line, which a body with
  // trailers may leave out. kUnsigned and kSha256 decode like it.
  AwsChunkedDecoder(PayloadMode mode, ChunkSigningContext context);
  ~AwsChunkedDecoder();
  AwsChunkedDecoder(const AwsChunkedDecoder&) = delete;
  AwsChunkedDecoder& operator=(const AwsChunkedDecoder&) = delete;

  // Consumes `in`; calls `sink` with decoded payload bytes (zero or more times,
  // slices of `in`). Returns the error at the first malformed byte or bad
  // signature, and the same error on every later call.
  S3Check Feed(std::string_view in, const std::function<void(std::string_view)>& sink);
  // After the whole body was fed: an error if the body ended early
  // (IncompleteBody) or if a signature failed.
  S3Check Finish();
  // The terminating chunk (and trailers) were seen.
  bool done() const;
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  // Trailing headers (lower-case names), e.g. x-amz-checksum-crc32; not
  // x-amz-trailer-signature.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  enum class State { kChunkHeader, kChunkData, kChunkDataEnd, kTrailer, kTrailerEnd, kDone, kFailed };

  S3Check Fail(S3Error error);
  S3Error Malformed(std::string_view what) const;
  S3Check OnChunkHeader();
  S3Check OnChunkDataEnd();
  S3Check OnTrailerLine();

  const bool signed_;
  const bool trailers_allowed_;
  const ChunkSigningContext context_;
  std::unique_ptr<Checksummer> chunk_sha256_;  // of the current chunk's data
  State state_ = State::kChunkHeader;
  std::string line_;  // the header or trailer line being read, without its LF
  uint64_t chunk_remaining_ = 0;
  uint64_t chunk_index_ = 0;
  std::string chunk_signature_;     // as sent in the current chunk header
  std::string previous_signature_;  // the chain: seed, then each verified chunk
  int crlf_seen_ = 0;               // bytes of an expected CRLF already matched
  uint64_t offset_ = 0;             // body bytes consumed, for messages
  uint64_t decoded_bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::string canonical_trailers_;  // "name:value\n" per trailer, what the trailer signature covers
  S3Check error_;
};

// --- The sending side, for clients (the benchmark, tests) ---

// The signature of one chunk, chained from the previous one (the seed for the first).
std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                           std::string_view chunk_sha256_hex);
// The x-amz-trailer-signature value; canonical_trailers is "name:value\n" per trailer.
std::string TrailerSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                             std::string_view canonical_trailers);
// Frames a whole payload as an aws-chunked body the way the SDKs do: chunks of
// chunk_size bytes, the final empty chunk, and the trailers when the mode has
// them. Signed modes use context (seed_signature included).
std::string EncodeAwsChunked(std::string_view payload, size_t chunk_size, PayloadMode mode,
                             const ChunkSigningContext& context,
                             const std::vector<std::pair<std::string, std::string>>& trailers = {});

}  // namespace strata::http
