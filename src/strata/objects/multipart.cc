// Multipart uploads: the S3 rules (multipart.h) and the ObjectStore methods
// that create, fill, list, complete and abort uploads. A part is a blob of
// its own, committed as an upload part; completion makes the listed part
// blobs the object's parts in one catalog transaction, copying nothing.
#include "strata/objects/multipart.h"

#include <array>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <map>

#include "strata/base/checksum.h"
#include "strata/base/clock.h"
#include "strata/base/ids.h"
#include "strata/base/md5.h"
#include "strata/objects/object_store.h"
#include "strata/objects/store_errors.h"

namespace strata {
namespace {

// A part that changed between reading the parts and committing the object
// makes the catalog answer Busy; the completion is checked again from the
// start, this many times in all.
constexpr int kCompleteAttempts = 3;
constexpr int kExpiryBatch = 1000;

// Upload ids start with the creation time, 12 hex digits of milliseconds
// (enough until the year 10889), so that they sort as S3 lists uploads.
std::string NewUploadId(int64_t created_ms) {
  char time[16];
  std::snprintf(time, sizeof(time), "%012" PRIx64, static_cast<uint64_t>(created_ms));
  return std::string(time) + NewRandomId();
}

// ETags as clients send them back: maybe quoted, maybe upper case.
std::string NormalizeEtag(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  for (char& c : etag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return etag;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::array<std::byte, 16>> Md5FromHex(const ObjectPart& part) {
  std::array<std::byte, 16> md5{};
  bool valid = part.etag.size() == 32;
  for (size_t i = 0; valid && i < md5.size(); ++i) {
    const int high = HexDigit(part.etag[2 * i]), low = HexDigit(part.etag[2 * i + 1]);
    valid = high >= 0 && low >= 0;
    md5[i] = static_cast<std::byte>(high * 16 + low);
  }
  if (!valid) {
    return Status::InvalidArgument("part " + std::to_string(part.part_number) + ": ETag '" + part.etag +
                                   "' is not an MD5 in hex");
  }
  return md5;
}

std::string UploadName(const MultipartUpload& upload) {
  return "upload " + upload.upload_id + " of " + upload.bucket + "/" + upload.key;
}

Status NoSuchUpload(const std::string& bucket, const std::string& key, const std::string& upload_id) {
  return MultipartErrorStatus(MultipartError::kNoSuchUpload,
                              "upload " + upload_id + " of " + bucket + "/" + key +
                                  " does not exist (completed, aborted or never created)");
}

}  // namespace

// ---------------------------------------------------------------- S3 rules

Result<std::vector<ObjectPart>> SelectCompletedParts(const std::string& upload_id,
                                                     const std::vector<CompletePart>& listed,
                                                     const std::vector<UploadPart>& uploaded) {
  const std::string name = "upload " + upload_id;
  if (listed.empty()) return Status::InvalidArgument(name + ": the completion lists no parts");
  for (size_t i = 1; i < listed.size(); ++i) {
    if (listed[i].part_number <= listed[i - 1].part_number) {
      return MultipartErrorStatus(MultipartError::kInvalidPartOrder,
                                  name + ": part " + std::to_string(listed[i].part_number) + " is listed after part " +
                                      std::to_string(listed[i - 1].part_number) +
                                      "; part numbers must be strictly ascending");
    }
  }
  std::map<int, const UploadPart*> by_number;
  for (const UploadPart& part : uploaded) by_number[part.part_number] = &part;
  std::vector<ObjectPart> parts;
  for (const CompletePart& entry : listed) {
    const std::string part_name = name + ": part " + std::to_string(entry.part_number);
    auto it = by_number.find(entry.part_number);
    if (it == by_number.end()) {
      return MultipartErrorStatus(MultipartError::kInvalidPart, part_name + " was not uploaded");
    }
    const UploadPart& part = *it->second;
    if (NormalizeEtag(entry.etag) != part.etag) {
      return MultipartErrorStatus(MultipartError::kInvalidPart,
                                  part_name + " has ETag " + part.etag + ", not " + entry.etag);
    }
    parts.push_back(ObjectPart{part.part_number, part.blob_id, part.size, part.etag, part.checksums});
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].size < kMinPartSize) {
      return MultipartErrorStatus(MultipartError::kEntityTooSmall,
                                  name + ": part " + std::to_string(parts[i].part_number) + " is " +
                                      std::to_string(parts[i].size) +
                                      " bytes; every part but the last must be at least 5 MiB");
    }
  }
  return parts;
}

Result<std::string> MultipartEtag(const std::vector<ObjectPart>& parts) {
  Md5 md5;
  for (const ObjectPart& part : parts) {
    ASSIGN_OR_RETURN(auto digest, Md5FromHex(part));
    md5.Update(digest);
  }
  return md5.FinishHex() + "-" + std::to_string(parts.size());
}

Result<std::string> MultipartChecksum(const std::string& algorithm, const std::vector<ObjectPart>& parts) {
  if (algorithm.empty()) return std::string();
  std::optional<ChecksumAlgorithm> parsed = ParseChecksumAlgorithm(algorithm);
  if (!parsed) return Status::InvalidArgument("unknown checksum algorithm '" + algorithm + "'");
  std::vector<std::string> values;
  for (const ObjectPart& part : parts) {
    auto it = part.checksums.find(std::string(ChecksumAlgorithmName(*parsed)));
    if (it == part.checksums.end()) return std::string();
    values.push_back(it->second);
  }
  return CompositeChecksum(*parsed, values);
}

// ---------------------------------------------------------------- ObjectStore

Result<MultipartUpload> ObjectStore::CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                                           const PutOptions& options, const std::string& owner,
                                                           const std::string& checksum_algorithm) {
  RETURN_IF_ERROR(ValidateKey(bucket, key));
  MultipartUpload upload;
  if (!checksum_algorithm.empty()) {
    std::optional<ChecksumAlgorithm> parsed = ParseChecksumAlgorithm(checksum_algorithm);
    if (!parsed) {
      return Status::InvalidArgument("upload of " + bucket + "/" + key + ": unknown checksum algorithm '" +
                                     checksum_algorithm + "'");
    }
    upload.checksum_algorithm = ChecksumAlgorithmName(*parsed);
  }
  upload.created_ms = NowMillis();
  upload.upload_id = NewUploadId(upload.created_ms);
  upload.bucket = bucket;
  upload.key = key;
  upload.owner = owner;
  upload.content_type = options.content_type;
  upload.user_metadata = options.user_metadata;
  upload.headers = options.headers;
  RETURN_IF_ERROR(catalog_->CreateUpload(upload));
  return upload;
}

Result<MultipartUpload> ObjectStore::GetMultipartUpload(const std::string& bucket, const std::string& key,
                                                        const std::string& upload_id) {
  auto upload = catalog_->GetUpload(upload_id);
  if (upload.ok() && upload->bucket == bucket && upload->key == key) return upload;
  if (!upload.ok() && !upload.status().IsNotFound()) return upload.status();
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  return NoSuchUpload(bucket, key, upload_id);
}

Status ObjectStore::UploadError(const MultipartUpload& upload, const Status& status) {
  if (!status.IsNotFound()) return status;
  auto still = catalog_->GetUpload(upload.upload_id);
  if (still.ok() || !still.status().IsNotFound()) return status;
  return NoSuchUpload(upload.bucket, upload.key, upload.upload_id);
}

Result<std::unique_ptr<PartWriter>> ObjectStore::NewPart(const MultipartUpload& upload, int part_number) {
  if (part_number < kMinPartNumber || part_number > kMaxPartNumber) {
    return Status::InvalidArgument(UploadName(upload) + ": part number " + std::to_string(part_number) +
                                   " is outside 1 to 10000");
  }
  // Checked now so that a client learns before sending the body; checked
  // again when the part commits.
  auto current = catalog_->GetUpload(upload.upload_id);
  if (!current.ok()) return UploadError(upload, current.status());
  return std::unique_ptr<PartWriter>(new PartWriter(this, upload, part_number));
}

Result<std::vector<UploadPart>> ObjectStore::ListParts(const MultipartUpload& upload, int after_part_number,
                                                       int max_parts, bool* truncated) {
  auto page = catalog_->ListUploadParts(upload.upload_id, after_part_number, max_parts);
  if (!page.ok()) return UploadError(upload, page.status());
  if (truncated != nullptr) *truncated = page->truncated;
  return std::move(page->parts);
}

Result<UploadListing> ObjectStore::ListMultipartUploads(const std::string& bucket, const std::string& prefix,
                                                        const std::string& delimiter, const std::string& key_marker,
                                                        const std::string& upload_id_marker, int max_uploads) {
  return catalog_->ListUploads(bucket, UploadListOptions{prefix, delimiter, key_marker, upload_id_marker, max_uploads});
}

Result<ObjectRecord> ObjectStore::CompleteMultipartUpload(const MultipartUpload& upload,
                                                          const std::vector<CompletePart>& parts) {
  for (int attempt = 1;; ++attempt) {
    auto uploaded = catalog_->ListUploadParts(upload.upload_id, 0, kMaxPartNumber);
    if (!uploaded.ok()) return UploadError(upload, uploaded.status());
    ASSIGN_OR_RETURN(std::vector<ObjectPart> selected, SelectCompletedParts(upload.upload_id, parts, uploaded->parts));

    ObjectRecord record;
    record.bucket = upload.bucket;
    record.key = upload.key;
    record.version_id = NewRandomId();
    for (const ObjectPart& part : selected) record.size += part.size;
    ASSIGN_OR_RETURN(record.etag, MultipartEtag(selected));
    record.content_type = upload.content_type;
    record.user_metadata = upload.user_metadata;
    record.headers = upload.headers;
    ASSIGN_OR_RETURN(std::string checksum, MultipartChecksum(upload.checksum_algorithm, selected));
    if (!checksum.empty()) record.checksums[upload.checksum_algorithm] = checksum;
    record.blob_id = selected.front().blob_id;
    record.parts = std::move(selected);
    record.created_ms = record.modified_ms = NowMillis();

    auto replaced = catalog_->CompleteUpload(upload.upload_id, record);
    if (replaced.ok()) {
      RETURN_IF_ERROR(CollectGarbage());  // the replaced version and the parts left out
      return record;
    }
    if (replaced.status().code() != StatusCode::kBusy || attempt == kCompleteAttempts) {
      return UploadError(upload, replaced.status());
    }
  }
}

Status ObjectStore::AbortMultipartUpload(const MultipartUpload& upload) {
  auto aborted = catalog_->AbortUpload(upload.upload_id);
  if (!aborted.ok()) return UploadError(upload, aborted.status());
  return CollectGarbage();
}

Result<int> ObjectStore::AbortMultipartUploadsBefore(int64_t cutoff_ms) {
  int aborted = 0;
  while (true) {
    ASSIGN_OR_RETURN(auto abandoned, catalog_->ListUploadsCreatedBefore(cutoff_ms, kExpiryBatch));
    for (const MultipartUpload& upload : abandoned) {
      auto gone = catalog_->AbortUpload(upload.upload_id);
      if (gone.ok()) {
        ++aborted;
      } else if (!gone.status().IsNotFound()) {  // NotFound: completed or aborted meanwhile
        return gone.status();
      }
    }
    if (abandoned.size() < static_cast<size_t>(kExpiryBatch)) break;
  }
  RETURN_IF_ERROR(CollectGarbage());
  return aborted;
}

}  // namespace strata
