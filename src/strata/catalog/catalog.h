// Catalog is the transactional metadata of a store: buckets, objects, blobs
// and their placement, nodes, drives and pending repairs. Every method is one
// transaction. An object becomes visible only through CommitObject/CommitPack,
// after its blocks are durable; until then the previous version stays current.
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
  // FailedPrecondition when the bucket still holds objects.
  virtual Status CreateBucket(const BucketRecord& bucket) = 0;
  virtual Status DeleteBucket(const std::string& name) = 0;
  virtual Result<BucketRecord> GetBucket(const std::string& name) = 0;
  virtual Result<std::vector<BucketRecord>> ListBuckets() = 0;

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
  // loses the replaced object's bytes from live_bytes. NotFound if the bucket
  // is gone.
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

  // Repairs wanted: recorded by reads and scrub, cleared by repair.
  virtual Status RecordRepair(const RepairRecord& repair) = 0;
  virtual Result<std::vector<RepairRecord>> ListRepairs() = 0;
  virtual Status ClearRepairs(const std::string& blob_id) = 0;

  virtual Result<CatalogStats> Stats() = 0;
};

}  // namespace strata
