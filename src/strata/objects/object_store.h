// ObjectStore is a store opened by one process: its settings (strata.toml),
// catalog, nodes and drives. It puts objects by streaming (bounded memory,
// unknown length), packs small objects many to a blob, takes multipart
// uploads, gets exact bytes and ranges, deletes, lists, and runs the
// maintenance jobs (recovery of interrupted writes, scrub, repair, drive
// add/remove, pack compaction). An exclusive lock on the store directory
// keeps a second process out. Methods are thread-safe; writers and readers
// are per thread. Refusals with S3 codes of their own: store_errors.h.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "strata/base/config.h"
#include "strata/base/file_io.h"
#include "strata/catalog/catalog.h"
#include "strata/cluster/cluster.h"
#include "strata/cluster/maintenance.h"
#include "strata/objects/access_recorder.h"
#include "strata/objects/multipart.h"
#include "strata/objects/object_reader.h"
#include "strata/objects/object_writer.h"
#include "strata/objects/store_errors.h"

namespace strata {

struct InitOptions {
  StoreConfig config;  // config.tiers are the tiers to make (none: one tier, "default")
  int nodes = 1;
  // A store of one tier: drives created per node under <root>/drives/, or
  // explicit paths (one node).
  int drives_per_node = 0;
  std::vector<std::string> drive_paths;
  // A store of [[tiers]]: drives per node of each tier (default: the width
  // of the tier's level-2 code).
  std::map<std::string, int> tier_drives;
};

// The blobs an object's bytes are in: its parts', or its own (or pack).
std::vector<std::string> BlobIdsOf(const ObjectRecord& record);

// The embedded default store: a hot tier (2+1 on 3 directory drives), where
// new objects go, and a capacity tier (4+2 on 6), on one node.
InitOptions EmbeddedDefault();

struct PutOptions {
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> user_metadata;
  // System headers S3 keeps with an object (cache-control,
  // content-disposition, content-encoding, content-language, expires):
  // lower-case header name -> value, stored as given (the gateway decides
  // which to keep).
  std::map<std::string, std::string> headers;
};

struct BucketOptions {
  std::string owner;  // user name; "" for the admin (buckets made by the CLI)
  bool public_read = false;
};

// A tier move (ObjectStore::MoveObjects).
struct MoveOptions {
  std::string tier;
  uint64_t bytes_per_second = 0;  // copy rate limit; 0 = none
  std::vector<std::string> exclude_prefixes;  // keys under these stay (other datasets nested inside)
  uint64_t max_bytes = 0;  // stop between batches after moving this much (0 = no limit)
};
struct MoveReport {
  uint64_t objects_moved = 0;
  uint64_t bytes_moved = 0;
  uint64_t objects_already = 0;  // already on the tier
  uint64_t objects_changed = 0;  // rewritten or deleted during their copy: left as they are now
  bool stopped_at_budget = false;  // max_bytes reached with objects left to look at
  std::vector<std::string> moved_tables;  // keys of moved objects ending in .parquet (their indexes stay behind)
};
using MoveProgressFn = std::function<void(const MoveReport&)>;
struct ReplicaOptions {
  std::vector<std::string> exclude_prefixes;  // keys under these are left alone
  uint64_t bytes_per_second = 0;              // copy rate limit; 0 = none
  uint64_t max_bytes = 0;                     // stop between objects after copying this much (0 = no limit)
};
struct ReplicaReport {
  uint64_t blobs = 0;            // blobs of their own looked at
  uint64_t packs_skipped = 0;    // packs of small objects, which are not replicated
  uint64_t replicas_added = 0;
  uint64_t replicas_dropped = 0;
  uint64_t bytes_copied = 0;
  bool stopped_at_budget = false;
};

class MoveThrottle;

struct CompactReport {
  uint64_t packs_rewritten = 0;
  uint64_t objects_moved = 0;
  uint64_t bytes_reclaimed = 0;
};

struct RecoveryReport {
  int pending_blobs_removed = 0;
  int deleted_blobs_removed = 0;
  int temporaries_removed = 0;
};

class ObjectStore {
 public:
  ~ObjectStore();

  // Creates a new store at `root`: settings, catalog, nodes and formatted
  // drives. Refuses a root that already holds a store, and too few drives for
  // the code. Nothing is left behind on failure.
  static Status Init(const std::string& root, const InitOptions& options);
  // Opens the store at `root`, taking its lock, and recovers from interrupted
  // writes. `fs` is for tests that inject faults; null means the real one.
  static Result<std::unique_ptr<ObjectStore>> Open(const std::string& root, FileSystem* fs = nullptr);

  const StoreConfig& config() const { return config_; }
  const std::string& root() const { return root_; }
  Catalog& catalog() { return *catalog_; }
  Cluster& cluster() { return *cluster_; }
  Maintenance& maintenance() { return *maintenance_; }
  const RecoveryReport& recovery() const { return recovery_; }
  // The layout of a tier's blobs; NotFound for a tier the store does not have.
  Result<Layout> TierLayout(const std::string& tier) const;
  const std::string& write_tier() const { return write_tier_; }
  // Per-dataset access counts (reads through OpenObject, queries).
  AccessRecorder& access() { return *access_; }

  // Datasets: named prefixes whose reads and queries are counted per day.
  // AddDataset: NotFound for a missing bucket, AlreadyExists for a name or
  // prefix in use, InvalidArgument for an empty or oversized name.
  Status AddDataset(const std::string& name, const std::string& bucket, const std::string& prefix);
  Status RemoveDataset(const std::string& name);

  // Bucket names follow S3's rules (names.h). CreateBucket(name) makes a
  // bucket of the admin's (owner "").
  Status CreateBucket(const std::string& name);
  Status CreateBucket(const std::string& name, const BucketOptions& options);
  Result<BucketRecord> GetBucket(const std::string& name);
  Status SetBucketPublicRead(const std::string& name, bool public_read);
  // FailedPrecondition while the bucket holds objects. Multipart uploads in
  // progress do not keep it, as in S3: they are aborted with it.
  Status DeleteBucket(const std::string& name);
  Result<std::vector<BucketRecord>> ListBuckets();

  Result<std::unique_ptr<ObjectWriter>> NewObject(const std::string& bucket, const std::string& key,
                                                  const PutOptions& options = {});
  Result<ObjectRecord> PutBytes(const std::string& bucket, const std::string& key, std::span<const std::byte> data,
                                const PutOptions& options = {});
  Result<ObjectRecord> Head(const std::string& bucket, const std::string& key);
  // The current version, whose blobs stay pinned until the reader closes: a
  // concurrent overwrite or delete never removes the blocks it reads.
  // Counts as an access of the object's dataset (`kind`: a read, or a
  // query over a table).
  Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& bucket, const std::string& key,
                                                   AccessKind kind = AccessKind::kRead);
  Result<ObjectRecord> Delete(const std::string& bucket, const std::string& key);
  // Deletes several keys of one bucket, each in its own transaction, and
  // collects the released blobs once at the end rather than once per key.
  // One result per key, in order (NotFound for a key that was not there).
  Result<std::vector<Result<ObjectRecord>>> DeleteKeys(const std::string& bucket, const std::vector<std::string>& keys);
  Result<ListPage> List(const std::string& bucket, const ListOptions& options);

  // Multipart uploads (multipart.cc), as S3 has them. Every call on an upload
  // that was completed, aborted or never existed fails with NoSuchUpload
  // (store_errors.h); a missing bucket is a plain NotFound.
  //
  // checksum_algorithm: "" or "CRC32", "CRC32C", "SHA1", "SHA256" (any case;
  // stored in S3's spelling): the completed object gets the composite
  // checksum of that algorithm when every part carries one.
  Result<MultipartUpload> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                                const PutOptions& options, const std::string& owner,
                                                const std::string& checksum_algorithm);
  Result<MultipartUpload> GetMultipartUpload(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id);
  // Streams one part; once committed it replaces an earlier part of the same
  // number. part_number outside 1..10000: InvalidArgument.
  Result<std::unique_ptr<PartWriter>> NewPart(const MultipartUpload& upload, int part_number);
  // Parts numbered above after_part_number, at most max_parts, ascending.
  Result<std::vector<UploadPart>> ListParts(const MultipartUpload& upload, int after_part_number, int max_parts,
                                            bool* truncated);
  // S3 order: by key, then by creation time (upload ids sort that way).
  Result<UploadListing> ListMultipartUploads(const std::string& bucket, const std::string& prefix,
                                             const std::string& delimiter, const std::string& key_marker,
                                             const std::string& upload_id_marker, int max_uploads);
  // Checks `parts` (see SelectCompletedParts for the S3 errors) and, in one
  // catalog transaction, makes the object of those parts current, replacing
  // the current version (its blobs released as for any overwrite), releases
  // the parts not listed, and removes the upload. The parts' blobs become the
  // object's as they are: nothing is copied.
  Result<ObjectRecord> CompleteMultipartUpload(const MultipartUpload& upload, const std::vector<CompletePart>& parts);
  // Removes the upload and every part blob.
  Status AbortMultipartUpload(const MultipartUpload& upload);
  // Aborts the uploads created before cutoff_ms (abandoned ones); returns how many.
  Result<int> AbortMultipartUploadsBefore(int64_t cutoff_ms);

  // While batching, small objects wait in memory for a full pack (or
  // FlushPacks) before they are written and committed together: their
  // Commit() does not make them durable. Used for bulk loads.
  void SetBatching(bool batching);
  Status FlushPacks();

  // Removes blobs nobody references any more (after overwrites and deletes),
  // except those an open reader pins: a later pass removes them (the last
  // reader to let one go runs that pass).
  Status CollectGarbage();
  // Rewrites packs that are mostly dead (live share below
  // compact_below_live_ratio) and merges small packs, so the space of deleted
  // small objects comes back and few block files remain.
  Result<CompactReport> CompactPacks();

  // Keeps `copies` full copies (1..8) of the blobs of every object under
  // `prefix` of `bucket`: adds replicas on nodes the blob and its other
  // copies do not use (each copy read back against the CRC32C of what was
  // written, then committed in one transaction), or drops the extra ones.
  // Reads then spread over the copies. Small objects in packs are not
  // replicated. FailedPrecondition when the tier has too few nodes for
  // another copy (replicas.cc).
  Result<ReplicaReport> SetReplicas(const std::string& bucket, const std::string& prefix, int copies,
                                    const ReplicaOptions& options = {});

  // Moves the current version of every object under `prefix` of `bucket`
  // to `options.tier` (tier_mover.cc): copies into new blobs there, reads
  // them back against the CRC32C of the copy, switches the catalog in one
  // transaction per batch, and collects the old blobs. Reads and queries go
  // on meanwhile (they pin what they read); a crash at any moment leaves one
  // committed copy of each object. Small objects move into new packs.
  Result<MoveReport> MoveObjects(const std::string& bucket, const std::string& prefix, const MoveOptions& options,
                                 const MoveProgressFn& progress = nullptr);

 private:
  friend class StreamingWriter;
  friend class ObjectWriter;
  friend class PartWriter;
  friend class ObjectReader;
  struct PackedObject {
    ObjectRecord record;
    std::vector<std::byte> data;
  };

  ObjectStore() = default;
  Status Recover();
  Result<ObjectRecord> CommitSmall(ObjectRecord record, std::vector<std::byte> data);
  // Takes the waiting small objects and writes them as one pack, with
  // pack_mu_ released meanwhile; publishes the outcome for the threads that
  // wait for it. Called and returns with `lock` held.
  Status WriteWaitingPack(std::unique_lock<std::mutex>& lock);
  // Writes `objects` as one pack blob and commits them in one transaction;
  // their stored records (with pack blob and offset) go to `committed`.
  Status WritePack(std::vector<PackedObject> objects, uint64_t total, std::vector<ObjectRecord>* committed);
  // A pending blob on `tier` ("" = the write tier), placed on nodes other
  // than `avoid_nodes`, and recorded.
  Result<BlobRecord> BeginBlob(BlobKind kind, uint64_t size_hint, const std::string& tier = "",
                               const std::vector<std::string>& avoid_nodes = {});
  // Reads the tiers of strata.toml, gives untiered drives and blobs of an
  // older store to the first tier, and refuses drives of unknown tiers.
  Status LoadTiers();
  // After a blob's writer finished: notes its size and final placement in
  // `blob` (the caller commits them with its objects) and records the
  // positions that failed during the write, for repair.
  Status FinishBlob(BlobRecord& blob, uint64_t size, const Placement& placement);
  Status ValidateKey(const std::string& bucket, const std::string& key);
  // Removes the blocks and record of a blob a writer finished but could not
  // commit; leaves it alone if it is no longer pending.
  void DiscardPendingBlob(const BlobRecord& blob);
  // `status` of a catalog call on `upload`, as NoSuchUpload when the upload is gone.
  Status UploadError(const MultipartUpload& upload, const Status& status);

  // Tier moves (tier_mover.cc).
  struct MoveTarget;
  Status MoveBatch(const std::vector<ObjectRecord>& objects, const std::string& tier, MoveThrottle& throttle,
                   MoveReport& report);
  Status CopyRange(const BlobRecord& source, uint64_t offset, uint64_t size, MoveTarget& target,
                   MoveThrottle& throttle);
  // Finishes the target's writer, records the blob, and reads it back
  // against the CRC32C of what was copied (DataLoss when they differ).
  Status SealMoveTarget(MoveTarget& target, MoveThrottle& throttle);
  // Pins the blobs of `object` if it is still the current version.
  bool PinCurrent(const ObjectRecord& object);
  // Brings one blob to `copies` copies (replicas.cc).
  Status ReplicateBlob(const std::string& blob_id, int copies, MoveThrottle& throttle, ReplicaReport& report);

  // Readers pin the blobs of the version they read; see CollectGarbage.
  void PinLocked(const ObjectRecord& record);
  // True when one of the blobs is free now after a GC pass skipped it.
  bool Unpin(const ObjectRecord& record);
  bool UnpinBlob(const std::string& blob_id);
  // The copy of `blob` a reader takes on its `turn` (the blob and its
  // replicas in a cycle; the replicas only with `replica_only`): a replica
  // (pinned for the reader, which unpins it with UnpinBlob) or none for the
  // blob itself, which the reader has pinned.
  std::optional<BlobRecord> PinReplicaToRead(const BlobRecord& blob, uint64_t turn, bool replica_only);
  // A new reader's first turn: consecutive readers start on different copies.
  uint64_t NextReadTurn() { return read_turn_.fetch_add(1); }

  std::string root_;
  FileSystem* fs_ = nullptr;
  int lock_fd_ = -1;
  StoreConfig config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<Maintenance> maintenance_;
  RecoveryReport recovery_;
  std::unique_ptr<AccessRecorder> access_;
  std::map<std::string, Layout> tier_layouts_;  // every tier of strata.toml
  std::string write_tier_;
  std::atomic<uint64_t> read_turn_{0};  // spreads reads over a blob's copies

  // Taken by OpenObject across its catalog lookup and pinning, and by
  // CollectGarbage while it chooses the blobs to remove.
  std::mutex pin_mu_;
  std::map<std::string, int> pins_;   // blob id -> open readers
  std::set<std::string> deferred_;    // deleting blobs GC skipped while pinned

  // Small objects waiting for a pack. Durable commits are grouped: while one
  // thread writes a pack, the small objects that arrive meanwhile gather in
  // pack_, and the next writer takes them all, so concurrent small puts
  // share block files and catalog transactions (group commit).
  std::mutex pack_mu_;
  std::condition_variable pack_written_;
  bool batching_ = false;
  bool pack_in_flight_ = false;
  std::vector<PackedObject> pack_;
  uint64_t pack_bytes_ = 0;
  uint64_t pack_generation_ = 0;  // the number of the pack pack_ will become
  int pack_waiters_ = 0;          // threads waiting for pack_ to be written
  struct WrittenPack {
    Status status;
    std::map<std::string, ObjectRecord> records;  // by version id
    int waiting = 0;                               // waiters yet to collect theirs
  };
  std::map<uint64_t, WrittenPack> written_packs_;  // by generation
};

}  // namespace strata
