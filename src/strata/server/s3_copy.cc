// CopyObject (x-amz-metadata-directive COPY or REPLACE, copy-source
// conditions), GetObjectAcl, and PutObjectAcl (canned ACLs that give no more
// than the bucket's). The copy streams the source through the gateway into a
// new object, so the source may be read while it is copied.
#include "strata/http/s3_xml.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_object_io.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;
using http::XmlWriter;

http::S3Result<std::unique_ptr<ObjectReader>> S3Gateway::OpenCopySource(const S3Request& request) {
  auto source = ParseCopySource(*request.header("x-amz-copy-source"));
  if (!source.ok()) return source.error();
  auto bucket = AuthorizeBucket(request, source->bucket, /*write=*/false);
  if (!bucket.ok()) return bucket.error();
  auto reader = store_.OpenObject(source->bucket, source->key);
  if (!reader.ok()) {
    if (reader.status().IsNotFound()) {
      return S3Error::Make(404, "NoSuchKey", "no object " + source->key + " in bucket " + source->bucket);
    }
    return S3Error::FromStatus(reader.status());
  }
  if (auto error = CheckCopySourceConditions(request, (*reader)->record())) return *error;
  return std::move(*reader);
}

void S3Gateway::CopyObject(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return fail(bucket.error());
  if (auto error = CheckWriteHeaders(request, *bucket)) return fail(*error);
  std::string directive(request.header("x-amz-metadata-directive").value_or("COPY"));
  if (directive != "COPY" && directive != "REPLACE") {
    return fail(S3Error::InvalidArgument("x-amz-metadata-directive must be COPY or REPLACE, not " + directive));
  }
  auto reader = OpenCopySource(request);
  if (!reader.ok()) return fail(reader.error());
  const ObjectRecord& from = (*reader)->record();
  if (from.bucket == request.bucket && from.key == request.key && directive == "COPY") {
    return fail(S3Error::InvalidRequest(
        "this copy request is illegal because it is trying to copy an object to itself without changing the "
        "object's metadata"));
  }

  PutOptions options;
  if (directive == "COPY") {
    options.content_type = from.content_type;
    options.headers = from.headers;
    options.user_metadata = from.user_metadata;
  } else {
    auto replaced = PutOptionsFrom(request);
    if (!replaced.ok()) return fail(replaced.error());
    options = std::move(*replaced);
  }
  auto writer = store_.NewObject(request.bucket, request.key, options);
  if (!writer.ok()) return fail(KeyError(writer.status()));
  if (auto error = CopyObjectBytes(**reader, ByteRange{0, from.size}, **writer)) return fail(*error);
  auto committed = (*writer)->Commit();
  if (!committed.ok()) return fail(CommitError(committed.status()));

  XmlWriter xml("CopyObjectResult");
  xml.Element("LastModified", http::FormatIsoTime(committed->modified_ms));
  xml.Element("ETag", QuotedEtag(committed->etag));
  for (const auto& [algorithm, value] : committed->checksums) xml.Element("Checksum" + algorithm, value);
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::GetObjectAcl(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  auto record = store_.Head(request.bucket, request.key);
  if (!record.ok()) return SendError(request, config_.server, NoSuchKeyOr(record.status(), request));
  // Objects have their bucket's access: the owner has full control, and a
  // public-read bucket lets everyone read.
  SendXml(request, config_.server, 200, AclDocument(OwnerOf(*bucket), bucket->public_read));
}

void S3Gateway::PutObjectAcl(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return fail(bucket.error());
  auto record = store_.Head(request.bucket, request.key);
  if (!record.ok()) return fail(NoSuchKeyOr(record.status(), request));
  if (!request.header("x-amz-acl")) {
    return fail(S3Error::NotImplemented("only canned ACLs (x-amz-acl) are supported on objects"));
  }
  // Nothing to store: an accepted ACL is the one the object already has.
  if (auto error = CheckObjectAcl(request, *bucket)) return fail(*error);
  SendEmpty(request, config_.server, 200);
}

}  // namespace strata::server
