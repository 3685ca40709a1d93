// Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort,
// ListParts and ListMultipartUploads. Parts are stored as they arrive;
// completion only records which parts make the object, so it is quick
// however large the object is.
#include <limits>

#include "strata/http/s3_xml.h"
#include "strata/query/background_indexer.h"
#include "strata/server/payload.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_object_io.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;
using http::XmlWriter;

namespace {

constexpr size_t kCompleteBodyLimit = 4 << 20;  // 10,000 parts with checksums
constexpr int kMaxListed = 1000;
constexpr size_t kRememberedCompletions = 10000;

void WriteInitiator(XmlWriter& xml, const std::string& owner) {
  xml.Open("Initiator").Element("ID", owner).Element("DisplayName", owner).Close();
  xml.Open("Owner").Element("ID", owner).Element("DisplayName", owner).Close();
}

S3Error MultipartError(const Status& status) {
  if (auto error = MultipartErrorOf(status)) {
    switch (*error) {
      case MultipartError::kNoSuchUpload:
        return S3Error::Make(404, "NoSuchUpload", status.message());
      case MultipartError::kInvalidPart:
        return S3Error::Make(400, "InvalidPart", status.message());
      case MultipartError::kInvalidPartOrder:
        return S3Error::Make(400, "InvalidPartOrder", status.message());
      case MultipartError::kEntityTooSmall:
        return S3Error::Make(400, "EntityTooSmall", status.message());
    }
  }
  if (status.IsNotFound()) return S3Error::Make(404, "NoSuchUpload", status.message());
  return CommitError(status);
}

}  // namespace

http::S3Result<MultipartUpload> S3Gateway::FindUpload(const S3Request& request, bool write) {
  auto bucket = AuthorizeBucket(request, request.bucket, write);
  if (!bucket.ok()) return bucket.error();
  auto upload = store_.GetMultipartUpload(request.bucket, request.key, request.Query("uploadId").value_or(""));
  if (!upload.ok()) {
    if (upload.status().IsNotFound()) {
      return S3Error::Make(404, "NoSuchUpload",
                           "the upload does not exist: it may have been completed or aborted, or the id is wrong");
    }
    return S3Error::FromStatus(upload.status());
  }
  return std::move(*upload);
}

void S3Gateway::CreateMultipartUpload(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return fail(bucket.error());
  if (auto error = CheckWriteHeaders(request, *bucket)) return fail(*error);
  auto options = PutOptionsFrom(request);
  if (!options.ok()) return fail(options.error());
  std::string algorithm;
  if (auto named = request.header("x-amz-checksum-algorithm")) {
    auto parsed = ParseChecksumAlgorithm(*named);
    if (!parsed) return fail(S3Error::InvalidRequest("unsupported checksum algorithm " + std::string(*named)));
    algorithm = std::string(ChecksumAlgorithmName(*parsed));
  }
  auto upload = store_.CreateMultipartUpload(request.bucket, request.key, *options, request.user_name(), algorithm);
  if (!upload.ok()) return fail(KeyError(upload.status()));
  XmlWriter xml("InitiateMultipartUploadResult");
  xml.Element("Bucket", request.bucket).Element("Key", request.key).Element("UploadId", upload->upload_id);
  HeaderList headers;
  if (!algorithm.empty()) headers.emplace_back("x-amz-checksum-algorithm", algorithm);
  SendXml(request, config_.server, 200, xml.Finish(), headers);
}

void S3Gateway::UploadPart(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto number = request.QueryNumber("partNumber", kMinPartNumber, kMaxPartNumber);
  if (!number.ok()) return fail(number.error());
  if (!number->has_value()) return fail(S3Error::InvalidArgument("an upload part needs ?partNumber"));
  auto upload = FindUpload(request, /*write=*/true);
  if (!upload.ok()) return fail(upload.error());
  PayloadReader payload(*request.exchange, request.auth);
  if (auto error = payload.Start()) return fail(*error);
  auto writer = store_.NewPart(*upload, **number);
  if (!writer.ok()) return fail(MultipartError(writer.status()));
  if (auto error = StreamPayload(payload, **writer)) return fail(*error);
  auto part = (*writer)->Commit();
  if (!part.ok()) return fail(MultipartError(part.status()));
  HeaderList headers = {{"etag", QuotedEtag(part->etag)}};
  for (const auto& [algorithm, value] : part->checksums) {
    if (auto parsed = ParseChecksumAlgorithm(algorithm)) headers.emplace_back(ChecksumHeaderName(*parsed), value);
  }
  SendEmpty(request, config_.server, 200, headers);
}

void S3Gateway::UploadPartCopy(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto number = request.QueryNumber("partNumber", kMinPartNumber, kMaxPartNumber);
  if (!number.ok()) return fail(number.error());
  if (!number->has_value()) return fail(S3Error::InvalidArgument("an upload part needs ?partNumber"));
  auto upload = FindUpload(request, /*write=*/true);
  if (!upload.ok()) return fail(upload.error());
  auto reader = OpenCopySource(request);
  if (!reader.ok()) return fail(reader.error());
  const ObjectRecord& from = (*reader)->record();
  ByteRange range{0, from.size};
  if (auto range_header = request.header("x-amz-copy-source-range")) {
    auto parsed = ParseCopySourceRange(*range_header, from.size);
    if (!parsed.ok()) return fail(parsed.error());
    range = *parsed;
  }
  auto writer = store_.NewPart(*upload, **number);
  if (!writer.ok()) return fail(MultipartError(writer.status()));
  if (auto error = CopyObjectBytes(**reader, range, **writer)) return fail(*error);
  auto part = (*writer)->Commit();
  if (!part.ok()) return fail(MultipartError(part.status()));
  XmlWriter xml("CopyPartResult");
  xml.Element("LastModified", http::FormatIsoTime(part->modified_ms)).Element("ETag", QuotedEtag(part->etag));
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::CompleteMultipartUpload(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto upload = FindUpload(request, /*write=*/true);
  if (!upload.ok()) {
    // A repeated completion of an upload that made the current version.
    auto done = RecentCompletion(request.Query("uploadId").value_or(""));
    if (upload.error().code == "NoSuchUpload" && done && done->bucket == request.bucket && done->key == request.key) {
      auto current = store_.Head(request.bucket, request.key);
      if (current.ok() && current->version_id == done->version_id) {
        return SendCompletion(request, done->etag, done->checksums);
      }
    }
    return fail(upload.error());
  }
  // x-amz-checksum-* here describe the whole object, not this XML body.
  auto body = ReadSmallBody(*request.exchange, request.auth, kCompleteBodyLimit, /*body_checksums=*/false);
  if (!body.ok()) return fail(body.error());
  auto listed = http::ParseCompleteMultipartUpload(*body);
  if (!listed.ok()) return fail(listed.error());
  std::vector<CompletePart> parts;
  for (const http::CompletedPart& part : *listed) {
    if (!parts.empty() && part.part_number <= parts.back().part_number) {
      return fail(S3Error::Make(400, "InvalidPartOrder", "the list of parts was not in ascending order"));
    }
    parts.push_back(CompletePart{part.part_number, part.etag});
  }
  if (auto error = CheckWriteConditions(store_, request)) return fail(*error);
  auto object = store_.CompleteMultipartUpload(*upload, parts);
  if (!object.ok()) return fail(MultipartError(object.status()));
  RememberCompletion(upload->upload_id, *object);
  SendCompletion(request, object->etag, object->checksums);
  if (indexer_) indexer_->Offer(object->bucket, object->key);
}

void S3Gateway::SendCompletion(S3Request& request, const std::string& etag,
                               const std::map<std::string, std::string>& checksums) {
  XmlWriter xml("CompleteMultipartUploadResult");
  xml.Element("Location", "/" + request.bucket + "/" + request.key);
  xml.Element("Bucket", request.bucket).Element("Key", request.key).Element("ETag", QuotedEtag(etag));
  for (const auto& [algorithm, value] : checksums) xml.Element("Checksum" + algorithm, value);
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::RememberCompletion(const std::string& upload_id, const ObjectRecord& object) {
  std::lock_guard lock(completed_mu_);
  completed_[upload_id] = CompletedUpload{object.bucket, object.key, object.version_id, object.etag, object.checksums};
  completed_order_.push_back(upload_id);
  while (completed_order_.size() > kRememberedCompletions) {
    completed_.erase(completed_order_.front());
    completed_order_.pop_front();
  }
}

std::optional<S3Gateway::CompletedUpload> S3Gateway::RecentCompletion(const std::string& upload_id) {
  std::lock_guard lock(completed_mu_);
  auto found = completed_.find(upload_id);
  if (found == completed_.end()) return std::nullopt;
  return found->second;
}

void S3Gateway::AbortMultipartUpload(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto upload = FindUpload(request, /*write=*/true);
  if (!upload.ok()) return fail(upload.error());
  Status aborted = store_.AbortMultipartUpload(*upload);
  if (!aborted.ok()) return fail(MultipartError(aborted));
  SendEmpty(request, config_.server, 204);
}

void S3Gateway::ListParts(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto upload = FindUpload(request, /*write=*/false);
  if (!upload.ok()) return fail(upload.error());
  auto marker = request.QueryNumber("part-number-marker", 0, kMaxPartNumber);
  if (!marker.ok()) return fail(marker.error());
  auto max_parts = request.QueryNumber("max-parts", 0, std::numeric_limits<int>::max());
  if (!max_parts.ok()) return fail(max_parts.error());
  int max = std::min(max_parts->value_or(kMaxListed), kMaxListed);
  bool truncated = false;
  auto parts = store_.ListParts(*upload, marker->value_or(0), max, &truncated);
  if (!parts.ok()) return fail(MultipartError(parts.status()));

  XmlWriter xml("ListPartsResult");
  xml.Element("Bucket", request.bucket).Element("Key", request.key).Element("UploadId", upload->upload_id);
  WriteInitiator(xml, upload->owner);
  xml.Element("StorageClass", "STANDARD");
  xml.Element("PartNumberMarker", static_cast<int64_t>(marker->value_or(0)));
  if (!parts->empty()) xml.Element("NextPartNumberMarker", static_cast<int64_t>(parts->back().part_number));
  xml.Element("MaxParts", static_cast<int64_t>(max));
  xml.Element("IsTruncated", truncated);
  if (!upload->checksum_algorithm.empty()) xml.Element("ChecksumAlgorithm", upload->checksum_algorithm);
  for (const ::strata::UploadPart& part : *parts) {
    xml.Open("Part");
    xml.Element("PartNumber", static_cast<int64_t>(part.part_number));
    xml.Element("LastModified", http::FormatIsoTime(part.modified_ms));
    xml.Element("ETag", QuotedEtag(part.etag));
    xml.Element("Size", static_cast<int64_t>(part.size));
    for (const auto& [algorithm, value] : part.checksums) xml.Element("Checksum" + algorithm, value);
    xml.Close();
  }
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::ListMultipartUploads(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return fail(bucket.error());
  auto max_uploads = request.QueryNumber("max-uploads", 0, std::numeric_limits<int>::max());
  if (!max_uploads.ok()) return fail(max_uploads.error());
  bool url = false;
  if (auto encoding = request.Query("encoding-type")) {
    if (*encoding != "url") return fail(S3Error::InvalidArgument("invalid encoding-type '" + *encoding + "'"));
    url = true;
  }
  auto encode = [url](const std::string& value) { return url ? http::UrlEncodeKey(value) : value; };
  std::string prefix = request.Query("prefix").value_or("");
  std::string delimiter = request.Query("delimiter").value_or("");
  std::string key_marker = request.Query("key-marker").value_or("");
  std::string upload_id_marker = request.Query("upload-id-marker").value_or("");
  int max = std::min(max_uploads->value_or(kMaxListed), kMaxListed);
  auto listing = store_.ListMultipartUploads(request.bucket, prefix, delimiter, key_marker, upload_id_marker, max);
  if (!listing.ok()) return fail(S3Error::FromStatus(listing.status()));

  XmlWriter xml("ListMultipartUploadsResult");
  xml.Element("Bucket", request.bucket);
  xml.Element("KeyMarker", encode(key_marker)).Element("UploadIdMarker", upload_id_marker);
  if (listing->truncated) {
    xml.Element("NextKeyMarker", encode(listing->next_key_marker));
    xml.Element("NextUploadIdMarker", listing->next_upload_id_marker);
  }
  xml.Element("Prefix", encode(prefix));
  if (!delimiter.empty()) xml.Element("Delimiter", encode(delimiter));
  if (url) xml.Element("EncodingType", "url");
  xml.Element("MaxUploads", static_cast<int64_t>(max));
  xml.Element("IsTruncated", listing->truncated);
  for (const MultipartUpload& upload : listing->uploads) {
    xml.Open("Upload");
    xml.Element("Key", encode(upload.key)).Element("UploadId", upload.upload_id);
    WriteInitiator(xml, upload.owner);
    xml.Element("StorageClass", "STANDARD");
    xml.Element("Initiated", http::FormatIsoTime(upload.created_ms));
    if (!upload.checksum_algorithm.empty()) xml.Element("ChecksumAlgorithm", upload.checksum_algorithm);
    xml.Close();
  }
  for (const std::string& common : listing->common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", encode(common)).Close();
  }
  SendXml(request, config_.server, 200, xml.Finish());
}

}  // namespace strata::server
