// Pieces shared by the operations that write objects or parts (PutObject,
// UploadPart, CopyObject, UploadPartCopy): object options from headers,
// streaming a payload or another object into a writer, and turning store
// errors into the S3 codes clients expect.
#pragma once

#include <array>
#include <cstring>
#include <span>
#include <string>

#include "strata/http/s3_error.h"
#include "strata/objects/object_store.h"
#include "strata/server/payload.h"
#include "strata/server/s3_conditions.h"
#include "strata/server/s3_gateway.h"

namespace strata::server {

// Content-Type, the system headers S3 keeps (Cache-Control,
// Content-Disposition, Content-Encoding, Content-Language, Expires) and
// x-amz-meta-* of a request (MetadataTooLarge past 2 KB).
http::S3Result<PutOptions> PutOptionsFrom(const S3Request& request);

// ETag, Last-Modified, Content-Type, system headers and user metadata of an object.
HeaderList ObjectHeaders(const ObjectRecord& record);

// A store error on opening a writer: bad keys become KeyTooLongError or
// InvalidArgument, a missing bucket NoSuchBucket.
http::S3Error KeyError(const Status& status);
// A store error on commit: a Content-MD5 mismatch becomes BadDigest.
http::S3Error CommitError(const Status& status);
// NotFound becomes NoSuchKey naming the object; anything else as it maps.
http::S3Error NoSuchKeyOr(const Status& status, const S3Request& request);

// The byte range of part `number` of an object; a single-part object has
// one part, itself.
http::S3Result<ByteRange> PartRange(const ObjectRecord& record, int number);

// A canned object ACL (x-amz-acl) is accepted when it gives no more than
// the bucket does (objects have their bucket's access): private and
// bucket-owner-*, and public-read in a public-read bucket.
http::S3Check CheckObjectAcl(const S3Request& request, const BucketRecord& bucket);

// Refuses the headers of an object write that ask for what Strata does not
// do, rather than dropping them: object ACLs beyond the bucket's, grants,
// tagging, object lock, storage classes other than STANDARD, server-side
// encryption, website redirects.
http::S3Check CheckWriteHeaders(const S3Request& request, const BucketRecord& bucket);

// The conditional-write headers of PutObject and CompleteMultipartUpload:
// If-None-Match ("*": the key must not exist; ETags: the current version must
// have none of them) and If-Match ("*" or ETags: the current version must
// exist, NoSuchKey otherwise, and match). 412 PreconditionFailed otherwise. The check
// reads the current version, so a write racing on the same key between the
// check and the commit is not caught.
http::S3Check CheckWriteConditions(ObjectStore& store, const S3Request& request);

// Streams a request payload into an ObjectWriter or PartWriter, with the
// Content-MD5 check and the verified checksums handed to the writer.
template <typename Writer>
http::S3Check StreamPayload(PayloadReader& payload, Writer& writer) {
  if (const auto& md5 = payload.content_md5()) {
    std::array<std::byte, 16> expected;
    std::memcpy(expected.data(), md5->data(), expected.size());
    writer.ExpectMd5(expected);
  }
  while (true) {
    auto piece = payload.Next();
    if (!piece.ok()) return piece.error();
    if (piece->empty()) break;
    Status written = writer.Write(std::as_bytes(std::span<const char>(piece->data(), piece->size())));
    if (!written.ok()) return http::S3Error::FromStatus(written);
  }
  for (const auto& [algorithm, value] : payload.checksums()) writer.SetChecksum(algorithm, value);
  return std::nullopt;
}

// Copies `range` of an open object into a writer, computing any whole-object
// checksum algorithms the source had when the whole source is copied.
template <typename Writer>
http::S3Check CopyObjectBytes(ObjectReader& reader, ByteRange range, Writer& writer) {
  std::vector<std::unique_ptr<Checksummer>> checksummers;
  bool whole = range.first == 0 && range.length == reader.record().size;
  if (whole) {
    for (const auto& [algorithm, value] : reader.record().checksums) {
      auto parsed = ParseChecksumAlgorithm(algorithm);
      if (parsed && value.find('-') == std::string::npos) checksummers.push_back(std::make_unique<Checksummer>(*parsed));
    }
  }
  std::vector<std::byte> buffer(std::min<uint64_t>(std::max<uint64_t>(range.length, 1), 4u << 20));
  uint64_t offset = range.first;
  uint64_t remaining = range.length;
  while (remaining > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, buffer.size()));
    std::span<std::byte> piece(buffer.data(), n);
    Status read = reader.Read(offset, piece);
    if (!read.ok()) return http::S3Error::FromStatus(read);
    for (auto& checksummer : checksummers) checksummer->Update(piece);
    Status written = writer.Write(piece);
    if (!written.ok()) return http::S3Error::FromStatus(written);
    offset += n;
    remaining -= n;
  }
  for (auto& checksummer : checksummers) {
    writer.SetChecksum(std::string(ChecksumAlgorithmName(checksummer->algorithm())), checksummer->FinishBase64());
  }
  return std::nullopt;
}

// Parses x-amz-copy-source ("bucket/key" or "/bucket/key", percent-encoded,
// optionally "?versionId=null").
struct CopySource {
  std::string bucket;
  std::string key;
};
http::S3Result<CopySource> ParseCopySource(std::string_view header);

// The x-amz-copy-source-if-* conditions: any that fails is a 412.
http::S3Check CheckCopySourceConditions(const S3Request& request, const ObjectRecord& source);

}  // namespace strata::server
