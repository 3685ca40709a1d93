#include "strata/server/s3_gateway.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "strata/base/clock.h"
#include "strata/base/ids.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;

bool S3Request::HasQuery(std::string_view name) const {
  for (const auto& param : query) {
    if (param.name == name) return true;
  }
  return false;
}

std::optional<std::string> S3Request::Query(std::string_view name) const {
  for (const auto& param : query) {
    if (param.name == name) return param.value;
  }
  return std::nullopt;
}

std::string S3Request::resource() const {
  if (bucket.empty()) return "/";
  return key.empty() ? "/" + bucket : "/" + bucket + "/" + key;
}

S3Gateway::S3Gateway(ObjectStore& store, const StoreConfig& config) : store_(store), config_(config) {
  for (const UserConfig& user : config_.users) {
    credentials_.push_back(http::Credentials{user.name, user.access_key, user.secret_key});
  }
}

void S3Gateway::Handle(HttpExchange& exchange) {
  S3Request request;
  request.exchange = &exchange;
  request.request_id = NewRandomId().substr(0, 16);
  int64_t started = NowMillis();
  try {
    Dispatch(request);
  } catch (const std::exception& e) {
    // Library exceptions stop here: the client gets a 500, the server lives.
    SendError(request, config_.server, S3Error::Internal(e.what()));
  }
  spdlog::info("{} {} {} -> {} ({} ms, request {})", exchange.peer(), exchange.method(), exchange.target(),
               exchange.headers_sent() ? "sent" : "none", NowMillis() - started, request.request_id);
}

void S3Gateway::Dispatch(S3Request& request) {
  HttpExchange& exchange = *request.exchange;
  const std::string& target = exchange.target();
  size_t question = target.find('?');
  std::string raw_path = target.substr(0, question);
  std::string raw_query = question == std::string::npos ? "" : target.substr(question + 1);
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };

  if (raw_path.empty() || raw_path[0] != '/') return fail(S3Error::InvalidRequest("the request target must start with '/'"));
  auto query = http::ParseQuery(raw_query);
  if (!query.ok()) return fail(S3Error::InvalidArgument(query.status().message()));
  request.query = std::move(*query);
  // Bucket names never hold '/' or '%', so the path splits before decoding.
  size_t slash = raw_path.find('/', 1);
  auto bucket = http::UriDecode(raw_path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1));
  auto key = http::UriDecode(slash == std::string::npos ? "" : raw_path.substr(slash + 1));
  if (!bucket.ok() || !key.ok()) return fail(S3Error::InvalidArgument("malformed percent-encoding in " + raw_path));
  request.bucket = std::move(*bucket);
  request.key = std::move(*key);

  const std::string& method = exchange.method();
  if (method == "OPTIONS") return SendPreflight(request, config_.server);
  if (auto error = Authenticate(request)) return fail(*error);

  if (request.bucket.empty()) {
    if (method == "GET") return ListBuckets(request);
    return fail(S3Error::Make(405, "MethodNotAllowed", "the service supports only GET"));
  }
  if (request.key.empty()) {
    if (method == "GET") {
      if (request.HasQuery("location")) return GetBucketLocation(request);
      if (request.HasQuery("acl")) return GetBucketAcl(request);
      if (request.HasQuery("versioning")) return GetBucketVersioning(request);
      if (request.HasQuery("versions")) return ListObjectVersions(request);
      if (request.HasQuery("uploads")) return ListMultipartUploads(request);
      for (const char* unsupported : {"policy", "cors", "lifecycle", "tagging", "encryption", "replication", "website",
                                      "logging", "notification", "object-lock", "ownershipControls"}) {
        if (request.HasQuery(unsupported)) {
          return fail(S3Error::NotImplemented(std::string("bucket ") + unsupported + " configuration is not supported"));
        }
      }
      auto list_type = request.Query("list-type");
      if (list_type && *list_type == "2") return ListObjects(request, 2);
      return ListObjects(request, 1);
    }
    if (method == "PUT") {
      if (request.HasQuery("acl")) return PutBucketAcl(request);
      if (!request.query.empty()) {
        return fail(S3Error::NotImplemented("bucket subresource ?" + request.query.front().name + " is not supported"));
      }
      return CreateBucket(request);
    }
    if (method == "DELETE") {
      if (!request.query.empty()) {
        return fail(S3Error::NotImplemented("bucket subresource ?" + request.query.front().name + " is not supported"));
      }
      return DeleteBucket(request);
    }
    if (method == "HEAD") return HeadBucket(request);
    if (method == "POST" && request.HasQuery("delete")) return DeleteObjects(request);
    return fail(S3Error::Make(405, "MethodNotAllowed", method + " is not allowed on a bucket"));
  }
  if (method == "PUT") {
    if (request.HasQuery("uploadId") || request.HasQuery("partNumber")) {
      if (request.header("x-amz-copy-source")) return UploadPartCopy(request);
      return UploadPart(request);
    }
    if (request.HasQuery("acl") || request.HasQuery("tagging") || request.HasQuery("retention") ||
        request.HasQuery("legal-hold")) {
      return fail(S3Error::NotImplemented("object subresource ?" + request.query.front().name + " is not supported"));
    }
    if (request.header("x-amz-copy-source")) return CopyObject(request);
    return PutObject(request);
  }
  if (method == "GET" || method == "HEAD") {
    if (request.HasQuery("uploadId") && method == "GET") return ListParts(request);
    if (request.HasQuery("acl") && method == "GET") return GetObjectAcl(request);
    if (request.HasQuery("tagging") || request.HasQuery("attributes") || request.HasQuery("torrent")) {
      return fail(S3Error::NotImplemented("object subresource ?" + request.query.front().name + " is not supported"));
    }
    return GetObject(request, method == "HEAD");
  }
  if (method == "DELETE") {
    if (request.HasQuery("uploadId")) return AbortMultipartUpload(request);
    return DeleteObject(request);
  }
  if (method == "POST") {
    if (request.HasQuery("uploads")) return CreateMultipartUpload(request);
    if (request.HasQuery("uploadId")) return CompleteMultipartUpload(request);
    return fail(S3Error::NotImplemented("POST on an object needs ?uploads or ?uploadId"));
  }
  return fail(S3Error::Make(405, "MethodNotAllowed", method + " is not allowed on an object"));
}

http::S3Check S3Gateway::Authenticate(S3Request& request) {
  http::SignedRequest signed_request;
  HttpExchange& exchange = *request.exchange;
  signed_request.method = exchange.method();
  const std::string& target = exchange.target();
  size_t question = target.find('?');
  signed_request.raw_path = target.substr(0, question);
  signed_request.raw_query = question == std::string::npos ? "" : target.substr(question + 1);
  signed_request.headers = exchange.headers();
  auto lookup = [this](std::string_view access_key) -> const http::Credentials* {
    for (const auto& credentials : credentials_) {
      if (credentials.access_key == access_key) return &credentials;
    }
    return nullptr;
  };
  http::VerifyOptions options;
  options.region = config_.server.region;
  options.now_seconds = NowMillis() / 1000;
  auto auth = http::VerifyRequest(signed_request, lookup, options);
  if (!auth.ok()) return auth.error();
  request.auth = std::move(*auth);
  request.user = request.auth.credentials;
  request.admin = request.user != nullptr && request.user == &credentials_.front();
  return std::nullopt;
}

http::S3Result<BucketRecord> S3Gateway::AuthorizeBucket(const S3Request& request, const std::string& bucket,
                                                        bool write) {
  auto record = store_.GetBucket(bucket);
  if (!record.ok()) {
    if (record.status().IsNotFound()) return S3Error::Make(404, "NoSuchBucket", "bucket " + bucket + " does not exist");
    return S3Error::FromStatus(record.status());
  }
  if (request.user == nullptr) {
    if (!write && record->public_read) return std::move(*record);
    return S3Error::AccessDenied("anonymous access to bucket " + bucket + " is not allowed");
  }
  // Buckets made with the command line have no owner: only the
  // administrator (the first configured user) may use them.
  if (request.admin || (!record->owner.empty() && record->owner == request.user->user)) return std::move(*record);
  if (!write && record->public_read) return std::move(*record);
  return S3Error::AccessDenied("user " + request.user->user + " may not " + (write ? "write" : "read") + " bucket " +
                               bucket);
}

Status S3Gateway::RunMaintenance() {
  int64_t cutoff = NowMillis() - static_cast<int64_t>(config_.server.multipart_expiry_seconds) * 1000;
  auto aborted = store_.AbortMultipartUploadsBefore(cutoff);
  if (!aborted.ok()) return aborted.status();
  if (*aborted > 0) spdlog::info("aborted {} abandoned multipart upload(s)", *aborted);
  return store_.CollectGarbage();
}

}  // namespace strata::server
