#include "strata/objects/object_writer.h"

#include <future>

#include "strata/base/checksum.h"
#include "strata/base/clock.h"
#include "strata/base/hex.h"
#include "strata/objects/object_store.h"
#include "strata/objects/store_errors.h"

namespace strata {
namespace {

// Below this, hashing on another core costs more than it saves.
constexpr size_t kHashInParallelBytes = 256u << 10;

// The checksums as they are stored: algorithm names in S3's spelling, values
// checked to be base64 of a digest of the algorithm's size.
Result<std::map<std::string, std::string>> CanonicalChecksums(const std::string& name,
                                                              const std::map<std::string, std::string>& given) {
  std::map<std::string, std::string> checksums;
  for (const auto& [algorithm, value] : given) {
    std::optional<ChecksumAlgorithm> parsed = ParseChecksumAlgorithm(algorithm);
    if (!parsed) return Status::InvalidArgument(name + ": unknown checksum algorithm '" + algorithm + "'");
    auto digest = Base64Decode(value);
    if (!digest.ok() || digest->size() != ChecksumSize(*parsed)) {
      return Status::InvalidArgument(name + ": " + std::string(ChecksumAlgorithmName(*parsed)) + " checksum '" +
                                     value + "' is not base64 of a " + std::to_string(ChecksumSize(*parsed)) +
                                     "-byte digest");
    }
    checksums[std::string(ChecksumAlgorithmName(*parsed))] = value;
  }
  return checksums;
}

}  // namespace

// ---------------------------------------------------------------- StreamingWriter

StreamingWriter::StreamingWriter(ObjectStore* store, std::string name, uint64_t hold_back_below)
    : store_(store), name_(std::move(name)), hold_back_below_(hold_back_below) {}

StreamingWriter::~StreamingWriter() {
  if (!done_) Abort();
}

void StreamingWriter::ExpectMd5(std::array<std::byte, 16> md5) { expected_md5_ = md5; }

void StreamingWriter::SetChecksum(const std::string& algorithm, const std::string& base64_value) {
  checksums_[algorithm] = base64_value;
}

Status StreamingWriter::Write(std::span<const std::byte> data) {
  if (done_) return Status::FailedPrecondition(name_ + " is already finished");
  size_ += data.size();
  if (!blob_writer_ && held_.size() + data.size() < hold_back_below_) {
    md5_.Update(data);
    held_.insert(held_.end(), data.begin(), data.end());
    return Status::OK();
  }
  Status st = blob_writer_ ? Status::OK() : StartBlob();  // writes what was held back (already hashed)
  if (st.ok()) {
    // MD5 is slower than coding and writing: hash on another core while this
    // one codes and writes the same bytes.
    std::future<void> hashed;
    if (data.size() >= kHashInParallelBytes) {
      hashed = std::async(std::launch::async, [this, data] { md5_.Update(data); });
    } else {
      md5_.Update(data);
    }
    st = blob_writer_->Write(data);
    if (hashed.valid()) hashed.get();
  }
  if (!st.ok()) {
    Abort();
    return st.WithContext("put " + name_);
  }
  return Status::OK();
}

void StreamingWriter::Abort() {
  done_ = true;
  if (blob_writer_) {
    blob_writer_->Abort();
    blob_writer_.reset();
    (void)store_->catalog_->RemoveBlob(blob_.blob_id);
  }
  held_.clear();
}

Status StreamingWriter::StartBlob() {
  ASSIGN_OR_RETURN(blob_, store_->BeginBlob(BlobKind::kObject, 0));
  auto writer = store_->cluster_->WriteBlob(blob_);
  if (!writer.ok()) {
    (void)store_->catalog_->RemoveBlob(blob_.blob_id);
    return writer.status();
  }
  blob_writer_ = std::move(writer).value();
  Status st = blob_writer_->Write(held_);
  held_.clear();
  held_.shrink_to_fit();
  return st;
}

Result<std::string> StreamingWriter::Seal() {
  if (done_) return Status::FailedPrecondition(name_ + " is already finished");
  done_ = true;
  const std::array<std::byte, 16> md5 = md5_.Finish();
  if (expected_md5_ && *expected_md5_ != md5) {
    Abort();
    return DigestMismatchStatus(name_ + ": Content-MD5 mismatch: the request gave " + ToHex(*expected_md5_) +
                                ", the bytes received hash to " + ToHex(md5));
  }
  auto checksums = CanonicalChecksums(name_, checksums_);
  if (!checksums.ok()) {
    Abort();
    return checksums.status();
  }
  checksums_ = std::move(checksums).value();
  return ToHex(md5);
}

Result<BlobRecord> StreamingWriter::FinishOwnBlob() {
  if (!blob_writer_) {
    Status started = StartBlob();
    if (!started.ok()) {
      Abort();
      return started.WithContext("put " + name_);
    }
  }
  auto placement = blob_writer_->Finish();
  blob_writer_.reset();
  if (!placement.ok()) {
    // Finish removed the blocks; the pending record goes too.
    (void)store_->catalog_->RemoveBlob(blob_.blob_id);
    return placement.status().WithContext("put " + name_);
  }
  Status finished = store_->FinishBlob(blob_, size_, *placement);
  if (!finished.ok()) {
    Discard(blob_);
    return finished;
  }
  return blob_;
}

void StreamingWriter::Discard(const BlobRecord& blob) { store_->DiscardPendingBlob(blob); }

// ---------------------------------------------------------------- ObjectWriter

ObjectWriter::ObjectWriter(ObjectStore* store, ObjectRecord record)
    : StreamingWriter(store, record.bucket + "/" + record.key, store->config().small_object_threshold),
      record_(std::move(record)) {}

Result<ObjectRecord> ObjectWriter::Commit() {
  const bool held_back = !has_blob();
  ASSIGN_OR_RETURN(record_.etag, Seal());
  record_.size = size_;
  record_.checksums = checksums_;
  record_.created_ms = record_.modified_ms = NowMillis();
  if (held_back) return store_->CommitSmall(std::move(record_), std::move(held_));

  ASSIGN_OR_RETURN(BlobRecord blob, FinishOwnBlob());
  record_.blob_id = blob.blob_id;
  record_.blob_offset = 0;
  auto replaced = store_->catalog_->CommitObject(record_, BlobCompletion{blob.size, blob.placement});
  if (!replaced.ok()) {
    Discard(blob);
    return replaced.status();
  }
  RETURN_IF_ERROR(store_->CollectGarbage());
  return record_;
}

// ---------------------------------------------------------------- PartWriter

PartWriter::PartWriter(ObjectStore* store, MultipartUpload upload, int part_number)
    : StreamingWriter(store, upload.bucket + "/" + upload.key + " part " + std::to_string(part_number),
                      /*hold_back_below=*/0),
      upload_(std::move(upload)),
      part_number_(part_number) {}

Result<UploadPart> PartWriter::Commit() {
  ASSIGN_OR_RETURN(std::string etag, Seal());
  ASSIGN_OR_RETURN(BlobRecord blob, FinishOwnBlob());
  UploadPart part;
  part.part_number = part_number_;
  part.blob_id = blob.blob_id;
  part.size = size_;
  part.etag = std::move(etag);
  part.checksums = checksums_;
  part.modified_ms = NowMillis();
  auto replaced =
      store_->catalog_->CommitUploadPart(upload_.upload_id, part, BlobCompletion{blob.size, blob.placement});
  if (!replaced.ok()) {
    Discard(blob);
    return store_->UploadError(upload_, replaced.status());
  }
  if (*replaced) RETURN_IF_ERROR(store_->CollectGarbage());  // the replaced part's blob
  return part;
}

}  // namespace strata
