// Pack compaction: the live objects of sparse or small packs are copied into
// new full packs, the catalog is switched pack by pack, and the old packs are
// then deleted. A crash at any point leaves every object readable: until an
// old pack's switch commits, its objects still point into it.
#include <algorithm>
#include <map>

#include "strata/objects/object_store.h"

namespace strata {

Result<CompactReport> ObjectStore::CompactPacks() {
  RETURN_IF_ERROR(FlushPacks());
  ASSIGN_OR_RETURN(auto committed, catalog_->ListBlobs(BlobState::kCommitted));
  std::vector<BlobRecord> small, candidates;
  for (const BlobRecord& blob : committed) {
    if (blob.kind != BlobKind::kPack) continue;
    const bool sparse = static_cast<double>(blob.live_bytes) < config_.compact_below_live_ratio * blob.size;
    if (sparse) {
      candidates.push_back(blob);
    } else if (blob.size < config_.pack_target_size / 4) {
      small.push_back(blob);
    }
  }
  if (small.size() >= 2) candidates.insert(candidates.end(), small.begin(), small.end());
  // Packs are merged within their tier only: compaction never moves data between tiers.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const BlobRecord& a, const BlobRecord& b) { return a.tier < b.tier; });

  CompactReport report;
  std::unique_ptr<BlobWriter> writer;
  BlobRecord target;
  uint64_t target_bytes = 0;
  std::map<std::string, std::vector<ObjectRecord>> moved;  // old pack -> its objects in `target`

  auto seal = [&]() -> Status {
    if (!writer) return Status::OK();
    auto placement = writer->Finish();
    writer.reset();
    if (!placement.ok()) {
      (void)catalog_->RemoveBlob(target.blob_id);
      return placement.status().WithContext("compaction");
    }
    RETURN_IF_ERROR(FinishBlob(target, target_bytes, *placement));
    RETURN_IF_ERROR(catalog_->FinishPendingBlob(target.blob_id, target.size, target.placement));
    for (const auto& [old_pack, objects] : moved) {
      RETURN_IF_ERROR(catalog_->RepointPackedObjects(old_pack, target.blob_id, objects));
      report.objects_moved += objects.size();
    }
    moved.clear();
    return Status::OK();
  };

  for (const BlobRecord& pack : candidates) {
    ASSIGN_OR_RETURN(auto objects, catalog_->ListObjectsInBlob(pack.blob_id));
    if (objects.empty()) continue;  // unreferenced packs are already being deleted
    uint64_t live = 0;
    for (const ObjectRecord& o : objects) live += o.size;
    if (writer && (target_bytes + live > config_.pack_target_size || target.tier != pack.tier)) {
      RETURN_IF_ERROR(seal());
    }
    if (!writer) {
      ASSIGN_OR_RETURN(target, BeginBlob(BlobKind::kPack, 0, pack.tier));
      ASSIGN_OR_RETURN(writer, cluster_->WriteBlob(target));
      target_bytes = 0;
    }
    ASSIGN_OR_RETURN(auto reader, cluster_->ReadBlob(pack));
    std::vector<std::byte> buffer;
    for (ObjectRecord o : objects) {
      buffer.resize(o.size);
      RETURN_IF_ERROR(reader->Read(o.blob_offset, buffer));
      RETURN_IF_ERROR(writer->Write(buffer));
      o.blob_offset = target_bytes;
      target_bytes += o.size;
      moved[pack.blob_id].push_back(std::move(o));
    }
    report.bytes_reclaimed += pack.size - live;
    ++report.packs_rewritten;
  }
  RETURN_IF_ERROR(seal());
  RETURN_IF_ERROR(CollectGarbage());
  return report;
}

}  // namespace strata
