// SqliteCatalog is the Catalog on one SQLite file in WAL mode. Each public
// method is one transaction (writes take the write lock at BEGIN); a mutex
// serializes this process's calls on its single connection, and SQLite's
// locking (5 s busy timeout) serializes it with other processes. Methods are
// split over sqlite_catalog.cc (settings, buckets, topology, blobs, repairs,
// stats), sqlite_catalog_objects.cc (commits, deletes, listings, references)
// sqlite_catalog_uploads.cc (multipart uploads) and sqlite_catalog_datasets.cc
// (datasets and their access history).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "strata/catalog/catalog.h"
#include "strata/catalog/sqlite_db.h"

namespace strata {

class SqliteCatalog final : public Catalog {
 public:
  static Result<std::unique_ptr<SqliteCatalog>> Open(const std::string& path);

  Result<int> SchemaVersion() override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status SetMeta(const std::string& key, const std::string& value) override;

  Status CreateBucket(const BucketRecord& bucket) override;
  Status DeleteBucket(const std::string& name) override;
  Result<BucketRecord> GetBucket(const std::string& name) override;
  Result<std::vector<BucketRecord>> ListBuckets() override;
  Status SetBucketPublicRead(const std::string& name, bool public_read) override;

  Status PutNode(const NodeRecord& node) override;
  Result<std::vector<NodeRecord>> ListNodes() override;
  Status PutDrive(const DriveRecord& drive) override;
  Result<std::vector<DriveRecord>> ListDrives() override;
  Status SetDriveState(const std::string& drive_id, DriveState state, const std::string& last_error) override;

  Status InsertPendingBlob(const BlobRecord& blob) override;
  Result<BlobRecord> GetBlob(const std::string& blob_id) override;
  Result<std::vector<BlobRecord>> ListBlobs(std::optional<BlobState> state) override;
  Status UpdatePlacement(const std::string& blob_id, const Placement& placement) override;
  Status FinishPendingBlob(const std::string& blob_id, uint64_t size, const Placement& placement) override;
  Status RemoveBlob(const std::string& blob_id) override;

  using Catalog::CommitObject;
  using Catalog::CommitPack;
  Result<std::optional<ObjectRecord>> CommitObject(const ObjectRecord& object,
                                                   const std::optional<BlobCompletion>& completion) override;
  Result<std::vector<ObjectRecord>> CommitPack(const std::string& pack_blob_id,
                                               const std::vector<ObjectRecord>& objects,
                                               const std::optional<BlobCompletion>& completion) override;
  Status RepointPackedObjects(const std::string& old_pack, const std::string& new_pack,
                              const std::vector<ObjectRecord>& moved) override;
  Result<std::vector<BlobRecord>> ListSparsePacks(double ratio) override;
  Result<std::vector<ObjectRecord>> ListObjectsInBlob(const std::string& blob_id) override;

  Result<ObjectRecord> GetObject(const std::string& bucket, const std::string& key) override;
  Result<ObjectRecord> DeleteObject(const std::string& bucket, const std::string& key) override;
  Result<ListPage> ListObjects(const std::string& bucket, const ListOptions& options) override;

  Status CreateUpload(const MultipartUpload& upload) override;
  Result<MultipartUpload> GetUpload(const std::string& upload_id) override;
  Result<UploadListing> ListUploads(const std::string& bucket, const UploadListOptions& options) override;
  Result<std::vector<MultipartUpload>> ListUploadsCreatedBefore(int64_t cutoff_ms, int limit) override;
  Result<std::optional<UploadPart>> CommitUploadPart(const std::string& upload_id, const UploadPart& part,
                                                     const BlobCompletion& completion) override;
  Result<UploadPartPage> ListUploadParts(const std::string& upload_id, int after_part_number,
                                         int max_parts) override;
  Result<std::optional<ObjectRecord>> CompleteUpload(const std::string& upload_id,
                                                     const ObjectRecord& object) override;
  Result<MultipartUpload> AbortUpload(const std::string& upload_id) override;

  Status RecordRepair(const RepairRecord& repair) override;
  Result<std::vector<RepairRecord>> ListRepairs() override;
  Status ClearRepairs(const std::string& blob_id) override;

  Status PutDataset(const DatasetRecord& dataset) override;
  Status DeleteDataset(const std::string& name) override;
  Result<std::vector<DatasetRecord>> ListDatasets() override;
  Status AddDatasetAccess(const std::vector<DatasetAccess>& counts) override;
  Result<std::vector<DatasetAccess>> ListDatasetAccess(int64_t first_day, int64_t last_day) override;

  Status SetDatasetStaging(const std::string& name, const std::string& tier, int64_t until_ms) override;
  Status AdoptUntiered(const std::string& tier) override;
  Status AddReplica(const std::string& blob_id, const std::string& replica_id,
                    const BlobCompletion& completion) override;
  Result<std::vector<BlobRecord>> ListReplicas(const std::string& blob_id) override;
  Status DropReplica(const std::string& blob_id, const std::string& replica_id) override;
  Result<std::vector<ObjectRecord>> RelocateObjects(const std::vector<ObjectRecord>& moved) override;
  Result<std::vector<TierUsage>> TierUsageUnder(const std::string& bucket, const std::string& prefix,
                                                const std::vector<std::string>& exclude) override;

  Result<CatalogStats> Stats() override;

 private:
  explicit SqliteCatalog(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  // Helpers below run inside a caller's transaction, with mu_ held.
  Result<SqliteTransaction> BeginRead() {
    return SqliteTransaction::Begin(*db_, SqliteTransaction::Mode::kRead);
  }
  Result<SqliteTransaction> BeginWrite() {
    return SqliteTransaction::Begin(*db_, SqliteTransaction::Mode::kWrite);
  }

  // The two fields of a blob that commits and releases look at.
  struct BlobStatus {
    BlobKind kind;
    BlobState state;
  };

  Status RequireBucket(const std::string& bucket);
  Result<std::optional<BlobRecord>> FindBlob(const std::string& blob_id);
  Result<BlobRecord> RequireBlob(const std::string& blob_id);
  Result<BlobStatus> RequireBlobStatus(const std::string& blob_id);
  Status SetBlobState(const std::string& blob_id, BlobState state);
  Status AddLiveBytes(const std::string& blob_id, int64_t delta);
  // True while an object, an object part or an upload part names the blob.
  Result<bool> IsReferenced(const std::string& blob_id);
  Result<std::optional<ObjectRecord>> FindObject(const std::string& bucket, const std::string& key);
  // ReadObjectRow plus the object's parts, read from object_parts.
  Result<ObjectRecord> ReadObject(const SqliteStatement& row);
  Result<std::optional<MultipartUpload>> FindUpload(const std::string& upload_id);
  Result<MultipartUpload> RequireUpload(const std::string& upload_id);
  Result<std::vector<UploadPart>> ReadUploadParts(const std::string& upload_id);
  // Deletes the upload and its parts, releasing the blobs of the parts whose
  // numbers are not in `kept`.
  Status RemoveUpload(const std::string& upload_id, const std::vector<ObjectPart>& kept);

  // Checks that `blob_id` may take objects (it exists and is not being
  // deleted) and commits it if pending. `what` names the objects for errors.
  Result<BlobKind> AcceptObjectsInto(const std::string& blob_id, const std::string& what);
  // Makes `object` the current version of its key, in a blob already
  // accepted, and returns the version it replaced, released.
  Result<std::optional<ObjectRecord>> ReplaceCurrent(const ObjectRecord& object, BlobKind kind);
  // FinishPendingBlob inside the caller's transaction.
  Status FinishPendingLocked(const std::string& blob_id, uint64_t size, const Placement& placement);
  // Gives up the references `gone` held on its blob or part blobs (see
  // CommitObject), after its rows are gone.
  Status Release(const ObjectRecord& gone);
  // Gives up one reference to `blob_id`: `bytes` leave a pack's live_bytes,
  // and a committed blob nothing refers to any more goes to kDeleting.
  Status ReleaseBlob(const std::string& blob_id, uint64_t bytes);
  // Removes the object_parts rows of a key (before its objects row goes).
  Status DeleteObjectParts(const std::string& bucket, const std::string& key);
  // Any key in [from, end) of `bucket`; no `end` means no upper bound.
  Result<bool> AnyKeyInRange(const std::string& bucket, const std::string& from,
                             const std::optional<std::string>& end);

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace strata
