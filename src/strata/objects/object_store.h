// ObjectStore is a store opened by one process: its settings (strata.toml),
// catalog, nodes and drives. It puts objects by streaming (bounded memory,
// unknown length), packs small objects many to a blob, gets exact bytes and
// ranges, deletes, lists, and runs the maintenance jobs (recovery of
// interrupted writes, scrub, repair, drive add/remove, pack compaction).
// An exclusive lock on the store directory keeps a second process out.
// Methods are thread-safe; ObjectWriter and ObjectReader are per thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "strata/base/config.h"
#include "strata/base/file_io.h"
#include "strata/base/md5.h"
#include "strata/catalog/catalog.h"
#include "strata/cluster/cluster.h"
#include "strata/cluster/maintenance.h"

namespace strata {

struct InitOptions {
  StoreConfig config;
  int nodes = 1;
  int drives_per_node = 0;           // drives created under <root>/drives/
  std::vector<std::string> drive_paths;  // or explicit paths (one node)
};

struct PutOptions {
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> user_metadata;
};

class ObjectStore;

// Streams one object in. Nothing is visible until Commit returns.
class ObjectWriter {
 public:
  ~ObjectWriter();
  Status Write(std::span<const std::byte> data);
  // Makes the object durable and current, replacing any previous version.
  Result<ObjectRecord> Commit();
  void Abort();
  uint64_t bytes_written() const { return size_; }

 private:
  friend class ObjectStore;
  ObjectWriter(ObjectStore* store, ObjectRecord record);
  Status StartBlob();

  ObjectStore* store_;
  ObjectRecord record_;
  Md5 md5_;
  uint64_t size_ = 0;
  std::vector<std::byte> small_;         // bytes held until they outgrow a pack slot
  BlobRecord blob_;                      // once spilled to its own blob
  std::unique_ptr<BlobWriter> blob_writer_;
  bool done_ = false;
};

// Reads one object version. Damage seen is recorded for repair on Close.
class ObjectReader {
 public:
  ~ObjectReader();
  const ObjectRecord& record() const { return record_; }
  // Reads out.size() bytes at `offset` of the object.
  Status Read(uint64_t offset, std::span<std::byte> out);
  // Records what needs repair. Called by the destructor if not called.
  Status Close();

 private:
  friend class ObjectStore;
  ObjectReader(ObjectStore* store, ObjectRecord record, std::unique_ptr<BlobReader> blob);
  ObjectStore* store_;
  ObjectRecord record_;
  std::unique_ptr<BlobReader> blob_;
  bool closed_ = false;
};

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

  Status CreateBucket(const std::string& name);
  Status DeleteBucket(const std::string& name);
  Result<std::vector<BucketRecord>> ListBuckets();

  Result<std::unique_ptr<ObjectWriter>> NewObject(const std::string& bucket, const std::string& key,
                                                  const PutOptions& options = {});
  Result<ObjectRecord> PutBytes(const std::string& bucket, const std::string& key, std::span<const std::byte> data,
                                const PutOptions& options = {});
  Result<ObjectRecord> Head(const std::string& bucket, const std::string& key);
  Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& bucket, const std::string& key);
  Result<ObjectRecord> Delete(const std::string& bucket, const std::string& key);
  Result<ListPage> List(const std::string& bucket, const ListOptions& options);

  // While batching, small objects wait in memory for a full pack (or
  // FlushPacks) before they are written and committed together: their
  // Commit() does not make them durable. Used for bulk loads.
  void SetBatching(bool batching);
  Status FlushPacks();

  // Removes blobs nobody references any more (after overwrites and deletes).
  Status CollectGarbage();
  // Rewrites packs that are mostly dead (live share below
  // compact_below_live_ratio) and merges small packs, so the space of deleted
  // small objects comes back and few block files remain.
  Result<CompactReport> CompactPacks();

 private:
  friend class ObjectWriter;
  friend class ObjectReader;
  struct PackedObject {
    ObjectRecord record;
    std::vector<std::byte> data;
  };

  ObjectStore() = default;
  Status Recover();
  Result<ObjectRecord> CommitSmall(ObjectRecord record, std::vector<std::byte> data);
  // Writes and commits the waiting small objects; their stored records
  // (with pack blob and offset) go to `committed` when it is not null.
  Status FlushPacksLocked(std::vector<ObjectRecord>* committed = nullptr);
  Result<BlobRecord> BeginBlob(BlobKind kind, uint64_t size_hint);
  // After a blob's writer finished: notes its size and final placement in
  // `blob` (the caller commits them with its objects) and records the
  // positions that failed during the write, for repair.
  Status FinishBlob(BlobRecord& blob, uint64_t size, const Placement& placement);
  Status ValidateKey(const std::string& bucket, const std::string& key);

  std::string root_;
  FileSystem* fs_ = nullptr;
  int lock_fd_ = -1;
  StoreConfig config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<Maintenance> maintenance_;
  RecoveryReport recovery_;

  std::mutex pack_mu_;
  bool batching_ = false;
  std::vector<PackedObject> pack_;
  uint64_t pack_bytes_ = 0;
};

}  // namespace strata
