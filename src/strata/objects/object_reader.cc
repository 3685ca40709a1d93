#include "strata/objects/object_reader.h"

#include <algorithm>

#include "strata/base/clock.h"
#include "strata/objects/object_store.h"

namespace strata {

ObjectReader::ObjectReader(ObjectStore* store, ObjectRecord record)
    : store_(store), record_(std::move(record)), turn_(store->NextReadTurn()) {
  if (record_.parts.empty()) {
    segments_.push_back(Segment{record_.blob_id, record_.blob_offset, 0, record_.size});
    return;
  }
  uint64_t at = 0;
  for (const ObjectPart& part : record_.parts) {
    segments_.push_back(Segment{part.blob_id, 0, at, part.size});
    at += part.size;
  }
}

ObjectReader::~ObjectReader() { (void)Close(); }

Status ObjectReader::Read(uint64_t offset, std::span<std::byte> out) {
  const std::string name = "object " + record_.bucket + "/" + record_.key;
  if (closed_) return Status::FailedPrecondition(name + ": the reader is closed");
  if (offset > record_.size || out.size() > record_.size - offset) {
    return Status::InvalidArgument("read past the end of " + record_.bucket + "/" + record_.key);
  }
  uint64_t at = offset;
  size_t done = 0;
  while (done < out.size()) {
    // The last segment starting at or before `at`: empty parts share their
    // start with the next one and are never chosen.
    auto after = std::upper_bound(segments_.begin(), segments_.end(), at,
                                  [](uint64_t value, const Segment& s) { return value < s.object_offset; });
    const size_t index = static_cast<size_t>(after - segments_.begin()) - 1;
    if (!open_ || open_index_ != index) RETURN_IF_ERROR(Open(index));
    const Segment& segment = segments_[index];
    const uint64_t within = at - segment.object_offset;
    const size_t take = static_cast<size_t>(std::min<uint64_t>(out.size() - done, segment.size - within));
    Status st = open_->Read(segment.blob_offset + within, out.subspan(done, take));
    if (!st.ok()) {
      // Another copy may still read: a replica when the blob failed, the
      // blob when a replica did.
      const std::string failed = sources_[index];
      Status reopened = Open(index, failed != segment.blob_id ? CopyChoice::kSelf : CopyChoice::kReplica);
      if (reopened.ok() && sources_[index] != failed) {
        st = open_->Read(segment.blob_offset + within, out.subspan(done, take));
      }
    }
    if (!st.ok()) return st.WithContext(name);
    done += take;
    at += take;
  }
  return Status::OK();
}

Status ObjectReader::Open(size_t index, CopyChoice choice) {
  if (open_) {
    for (const RepairRecord& repair : open_->damage()) damage_.push_back(repair);
    open_.reset();
  }
  if (!open_replica_.empty()) {
    collect_ |= store_->UnpinBlob(open_replica_);
    open_replica_.clear();
  }
  const Segment& segment = segments_[index];
  ASSIGN_OR_RETURN(BlobRecord blob, store_->catalog_->GetBlob(segment.blob_id));
  // Reads spread over the blob and its replicas, in turn.
  if (choice != CopyChoice::kSelf) {
    // Segment by segment from this reader's turn: the parts of one object
    // spread too, and the next reader starts on the next copy.
    if (auto copy = store_->PinReplicaToRead(blob, turn_ + index, choice == CopyChoice::kReplica)) {
      open_replica_ = copy->blob_id;
      blob = std::move(*copy);
    }
  }
  ASSIGN_OR_RETURN(open_, store_->cluster_->ReadBlob(blob));
  if (sources_.size() < segments_.size()) sources_.resize(segments_.size());
  sources_[index] = blob.blob_id;
  open_index_ = index;
  return Status::OK();
}

std::vector<std::string> ObjectReader::sources() const { return sources_; }

Status ObjectReader::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  if (open_) {
    for (const RepairRecord& repair : open_->damage()) damage_.push_back(repair);
    open_.reset();
  }
  bool collect = store_->Unpin(record_) || collect_;
  if (!open_replica_.empty()) collect |= store_->UnpinBlob(open_replica_);
  open_replica_.clear();
  Status st = RecordDamage();
  // This reader held the last pin on a blob that GC had to leave.
  if (collect) {
    Status collected = store_->CollectGarbage();
    if (st.ok()) st = collected;
  }
  return st;
}

Status ObjectReader::RecordDamage() {
  if (damage_.empty()) return Status::OK();
  for (RepairRecord repair : damage_) {
    repair.recorded_ms = NowMillis();
    RETURN_IF_ERROR(store_->catalog_->RecordRepair(repair));
  }
  return store_->maintenance_->SyncDriveStates();
}

}  // namespace strata
