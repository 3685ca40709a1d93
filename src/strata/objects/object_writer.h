// ObjectWriter streams one object into the store; PartWriter streams one part
// of a multipart upload. Both keep memory bounded, hash the bytes (MD5, the
// S3 ETag) as they go, can check them against a Content-MD5, carry the
// client's checksums, and make nothing visible until Commit. Abort, or
// destruction without Commit, leaves nothing behind. One thread per writer.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strata/base/md5.h"
#include "strata/base/status.h"
#include "strata/catalog/types.h"
#include "strata/cluster/cluster.h"

namespace strata {

class ObjectStore;

// What ObjectWriter and PartWriter share: the bytes, their MD5, the digest
// check and the checksums. Bytes go to a blob of the writer's own; an
// ObjectWriter first holds small ones back, which may end in a pack.
class StreamingWriter {
 public:
  virtual ~StreamingWriter();
  StreamingWriter(const StreamingWriter&) = delete;
  StreamingWriter& operator=(const StreamingWriter&) = delete;

  Status Write(std::span<const std::byte> data);
  // Commit fails, and commits nothing, unless the MD5 of the bytes written
  // equals `md5` (16 raw bytes, as Content-MD5 carries them base64). The
  // failure is InvalidArgument "BadDigest: ... Content-MD5 mismatch ...":
  // test it with IsDigestMismatch (store_errors.h).
  void ExpectMd5(std::array<std::byte, 16> md5);
  // Stored with the object or part and returned by Head, List and ListParts.
  // `algorithm` as S3 spells it ("CRC32", "CRC32C", "SHA1", "SHA256"; any
  // case); the value is base64 of that algorithm's digest. Checked at Commit
  // (InvalidArgument), not compared with the bytes: the gateway verifies
  // what the client sent.
  void SetChecksum(const std::string& algorithm, const std::string& base64_value);
  // Removes what was written; nothing becomes visible.
  void Abort();
  uint64_t bytes_written() const { return size_; }

 protected:
  // `name` names the writer in messages: "bucket/key", "bucket/key part 3".
  // Bytes are held in memory while fewer than `hold_back_below` arrived.
  StreamingWriter(ObjectStore* store, std::string name, uint64_t hold_back_below);

  // Ends writing: checks the digest and the checksums, and returns the hex
  // MD5. On a refusal everything written is removed.
  Result<std::string> Seal();
  // Makes the bytes durable in a blob of their own (held-back bytes too) and
  // returns the blob as finished, still pending in the catalog: the caller
  // commits it. On failure nothing is left.
  Result<BlobRecord> FinishOwnBlob();
  // Removes a finished blob whose catalog commit failed.
  void Discard(const BlobRecord& blob);
  // True once bytes go to a blob of the writer's own rather than memory.
  bool has_blob() const { return blob_writer_ != nullptr; }

  ObjectStore* store_;
  std::string name_;
  bool done_ = false;
  uint64_t size_ = 0;
  std::vector<std::byte> held_;  // bytes held back until they outgrow hold_back_below_
  std::map<std::string, std::string> checksums_;

 private:
  Status StartBlob();

  uint64_t hold_back_below_;
  Md5 md5_;
  std::optional<std::array<std::byte, 16>> expected_md5_;
  BlobRecord blob_;  // once writing to a blob of its own
  std::unique_ptr<BlobWriter> blob_writer_;
};

class ObjectWriter final : public StreamingWriter {
 public:
  // Makes the object durable and current, replacing any previous version.
  Result<ObjectRecord> Commit();

 private:
  friend class ObjectStore;
  ObjectWriter(ObjectStore* store, ObjectRecord record);

  ObjectRecord record_;
};

// A part always gets a blob of its own, however small: completion lists the
// part blobs as they are, without copying.
class PartWriter final : public StreamingWriter {
 public:
  int part_number() const { return part_number_; }
  // Makes the part durable and the upload's part of its number, replacing an
  // earlier one. NoSuchUpload (store_errors.h) if the upload was completed
  // or aborted meanwhile; the bytes are then removed.
  Result<UploadPart> Commit();

 private:
  friend class ObjectStore;
  PartWriter(ObjectStore* store, MultipartUpload upload, int part_number);

  MultipartUpload upload_;
  int part_number_;
};

}  // namespace strata
