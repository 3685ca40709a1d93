// Catalog is the transactional metadata of a store: buckets, objects, blobs
// and their placement, multipart uploads, nodes, drives and pending repairs.
// Every method is one transaction. An object becomes visible only through
// CommitObject/CommitPack/CompleteUpload, after its blocks are durable; until
// then the previous version stays current.
// SqliteCatalog (WAL) is the embedded backend; PostgreSQL comes later behind
// the same interface. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"

namespace strata {

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Opens (creating if needed) a SQLite catalog and migrates its schema to the
  // current version. Refuses a catalog written by a newer Strata.
  static Result<std::unique_ptr<Catalog>> OpenSqlite(const std::string& path);

  virtual Result<int> SchemaVersion() = 0;

  // Store-wide settings such as the cluster id.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;

  // Buckets. CreateBucket: AlreadyExists. DeleteBucket: NotFound, or
  // FailedPrecondition when the bucket still holds objects. Multipart uploads
  // in progress do not keep a bucket (S3 deletes it all the same): they are
  // aborted with it, their part blobs released.
  virtual Status CreateBucket(const BucketRecord& bucket) = 0;
  virtual Status DeleteBucket(const std::string& name) = 0;
  virtual Result<BucketRecord> GetBucket(const std::string& name) = 0;
  virtual Result<std::vector<BucketRecord>> ListBuckets() = 0;
  virtual Status SetBucketPublicRead(const std::string& name, bool public_read) = 0;

  // Topology.
  virtual Status PutNode(const NodeRecord& node) = 0;
  virtual Result<std::vector<NodeRecord>> ListNodes() = 0;
  virtual Status PutDrive(const DriveRecord& drive) = 0;  // insert or replace
  virtual Result<std::vector<DriveRecord>> ListDrives() = 0;
  virtual Status SetDriveState(const std::string& drive_id, DriveState state,
                               const std::string& last_error) = 0;

  // Blobs. A blob is inserted kPending before any block is written.
  virtual Status InsertPendingBlob(const BlobRecord& blob) = 0;
  virtual Result<BlobRecord> GetBlob(const std::string& blob_id) = 0;
  virtual Result<std::vector<BlobRecord>> ListBlobs(std::optional<BlobState> state) = 0;
  virtual Status UpdatePlacement(const std::string& blob_id, const Placement& placement) = 0;
  // Records the final size and placement of a pending blob once its writer
  // finished (the size of a streamed upload is known only then).
  // FailedPrecondition if the blob is no longer pending.
  virtual Status FinishPendingBlob(const std::string& blob_id, uint64_t size, const Placement& placement) = 0;
  // Removes the record of a blob whose blocks are gone (pending or deleting).
  virtual Status RemoveBlob(const std::string& blob_id) = 0;

  // In one transaction: records `completion` on the pending blob (as
  // FinishPendingBlob does) when given, marks `object.blob_id` committed (if
  // pending), makes `object` the current version of its key, and releases the
  // version it replaces (returned): an object blob goes to kDeleting, a pack
  // loses the replaced object's bytes from live_bytes; each part blob of a
  // multipart object goes to kDeleting. NotFound if the bucket is gone.
  // `object` has no parts: multipart objects come from CompleteUpload.
  virtual Result<std::optional<ObjectRecord>> CommitObject(const ObjectRecord& object,
                                                           const std::optional<BlobCompletion>& completion) = 0;
  Result<std::optional<ObjectRecord>> CommitObject(const ObjectRecord& object) {
    return CommitObject(object, std::nullopt);
  }
  // Same for many small objects that share one pack blob, all in one transaction.
  virtual Result<std::vector<ObjectRecord>> CommitPack(const std::string& pack_blob_id,
                                                       const std::vector<ObjectRecord>& objects,
                                                       const std::optional<BlobCompletion>& completion) = 0;
  Result<std::vector<ObjectRecord>> CommitPack(const std::string& pack_blob_id,
                                               const std::vector<ObjectRecord>& objects) {
    return CommitPack(pack_blob_id, objects, std::nullopt);
  }
  // Moves objects that still live in `old_pack` (same version id) into
  // `new_pack` at new offsets; commits new_pack and marks old_pack kDeleting
  // when nothing references it any more. Used by pack compaction.
  virtual Status RepointPackedObjects(const std::string& old_pack, const std::string& new_pack,
                                      const std::vector<ObjectRecord>& moved) = 0;
  // Packs whose live_bytes / size is below `ratio` (committed only).
  virtual Result<std::vector<BlobRecord>> ListSparsePacks(double ratio) = 0;
  // Objects currently stored in a blob.
  virtual Result<std::vector<ObjectRecord>> ListObjectsInBlob(const std::string& blob_id) = 0;

  virtual Result<ObjectRecord> GetObject(const std::string& bucket, const std::string& key) = 0;
  // Removes the current version and releases its blob as CommitObject does.
  // NotFound when there is no such key.
  virtual Result<ObjectRecord> DeleteObject(const std::string& bucket, const std::string& key) = 0;
  // Keys in order, with S3 prefix/delimiter/start-after semantics.
  virtual Result<ListPage> ListObjects(const std::string& bucket, const ListOptions& options) = 0;

  // Multipart uploads. A part's blob is inserted pending like any other and
  // committed by CommitUploadPart; from then on the upload part refers to it
  // until the upload completes (the object's parts refer to it instead) or is
  // aborted (released). An unknown upload id is NotFound "upload <id> not
  // found".
  //
  // CreateUpload: NotFound if the bucket is gone, AlreadyExists for an id in use.
  virtual Status CreateUpload(const MultipartUpload& upload) = 0;
  virtual Result<MultipartUpload> GetUpload(const std::string& upload_id) = 0;
  // S3 order and paging (see UploadListOptions). NotFound if the bucket is gone.
  virtual Result<UploadListing> ListUploads(const std::string& bucket, const UploadListOptions& options) = 0;
  // Uploads created before cutoff_ms, oldest first, at most `limit`.
  virtual Result<std::vector<MultipartUpload>> ListUploadsCreatedBefore(int64_t cutoff_ms, int limit) = 0;
  // In one transaction: records `completion` on the pending blob part.blob_id
  // and commits it, makes `part` the upload's part of its number, and
  // releases the blob of the part it replaces (returned). When the upload is
  // gone the blob stays pending, for the caller to remove.
  virtual Result<std::optional<UploadPart>> CommitUploadPart(const std::string& upload_id, const UploadPart& part,
                                                             const BlobCompletion& completion) = 0;
  // Parts numbered above after_part_number, ascending, at most max_parts.
  virtual Result<UploadPartPage> ListUploadParts(const std::string& upload_id, int after_part_number,
                                                 int max_parts) = 0;
  // In one transaction: checks that every part of `object` is still the
  // upload's part of that number with that blob (Busy when one was replaced
  // after the caller read it: read the parts again), makes `object` current
  // (its blob_id becomes the first part's blob), releases the version it
  // replaces (returned) and the upload's parts that `object` leaves out, and
  // removes the upload. InvalidArgument if `object` has no parts or is not
  // the upload's bucket and key.
  virtual Result<std::optional<ObjectRecord>> CompleteUpload(const std::string& upload_id,
                                                             const ObjectRecord& object) = 0;
  // Removes the upload and releases every part blob; returns the upload.
  virtual Result<MultipartUpload> AbortUpload(const std::string& upload_id) = 0;

  // Repairs wanted: recorded by reads and scrub, cleared by repair.
  virtual Status RecordRepair(const RepairRecord& repair) = 0;
  virtual Result<std::vector<RepairRecord>> ListRepairs() = 0;
  virtual Status ClearRepairs(const std::string& blob_id) = 0;

  // Datasets. PutDataset: NotFound if the bucket is gone, AlreadyExists for
  // a name or a (bucket, prefix) in use. DeleteDataset removes its history
  // too; NotFound for an unknown name.
  virtual Status PutDataset(const DatasetRecord& dataset) = 0;
  virtual Status DeleteDataset(const std::string& name) = 0;
  virtual Result<std::vector<DatasetRecord>> ListDatasets() = 0;
  // Adds each row's counts to the dataset's day, in one transaction. Rows of
  // datasets removed meanwhile are dropped.
  virtual Status AddDatasetAccess(const std::vector<DatasetAccess>& counts) = 0;
  // Every row with first_day <= day <= last_day, by dataset then day.
  virtual Result<std::vector<DatasetAccess>> ListDatasetAccess(int64_t first_day, int64_t last_day) = 0;

  // Stages a dataset on `tier` until `until_ms` (0: until unstaged), or
  // unstages it when `tier` is empty. NotFound for an unknown name.
  virtual Status SetDatasetStaging(const std::string& name, const std::string& tier, int64_t until_ms) = 0;

  // Gives drives and blobs recorded before tiers existed (tier "") to `tier`.
  virtual Status AdoptUntiered(const std::string& tier) = 0;
  // Tier moves. In one transaction, for each record of `moved` (a current
  // version with its bytes copied to new blobs: blob_id, blob_offset and the
  // parts' blob ids changed, everything else as read): if its key still has
  // that version, points it at the new blobs, commits them and releases the
  // old ones as an overwrite does. Records whose key has changed since are
  // skipped; new blobs nothing refers to afterwards go to kDeleting. Returns
  // the records moved.
  virtual Result<std::vector<ObjectRecord>> RelocateObjects(const std::vector<ObjectRecord>& moved) = 0;
  // Replicas: extra full copies of a committed blob, each a blob of its own.
  // AddReplica, in one transaction: commits the pending `replica` (its
  // writer's `completion` recorded) as a copy of `blob_id`; when blob_id is
  // no longer committed the replica goes to kDeleting instead and the result
  // is FailedPrecondition. A blob's replicas go to kDeleting with it.
  virtual Status AddReplica(const std::string& blob_id, const std::string& replica_id,
                            const BlobCompletion& completion) = 0;
  virtual Result<std::vector<BlobRecord>> ListReplicas(const std::string& blob_id) = 0;
  // Removes one replica row; the copy goes to kDeleting. NotFound if absent.
  virtual Status DropReplica(const std::string& blob_id, const std::string& replica_id) = 0;
  // Per tier of the blobs that hold them (an object's first blob), the
  // objects under `prefix` of `bucket` but under none of `exclude` (nested
  // datasets): count, bytes, last write.
  virtual Result<std::vector<TierUsage>> TierUsageUnder(const std::string& bucket, const std::string& prefix,
                                                        const std::vector<std::string>& exclude = {}) = 0;

  virtual Result<CatalogStats> Stats() = 0;
};

}  // namespace strata
