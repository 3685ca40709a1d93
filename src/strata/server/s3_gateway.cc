#include "strata/server/s3_gateway.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <exception>

#include "strata/base/clock.h"
#include "strata/base/ids.h"
#include "strata/objects/names.h"
#include "strata/server/s3_response.h"
#include "strata/query/background_indexer.h"
#include "strata/tiering/placement_plan.h"
#include "strata/tiering/retention.h"

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

http::S3Result<std::optional<int>> S3Request::QueryNumber(std::string_view name, int low, int high) const {
  auto text = Query(name);
  if (!text) return std::optional<int>();
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    return S3Error::InvalidArgument(std::string(name) + " must be a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high) + ", not '" + *text + "'");
  }
  return std::optional<int>(value);
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

namespace {

// Query parameters that select an operation rather than qualify one (the S3
// API's sub-resources). Anything else (prefix, max-keys, x-id, X-Amz-*,
// response-*) leaves the operation as the method and path choose it.
constexpr std::string_view kSubresources[] = {
    "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
    "inventory", "legal-hold", "lifecycle", "location", "logging", "metadataConfiguration", "metrics",
    "notification", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
    "renameObject", "replication", "requestPayment", "restore", "retention", "select", "session", "tagging",
    "torrent", "uploadId", "uploads", "versioning", "versions", "website"};

std::string Subresource(const S3Request& request) {
  for (const auto& param : request.query) {
    for (std::string_view known : kSubresources) {
      if (param.name == known) return param.name;
    }
  }
  return "";
}

}  // namespace

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
  if (!IsValidUtf8(request.key)) {
    return fail(S3Error::Make(400, "InvalidURI", "Couldn't parse the specified URI."));
  }

  const std::string& method = exchange.method();
  if (method == "OPTIONS") return SendPreflight(request, config_.server);
  if (auto error = Authenticate(request)) return fail(*error);

  if (raw_path == "/api/v1/query") return QueryApi(request);
  if (raw_path == "/api/v1/retention") return RetentionApi(request);
  if (raw_path == "/api/v1/plan") return PlanApi(request);

  const std::string sub = Subresource(request);
  auto unsupported = [&] {
    return fail(S3Error::NotImplemented(method + " ?" + sub + " is not supported"));
  };
  if (request.bucket.empty()) {
    if (method == "GET" && sub.empty()) return ListBuckets(request);
    return fail(S3Error::Make(405, "MethodNotAllowed", "the service supports only GET"));
  }
  if (request.key.empty()) {
    if (method == "GET") {
      if (sub.empty()) {
        auto list_type = request.Query("list-type");
        return ListObjects(request, list_type && *list_type == "2" ? 2 : 1);
      }
      if (sub == "location") return GetBucketLocation(request);
      if (sub == "acl") return GetBucketAcl(request);
      if (sub == "versioning") return GetBucketVersioning(request);
      if (sub == "versions") return ListObjectVersions(request);
      if (sub == "uploads") return ListMultipartUploads(request);
      if (auto unset = UnsetBucketConfiguration(request, sub)) return fail(*unset);
      return unsupported();
    }
    if (method == "PUT") {
      if (sub.empty()) return CreateBucket(request);
      if (sub == "acl") return PutBucketAcl(request);
      return unsupported();
    }
    if (method == "DELETE") {
      if (sub.empty()) return DeleteBucket(request);
      if (auto unset = UnsetBucketConfiguration(request, sub)) {
        // Deleting a configuration the bucket does not have leaves it without one.
        if (unset->http_status == 404 && unset->code != "NoSuchBucket") return SendEmpty(request, config_.server, 204);
        return fail(*unset);
      }
      return unsupported();
    }
    if (method == "HEAD") return HeadBucket(request);
    if (method == "POST" && sub == "delete") return DeleteObjects(request);
    if (method == "POST") return unsupported();
    return fail(S3Error::Make(405, "MethodNotAllowed", method + " is not allowed on a bucket"));
  }
  if (method == "PUT") {
    if (sub == "uploadId") {
      if (request.header("x-amz-copy-source")) return UploadPartCopy(request);
      return UploadPart(request);
    }
    if (sub == "acl") return PutObjectAcl(request);
    if (!sub.empty()) return unsupported();
    if (request.header("x-amz-copy-source")) return CopyObject(request);
    return PutObject(request);
  }
  if (method == "GET" || method == "HEAD") {
    if (sub.empty()) return GetObject(request, method == "HEAD");
    if (method == "GET" && sub == "uploadId") return ListParts(request);
    if (method == "GET" && sub == "acl") return GetObjectAcl(request);
    return unsupported();
  }
  if (method == "DELETE") {
    if (sub.empty()) return DeleteObject(request);
    if (sub == "uploadId") return AbortMultipartUpload(request);
    return unsupported();
  }
  if (method == "POST") {
    if (sub == "uploads") return CreateMultipartUpload(request);
    if (sub == "uploadId") return CompleteMultipartUpload(request);
    if (sub == "select") return SelectObjectContent(request);
    return unsupported();
  }
  return fail(S3Error::Make(405, "MethodNotAllowed", method + " is not allowed on an object"));
}

// Bucket configurations Strata does not keep: reading one answers as S3 does
// for a bucket that has none (404 with the configuration's own code), so
// clients that probe them carry on.
http::S3Check S3Gateway::UnsetBucketConfiguration(const S3Request& request, const std::string& sub) {
  static constexpr std::pair<const char*, const char*> kUnset[] = {
      {"policy", "NoSuchBucketPolicy"},
      {"cors", "NoSuchCORSConfiguration"},
      {"lifecycle", "NoSuchLifecycleConfiguration"},
      {"tagging", "NoSuchTagSet"},
      {"encryption", "ServerSideEncryptionConfigurationNotFoundError"},
      {"replication", "ReplicationConfigurationNotFoundError"},
      {"website", "NoSuchWebsiteConfiguration"},
      {"object-lock", "ObjectLockConfigurationNotFoundError"},
      {"ownershipControls", "OwnershipControlsNotFoundError"},
      {"publicAccessBlock", "NoSuchPublicAccessBlockConfiguration"},
  };
  for (const auto& [name, code] : kUnset) {
    if (sub != name) continue;
    auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/request.method() != "GET");
    if (!bucket.ok()) return bucket.error();
    return S3Error::Make(404, code, std::string("bucket ") + request.bucket + " has no " + name + " configuration");
  }
  return std::nullopt;
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

const std::string& S3Gateway::OwnerOf(const BucketRecord& bucket) const {
  return bucket.owner.empty() ? credentials_.front().user : bucket.owner;
}

http::S3Result<BucketRecord> S3Gateway::AuthorizeBucket(const S3Request& request, const std::string& bucket,
                                                        bool write) {
  auto record = store_.GetBucket(bucket);
  if (!record.ok()) {
    if (record.status().IsNotFound()) return S3Error::Make(404, "NoSuchBucket", "bucket " + bucket + " does not exist");
    return S3Error::FromStatus(record.status());
  }
  if (auto expected = request.header("x-amz-expected-bucket-owner")) {
    if (*expected != OwnerOf(*record)) return S3Error::AccessDenied("bucket " + bucket + " is not owned by " + std::string(*expected));
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
  // Retention lists every object under its rules' prefixes: every quarter
  // of an hour is often enough for rules counted in days.
  const int64_t now = NowMillis();
  if (!config_.retention.empty() && now - last_retention_ms_ >= kRetentionIntervalMs) {
    last_retention_ms_ = now;
    auto report = tiering::ReviewRetention(store_, config_.retention, now);
    if (!report.ok()) return report.status();
    for (const tiering::RetentionEntry& e : report->warnings) {
      if (retention_warned_.insert(e.bucket + "/" + e.key + "@" + std::to_string(e.expires_ms)).second) {
        spdlog::warn("retention: {}/{} expires {} (rule {})", e.bucket, e.key, FormatIso8601(e.expires_ms), e.rule);
      }
    }
    auto deleted = tiering::ExpireObjects(store_, config_.retention, report->expired, now);
    if (!deleted.ok()) return deleted.status();
    if (*deleted > 0) spdlog::info("retention: deleted {} expired object(s)", *deleted);
  }
  const uint32_t interval = config_.server.placement_interval_seconds;
  if (interval > 0 && (placement_unfinished_ || now - last_placement_ms_ >= int64_t{interval} * 1000)) {
    if (!placement_unfinished_) last_placement_ms_ = now;
    Status placed = RunPlacement(now);
    if (!placed.ok()) spdlog::warn("placement: {}", placed.ToString());
  }
  // Dataset access counts reach the catalog at least every minute, even on
  // a server that has gone quiet.
  Status flushed = store_.access().Flush();
  if (!flushed.ok()) spdlog::warn("access history: {}", flushed.ToString());
  return store_.CollectGarbage();
}

Status S3Gateway::RunPlacement(int64_t now) {
  ASSIGN_OR_RETURN(tiering::Plan plan, tiering::MakePlan(store_, now));
  placement_unfinished_ = false;
  if (plan.moves.empty()) return Status::OK();
  if (!plan.popularity_note.empty()) spdlog::info("placement: {}", plan.popularity_note);
  tiering::ApplyOptions options;
  options.bytes_per_second = config_.server.move_rate;
  // About one maintenance interval's worth of copying per call, so that the
  // rest of upkeep and shutdown never wait long; the next call goes on.
  if (options.bytes_per_second > 0) options.max_bytes = options.bytes_per_second * 60;
  for (const tiering::PlannedMove& m : plan.moves) {
    std::string from;
    for (const std::string& tier : m.from) from += (from.empty() ? "" : "+") + tier;
    spdlog::info("placement: dataset {} ({} object(s), {} bytes) from {} to {}: {}", m.dataset, m.objects, m.bytes,
                 from.empty() ? "-" : from, m.to, m.why);
  }
  ASSIGN_OR_RETURN(tiering::ApplyReport report, tiering::ApplyPlan(store_, plan, options));
  for (const std::string& problem : report.problems) spdlog::warn("placement: {}", problem);
  // Row-group indexes live beside a blob's blocks: moved tables get new ones.
  if (indexer_ != nullptr) {
    for (const std::string& table : report.moved_tables) {
      const size_t slash = table.find('/');
      indexer_->Offer(table.substr(0, slash), table.substr(slash + 1));
    }
  }
  spdlog::info("placement: moved {} object(s), {} bytes, of {} dataset(s)", report.moved.objects_moved,
               report.moved.bytes_moved, report.datasets_moved);
  placement_unfinished_ = report.stopped_at_budget;
  return Status::OK();
}

}  // namespace strata::server
