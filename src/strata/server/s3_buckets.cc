// The service and bucket operations: ListBuckets, CreateBucket, DeleteBucket,
// HeadBucket, GetBucketLocation, bucket ACLs (canned private/public-read)
// and GetBucketVersioning (always unversioned).
#include <algorithm>
#include <cstdint>
#include <string>

#include "strata/base/checksum.h"
#include "strata/http/s3_xml.h"
#include "strata/server/payload.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;
using http::XmlWriter;

namespace {

constexpr size_t kSmallBodyLimit = 64 << 10;

void WriteOwner(XmlWriter& xml, const std::string& owner) {
  xml.Open("Owner").Element("ID", owner).Element("DisplayName", owner).Close();
}

// The canned ACLs Strata keeps: a bucket is private or readable by anyone.
http::S3Result<bool> ParseCannedAcl(std::string_view acl) {
  if (acl == "private") return false;
  if (acl == "public-read") return true;
  return S3Error::NotImplemented("canned ACL '" + std::string(acl) + "' is not supported; use private or public-read");
}

}  // namespace

void S3Gateway::ListBuckets(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  if (request.user == nullptr) return fail(S3Error::AccessDenied("sign in to list buckets"));
  // Paging (max-buckets, continuation-token) and prefix, as S3 added them;
  // without max-buckets every bucket is listed.
  auto max_text = request.QueryNumber("max-buckets", 1, 10000);
  if (!max_text.ok()) return fail(max_text.error());
  const size_t max_buckets = max_text->has_value() ? static_cast<size_t>(**max_text) : SIZE_MAX;
  std::string after;
  if (auto token = request.Query("continuation-token")) {
    auto decoded = Base64Decode(*token);
    if (!decoded.ok()) return fail(S3Error::InvalidArgument("the continuation token provided is incorrect"));
    after.assign(reinterpret_cast<const char*>(decoded->data()), decoded->size());
  }
  std::string prefix = request.Query("prefix").value_or("");
  auto buckets = store_.ListBuckets();
  if (!buckets.ok()) return fail(S3Error::FromStatus(buckets.status()));
  std::sort(buckets->begin(), buckets->end(), [](const auto& a, const auto& b) { return a.name < b.name; });

  XmlWriter xml("ListAllMyBucketsResult");
  WriteOwner(xml, request.user_name());
  xml.Open("Buckets");
  size_t listed = 0;
  std::string last;
  bool more = false;
  for (const BucketRecord& bucket : *buckets) {
    if (!request.admin && bucket.owner != request.user_name()) continue;
    if (!bucket.name.starts_with(prefix) || (!after.empty() && bucket.name <= after)) continue;
    if (listed == max_buckets) {
      more = true;
      break;
    }
    xml.Open("Bucket").Element("Name", bucket.name).Element("CreationDate", http::FormatIsoTime(bucket.created_ms));
    xml.Element("BucketRegion", config_.server.region).Close();
    last = bucket.name;
    ++listed;
  }
  xml.Close();
  if (more) xml.Element("ContinuationToken", Base64Encode(last));
  if (request.HasQuery("prefix")) xml.Element("Prefix", prefix);
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::CreateBucket(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  if (request.user == nullptr) return fail(S3Error::AccessDenied("sign in to create buckets"));
  if (auto lock = request.header("x-amz-bucket-object-lock-enabled"); lock && *lock == "true") {
    return fail(S3Error::NotImplemented("object lock is not supported"));
  }
  BucketOptions options;
  options.owner = request.user_name();
  if (auto acl = request.header("x-amz-acl")) {
    auto public_read = ParseCannedAcl(*acl);
    if (!public_read.ok()) return fail(public_read.error());
    options.public_read = *public_read;
  }
  auto body = ReadSmallBody(*request.exchange, request.auth, kSmallBodyLimit);
  if (!body.ok()) return fail(body.error());
  auto location = http::ParseCreateBucketConfiguration(*body);
  if (!location.ok()) return fail(location.error());
  if (!location->empty() && *location != config_.server.region) {
    return fail(S3Error::Make(400, "IllegalLocationConstraintException",
                              "this endpoint serves region " + config_.server.region + ", not " + *location));
  }
  Status created = store_.CreateBucket(request.bucket, options);
  if (created.code() == StatusCode::kAlreadyExists) {
    auto existing = store_.GetBucket(request.bucket);
    if (existing.ok() && (existing->owner == request.user_name() || (existing->owner.empty() && request.admin))) {
      // us-east-1 answers 200 here, for legacy reasons; other regions 409.
      if (config_.server.region == "us-east-1") {
        return SendEmpty(request, config_.server, 200, {{"location", "/" + request.bucket}});
      }
      return fail(S3Error::Make(409, "BucketAlreadyOwnedByYou", "you already own bucket " + request.bucket));
    }
    return fail(S3Error::Make(409, "BucketAlreadyExists", "bucket " + request.bucket + " exists and is not yours"));
  }
  if (created.code() == StatusCode::kInvalidArgument) {
    return fail(S3Error::Make(400, "InvalidBucketName", created.message()));
  }
  if (!created.ok()) return fail(S3Error::FromStatus(created));
  SendEmpty(request, config_.server, 200, {{"location", "/" + request.bucket}});
}

void S3Gateway::DeleteBucket(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  Status deleted = store_.DeleteBucket(request.bucket);
  if (deleted.code() == StatusCode::kFailedPrecondition) {
    return SendError(request, config_.server,
                     S3Error::Make(409, "BucketNotEmpty", "bucket " + request.bucket + " is not empty"));
  }
  if (deleted.IsNotFound()) {
    return SendError(request, config_.server,
                     S3Error::Make(404, "NoSuchBucket", "bucket " + request.bucket + " does not exist"));
  }
  if (!deleted.ok()) return SendError(request, config_.server, S3Error::FromStatus(deleted));
  SendEmpty(request, config_.server, 204);
}

void S3Gateway::HeadBucket(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  SendEmpty(request, config_.server, 200, {{"x-amz-bucket-region", config_.server.region}});
}

void S3Gateway::GetBucketLocation(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  // S3 reports us-east-1 as an empty constraint.
  std::string region = config_.server.region == "us-east-1" ? "" : config_.server.region;
  // The region is the root element's own text, which XmlWriter does not
  // write, so this small document is spelled out.
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                    http::XmlEscape(region) + "</LocationConstraint>";
  SendXml(request, config_.server, 200, xml);
}

void S3Gateway::GetBucketAcl(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  SendXml(request, config_.server, 200, AclDocument(OwnerOf(*bucket), bucket->public_read));
}

void S3Gateway::PutBucketAcl(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  auto acl = request.header("x-amz-acl");
  if (!acl) {
    return SendError(request, config_.server,
                     S3Error::NotImplemented("only canned ACLs (x-amz-acl: private or public-read) are supported"));
  }
  auto public_read = ParseCannedAcl(*acl);
  if (!public_read.ok()) return SendError(request, config_.server, public_read.error());
  Status set = store_.SetBucketPublicRead(request.bucket, *public_read);
  if (!set.ok()) return SendError(request, config_.server, S3Error::FromStatus(set));
  SendEmpty(request, config_.server, 200);
}

void S3Gateway::GetBucketVersioning(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  // Versioning was never enabled: S3 answers with an empty configuration.
  SendXml(request, config_.server, 200, XmlWriter("VersioningConfiguration").Finish());
}

}  // namespace strata::server
