// Replicas: extra full copies of a blob on nodes its other copies do not
// use, so that a popular dataset's reads spread over more nodes. A new copy
// is written pending, read back against the CRC32C of what went in, and then
// committed as a replica in one catalog transaction; a crash before that
// leaves it to recovery. Readers take the copies in turn (PinReplicaToRead).
#include <algorithm>

#include "strata/objects/blob_copy.h"

namespace strata {
namespace {

std::vector<std::string> NodesOf(const BlobRecord& blob) {
  std::vector<std::string> nodes;
  for (const NodePlacement& n : blob.placement.nodes) nodes.push_back(n.node_id);
  return nodes;
}

}  // namespace

std::optional<BlobRecord> ObjectStore::PinReplicaToRead(const BlobRecord& blob, uint64_t turn, bool replica_only) {
  auto replicas = catalog_->ListReplicas(blob.blob_id);
  if (!replicas.ok() || replicas->empty()) return std::nullopt;
  const size_t choices = replicas->size() + (replica_only ? 0 : 1);
  const uint64_t pick = turn % choices + (replica_only ? 1 : 0);
  if (pick == 0) return std::nullopt;  // the blob itself
  BlobRecord copy = (*replicas)[pick - 1];
  {
    std::lock_guard lock(pin_mu_);
    ++pins_[copy.blob_id];
  }
  // Pinned first, then checked: a copy dropped before the pin is deleting
  // now (and the reader keeps to the blob itself); one dropped after it
  // waits for this reader (see CollectGarbage).
  auto current = catalog_->GetBlob(copy.blob_id);
  if (!current.ok() || current->state != BlobState::kCommitted) {
    if (UnpinBlob(copy.blob_id)) (void)CollectGarbage();
    return std::nullopt;
  }
  return copy;
}

Result<ReplicaReport> ObjectStore::SetReplicas(const std::string& bucket, const std::string& prefix, int copies,
                                               const ReplicaOptions& options) {
  if (copies < 1 || copies > 8) {
    return Status::InvalidArgument("copies must be from 1 to 8, got " + std::to_string(copies));
  }
  RETURN_IF_ERROR(FlushPacks());
  ReplicaReport report;
  MoveThrottle throttle(options.bytes_per_second);
  ListOptions list;
  list.prefix = prefix;
  while (!report.stopped_at_budget) {
    ASSIGN_OR_RETURN(ListPage page, catalog_->ListObjects(bucket, list));
    for (const ObjectRecord& object : page.objects) {
      if (options.max_bytes > 0 && report.bytes_copied >= options.max_bytes) {
        report.stopped_at_budget = true;  // a later call goes on
        break;
      }
      const bool excluded = std::any_of(options.exclude_prefixes.begin(), options.exclude_prefixes.end(),
                                        [&](const std::string& p) { return object.key.rfind(p, 0) == 0; });
      if (excluded) continue;
      // Pinned while copied: an overwrite meanwhile cannot pull the blocks
      // from under the copy (its replica is then dropped with the blob).
      if (!PinCurrent(object)) continue;
      Status st = Status::OK();
      for (const std::string& blob_id : BlobIdsOf(object)) {
        st = ReplicateBlob(blob_id, copies, throttle, report);
        if (!st.ok()) break;
      }
      Unpin(object);
      RETURN_IF_ERROR(st.WithContext("object " + object.bucket + "/" + object.key));
    }
    if (!page.truncated) break;
    list.start_after = page.next_start_after;
  }
  RETURN_IF_ERROR(CollectGarbage());
  return report;
}

Status ObjectStore::ReplicateBlob(const std::string& blob_id, int copies, MoveThrottle& throttle,
                                  ReplicaReport& report) {
  ASSIGN_OR_RETURN(BlobRecord blob, catalog_->GetBlob(blob_id));
  if (blob.state != BlobState::kCommitted) return Status::OK();  // changed meanwhile: nothing to copy
  // A pack holds other datasets' small objects too, whose policies may want
  // other counts: packs are not replicated.
  if (blob.kind == BlobKind::kPack) {
    ++report.packs_skipped;
    return Status::OK();
  }
  ++report.blobs;
  ASSIGN_OR_RETURN(std::vector<BlobRecord> replicas, catalog_->ListReplicas(blob_id));
  // Too many: the last in id order go.
  while (static_cast<int>(replicas.size()) + 1 > copies) {
    RETURN_IF_ERROR(catalog_->DropReplica(blob_id, replicas.back().blob_id));
    replicas.pop_back();
    ++report.replicas_dropped;
  }
  while (static_cast<int>(replicas.size()) + 1 < copies) {
    std::vector<std::string> used = NodesOf(blob);
    for (const BlobRecord& r : replicas) {
      for (std::string& node : NodesOf(r)) used.push_back(std::move(node));
    }
    auto begun = BeginBlob(BlobKind::kObject, blob.size, blob.tier, used);
    if (!begun.ok()) {
      if (begun.status().code() != StatusCode::kFailedPrecondition) return begun.status();
      return begun.status().WithContext("copy " + std::to_string(replicas.size() + 2) + " of blob " + blob_id +
                                        " needs nodes of tier " + blob.tier + " that its other copies do not use");
    }
    MoveTarget target{*begun, nullptr, 0, 0};
    auto writer = cluster_->WriteBlob(target.blob);
    Status st = writer.status();
    if (st.ok()) {
      target.writer = std::move(*writer);
      st = CopyRange(blob, 0, blob.size, target, throttle);
    }
    if (st.ok()) st = SealMoveTarget(target, throttle);
    if (st.ok()) st = catalog_->AddReplica(blob_id, target.blob.blob_id, BlobCompletion{target.bytes, target.blob.placement});
    if (!st.ok()) {
      if (target.writer) target.writer->Abort();
      DiscardPendingBlob(target.blob);
      // Released meanwhile (its object overwritten): AddReplica dropped the
      // copy with it, and there is nothing left to copy.
      auto now = catalog_->GetBlob(blob_id);
      if (now.ok() && now->state != BlobState::kCommitted) return Status::OK();
      return st;
    }
    report.bytes_copied += target.bytes;
    ++report.replicas_added;
    replicas.push_back(target.blob);
  }
  return Status::OK();
}

}  // namespace strata
