// S3Gateway answers the S3 API over an ObjectStore: it authenticates each
// request (SigV4 in headers or in a presigned URL), checks that the user may
// touch the bucket, routes it to the operation, and streams bodies between
// the client and the store. Errors go out as S3 XML error documents. Users
// come from the store's configuration; the first user listed administers
// every bucket. Thread-safe: one instance serves all connections.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/config.h"
#include "strata/http/s3_error.h"
#include "strata/http/sigv4.h"
#include "strata/http/uri.h"
#include "strata/objects/multipart.h"
#include "strata/objects/object_store.h"
#include "strata/objects/store_errors.h"
#include "strata/server/http_exchange.h"

namespace strata::query {
class BackgroundIndexer;
}

namespace strata::server {

// One request as the S3 operations see it.
struct S3Request {
  HttpExchange* exchange = nullptr;
  std::string request_id;
  std::string bucket;  // decoded; empty for the service (ListBuckets)
  std::string key;     // decoded; empty for bucket operations
  std::vector<http::QueryParam> query;
  http::AuthResult auth;
  const http::Credentials* user = nullptr;  // null when anonymous
  bool admin = false;

  const std::string& method() const { return exchange->method(); }
  std::optional<std::string_view> header(std::string_view name) const { return exchange->header(name); }
  bool HasQuery(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  // A query parameter as a whole number from low to high: nullopt when it
  // is absent, InvalidArgument naming it when it is anything else.
  http::S3Result<std::optional<int>> QueryNumber(std::string_view name, int low, int high) const;
  std::string user_name() const { return user ? user->user : ""; }
  std::string resource() const;  // "/bucket/key", for error documents
};

class S3Gateway final : public HttpHandler {
 public:
  S3Gateway(ObjectStore& store, const StoreConfig& config);
  void Handle(HttpExchange& exchange) override;

  // Background upkeep: aborts multipart uploads older than the configured
  // expiry, logs retention warnings (once each) and deletes expired objects
  // (every 15 minutes), carries out the placement plan (every
  // placement_interval_seconds, copying at move_rate, about a minute's worth
  // per call until the plan is done), writes the datasets' access counts to
  // the catalog, and removes unreferenced blobs. The server calls it every
  // minute.
  Status RunMaintenance();
  // Parquet objects written by PUT or CompleteMultipartUpload are offered
  // here for background indexing (the server owns the indexer; null: none).
  void set_indexer(query::BackgroundIndexer* indexer) { indexer_ = indexer; }

 private:
  // Routing and access.
  void Dispatch(S3Request& request);
  http::S3Check Authenticate(S3Request& request);
  // For a bucket configuration Strata does not keep (?policy, ?cors, ...):
  // S3's 404 for a bucket without one; nullopt for other sub-resources.
  http::S3Check UnsetBucketConfiguration(const S3Request& request, const std::string& sub);
  // Who owns a bucket: buckets made with the command line have no owner
  // and belong to the administrator.
  const std::string& OwnerOf(const BucketRecord& bucket) const;
  // Loads the bucket and checks that the request's user may read or write it.
  http::S3Result<BucketRecord> AuthorizeBucket(const S3Request& request, const std::string& bucket, bool write);

  // The JSON query API, POST /api/v1/query (query_api.cc).
  void QueryApi(S3Request& request);
  void RetentionApi(S3Request& request);
  // GET /api/v1/plan: what the placement policies and stagings would move.
  void PlanApi(S3Request& request);
  // One pass of the placement scheduler (RunMaintenance).
  Status RunPlacement(int64_t now);
  // S3 Select, POST /bucket/key?select&select-type=2 (s3_select.cc).
  void SelectObjectContent(S3Request& request);

  // Service and buckets (s3_buckets.cc).
  void ListBuckets(S3Request& request);
  void CreateBucket(S3Request& request);
  void DeleteBucket(S3Request& request);
  void HeadBucket(S3Request& request);
  void GetBucketLocation(S3Request& request);
  void GetBucketAcl(S3Request& request);
  void PutBucketAcl(S3Request& request);
  void GetBucketVersioning(S3Request& request);

  // Objects (s3_objects.cc, s3_copy.cc).
  void PutObject(S3Request& request);
  void GetObject(S3Request& request, bool head);
  void DeleteObject(S3Request& request);
  void CopyObject(S3Request& request);
  // Opens the object x-amz-copy-source names, once the caller may read it
  // and the x-amz-copy-source-if-* conditions hold.
  http::S3Result<std::unique_ptr<ObjectReader>> OpenCopySource(const S3Request& request);
  void GetObjectAcl(S3Request& request);
  void PutObjectAcl(S3Request& request);

  // Listing (s3_listing.cc).
  void ListObjects(S3Request& request, int version);
  void ListObjectVersions(S3Request& request);
  void DeleteObjects(S3Request& request);

  // Multipart uploads (s3_multipart.cc).
  void CreateMultipartUpload(S3Request& request);
  void UploadPart(S3Request& request);
  void UploadPartCopy(S3Request& request);
  void CompleteMultipartUpload(S3Request& request);
  void AbortMultipartUpload(S3Request& request);
  void ListParts(S3Request& request);
  void ListMultipartUploads(S3Request& request);
  // The upload named by ?uploadId, once the caller may read or write its bucket.
  http::S3Result<MultipartUpload> FindUpload(const S3Request& request, bool write);

  // Uploads completed recently, so that a client repeating a completion
  // whose answer it lost gets the same answer (S3 does the same) instead of
  // NoSuchUpload. Kept in memory, the most recent kRememberedCompletions.
  struct CompletedUpload {
    std::string bucket;
    std::string key;
    std::string version_id;
    std::string etag;
    std::map<std::string, std::string> checksums;
  };
  void RememberCompletion(const std::string& upload_id, const ObjectRecord& object);
  std::optional<CompletedUpload> RecentCompletion(const std::string& upload_id);
  void SendCompletion(S3Request& request, const std::string& etag, const std::map<std::string, std::string>& checksums);

  ObjectStore& store_;
  StoreConfig config_;
  std::vector<http::Credentials> credentials_;  // config_.users, in order
  std::mutex completed_mu_;
  std::map<std::string, CompletedUpload> completed_;  // by upload id
  std::deque<std::string> completed_order_;           // oldest first
  query::BackgroundIndexer* indexer_ = nullptr;
  // Objects already logged as in their retention warning period (bucket/key
  // and expiry), so each is logged once per server run. Maintenance only.
  std::set<std::string> retention_warned_;
  static constexpr int64_t kRetentionIntervalMs = 15 * 60 * 1000;
  int64_t last_retention_ms_ = 0;  // the last retention pass; 0: none yet
  int64_t last_placement_ms_ = 0;  // the last placement pass that started on a fresh plan
  bool placement_unfinished_ = false;  // the last pass stopped at its byte budget
};

}  // namespace strata::server
