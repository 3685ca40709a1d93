#include "strata/server/s3_object_io.h"


#include "strata/http/uri.h"

namespace strata::server {

using http::S3Error;

namespace {

// S3's limit on the user-defined metadata of one object (names and values).
constexpr size_t kMaxUserMetadata = 2 << 10;

}  // namespace

http::S3Result<PutOptions> PutOptionsFrom(const S3Request& request) {
  PutOptions options;
  // S3 labels objects uploaded without a type this way.
  options.content_type = std::string(request.header("content-type").value_or("binary/octet-stream"));
  // The system headers S3 keeps. aws-chunked is how this upload travels,
  // not how the object is encoded, so it is dropped from Content-Encoding.
  for (std::string_view name : {"cache-control", "content-disposition", "content-language", "expires"}) {
    if (auto value = request.header(name)) options.headers[std::string(name)] = std::string(*value);
  }
  if (auto encoding = request.header("content-encoding")) {
    std::string kept;
    for (std::string_view rest = *encoding; !rest.empty();) {
      size_t comma = rest.find(',');
      std::string_view token = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      if (token.empty() || token == "aws-chunked") continue;
      kept += (kept.empty() ? "" : ",") + std::string(token);
    }
    if (!kept.empty()) options.headers["content-encoding"] = kept;
  }
  size_t metadata_size = 0;
  for (const auto& [name, value] : request.exchange->headers()) {
    if (!name.starts_with("x-amz-meta-")) continue;
    std::string short_name = name.substr(11);
    metadata_size += short_name.size() + value.size();
    options.user_metadata[short_name] = value;
  }
  if (metadata_size > kMaxUserMetadata) {
    return S3Error::Make(400, "MetadataTooLarge", "user metadata is " + std::to_string(metadata_size) +
                                                      " bytes; at most " + std::to_string(kMaxUserMetadata) + " are allowed");
  }
  return options;
}

http::S3Check CheckObjectAcl(const S3Request& request, const BucketRecord& bucket) {
  if (auto acl = request.header("x-amz-acl")) {
    // An object has its bucket's access; these ask for nothing more.
    bool as_bucket = *acl == "private" || *acl == "bucket-owner-full-control" || *acl == "bucket-owner-read" ||
                     (*acl == "public-read" && bucket.public_read);
    if (!as_bucket) {
      for (std::string_view known : {"public-read", "public-read-write", "authenticated-read", "aws-exec-read"}) {
        if (*acl == known) {
          return S3Error::NotImplemented("object ACLs are not supported: objects have their bucket's access (x-amz-acl " +
                                         std::string(*acl) + ")");
        }
      }
      return S3Error::InvalidArgument("unknown canned ACL '" + std::string(*acl) + "'");
    }
  }
  return std::nullopt;
}

http::S3Check CheckWriteHeaders(const S3Request& request, const BucketRecord& bucket) {
  if (auto error = CheckObjectAcl(request, bucket)) return error;
  if (auto storage_class = request.header("x-amz-storage-class"); storage_class && *storage_class != "STANDARD") {
    return S3Error::Make(400, "InvalidStorageClass",
                         "Strata has one storage class, STANDARD, not " + std::string(*storage_class));
  }
  for (const auto& [name, value] : request.exchange->headers()) {
    if (name.starts_with("x-amz-grant-") || name.starts_with("x-amz-object-lock-") || name == "x-amz-tagging" ||
        name.starts_with("x-amz-server-side-encryption") || name == "x-amz-website-redirect-location") {
      return S3Error::NotImplemented(name + " is not supported");
    }
  }
  return std::nullopt;
}

http::S3Check CheckWriteConditions(ObjectStore& store, const S3Request& request) {
  auto if_none_match = request.header("if-none-match");
  auto if_match = request.header("if-match");
  if (!if_none_match && !if_match) return std::nullopt;
  auto current = store.Head(request.bucket, request.key);
  if (!current.ok()) {
    if (!current.status().IsNotFound()) return S3Error::FromStatus(current.status());
    // Nothing there: If-Match cannot hold; If-None-Match always does.
    if (if_match) return S3Error::Make(404, "NoSuchKey", "no object " + request.key + " to match (If-Match)");
    return std::nullopt;
  }
  Conditions conditions;
  conditions.if_match = if_match;
  conditions.if_none_match = if_none_match;
  // For a write, "not modified" is a failed precondition too.
  if (EvaluateConditions(conditions, current->etag, current->modified_ms) != ConditionOutcome::kProceed) {
    return S3Error::Make(412, "PreconditionFailed", "the conditions on writing " + request.key + " did not hold");
  }
  return std::nullopt;
}

S3Error KeyError(const Status& status) {
  if (status.IsNotFound()) return S3Error::Make(404, "NoSuchBucket", status.message());
  if (status.code() == StatusCode::kInvalidArgument) {
    if (status.message().find("longer than") != std::string::npos) return S3Error::Make(400, "KeyTooLongError", status.message());
    return S3Error::InvalidArgument(status.message());
  }
  return S3Error::FromStatus(status);
}

S3Error CommitError(const Status& status) {
  if (IsDigestMismatch(status)) {
    return S3Error::BadDigest("the Content-MD5 you specified did not match what was received");
  }
  if (status.IsNotFound()) return S3Error::Make(404, "NoSuchBucket", status.message());
  return S3Error::FromStatus(status);
}

S3Error NoSuchKeyOr(const Status& status, const S3Request& request) {
  if (status.IsNotFound()) {
    // The bucket was checked before; a missing bucket now means it just went.
    return S3Error::Make(404, "NoSuchKey", "no object " + request.key + " in bucket " + request.bucket);
  }
  return S3Error::FromStatus(status);
}

http::S3Result<ByteRange> PartRange(const ObjectRecord& record, int number) {
  if (record.parts.empty()) {
    if (number == 1) return ByteRange{0, record.size};
  } else {
    uint64_t offset = 0;
    for (const ObjectPart& part : record.parts) {
      if (part.part_number == number) return ByteRange{offset, part.size};
      offset += part.size;
    }
  }
  return S3Error::Make(416, "InvalidPartNumber", "the requested part number is not satisfiable");
}

http::S3Result<CopySource> ParseCopySource(std::string_view header) {
  std::string_view text = header;
  size_t question = text.find('?');
  if (question != std::string_view::npos) {
    std::string_view query = text.substr(question + 1);
    text = text.substr(0, question);
    if (query != "versionId=null" && !query.empty()) {
      return S3Error::InvalidArgument("versioning is off: the only source version is null");
    }
  }
  if (text.starts_with('/')) text.remove_prefix(1);
  auto decoded = http::UriDecode(text);
  if (!decoded.ok()) return S3Error::InvalidArgument("x-amz-copy-source: " + decoded.status().message());
  const std::string& path = *decoded;
  size_t slash = path.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) {
    return S3Error::InvalidArgument("x-amz-copy-source must be bucket/key: " + std::string(header));
  }
  return CopySource{path.substr(0, slash), path.substr(slash + 1)};
}

http::S3Check CheckCopySourceConditions(const S3Request& request, const ObjectRecord& source) {
  Conditions conditions{request.header("x-amz-copy-source-if-match"), request.header("x-amz-copy-source-if-none-match"),
                        request.header("x-amz-copy-source-if-modified-since"),
                        request.header("x-amz-copy-source-if-unmodified-since")};
  if (EvaluateConditions(conditions, source.etag, source.modified_ms) != ConditionOutcome::kProceed) {
    return S3Error::Make(412, "PreconditionFailed", "at least one of the copy source preconditions did not hold");
  }
  return std::nullopt;
}

}  // namespace strata::server
