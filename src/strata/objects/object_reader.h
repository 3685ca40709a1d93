// ObjectReader reads one object version: exact bytes at any offset, across
// the part blobs of a multipart object (each opened when a read reaches it).
// Its blobs stay pinned until Close: garbage collection leaves their blocks
// alone even after an overwrite or delete. Damage seen is recorded for repair
// on Close. One thread per reader; it must not outlive its ObjectStore.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"
#include "strata/cluster/cluster.h"

namespace strata {

class ObjectStore;

class ObjectReader {
 public:
  ~ObjectReader();
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  const ObjectRecord& record() const { return record_; }
  // Reads out.size() bytes at `offset` of the object.
  Status Read(uint64_t offset, std::span<std::byte> out);
  // Unpins the blobs and records what needs repair. Called by the destructor
  // if not called.
  Status Close();
  // The blob each segment was last read from: its own, or a replica.
  std::vector<std::string> sources() const;

 private:
  friend class ObjectStore;
  // A stretch of the object stored in one blob: the whole object, its slice
  // of a pack, or one part.
  struct Segment {
    std::string blob_id;
    uint64_t blob_offset = 0;    // where the segment starts in the blob
    uint64_t object_offset = 0;  // where it starts in the object
    uint64_t size = 0;
  };

  // The caller has pinned every blob of `record`.
  ObjectReader(ObjectStore* store, ObjectRecord record);
  // Makes segment `index` the open one, reading from the copy `choice` says.
  enum class CopyChoice { kInTurn, kSelf, kReplica };
  Status Open(size_t index, CopyChoice choice = CopyChoice::kInTurn);
  Status RecordDamage();

  ObjectStore* store_;
  ObjectRecord record_;
  uint64_t turn_;  // which copy this reader starts on (ObjectStore::NextReadTurn)
  std::vector<Segment> segments_;
  size_t open_index_ = 0;
  std::unique_ptr<BlobReader> open_;   // reader of segments_[open_index_], or none
  std::vector<RepairRecord> damage_;  // from blobs already closed
  std::vector<std::string> sources_;  // per segment: the blob read ("" = not yet)
  std::string open_replica_;  // the replica open_ reads, pinned by this reader ("" = none)
  bool collect_ = false;      // a replica let go of was waiting for GC
  bool closed_ = false;
};

}  // namespace strata
