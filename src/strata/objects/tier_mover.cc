// Tier moves: the bytes of each object are copied into new blobs on the
// target tier, read back and checked against the CRC32C of what was copied,
// and then the catalog switches the objects to the new blobs in one
// transaction per batch (RelocateObjects), which releases the old blobs.
// Until that transaction commits the new blobs are pending (a crash leaves
// them to recovery) and the objects read from the old ones; after it, the old
// blobs are deleting, removed by GC once no reader pins them. A crash at any
// moment therefore leaves one committed, readable copy of every object.
#include <algorithm>
#include <chrono>
#include <deque>
#include <thread>

#include "strata/base/clock.h"
#include "strata/base/crc32c.h"
#include "strata/objects/blob_copy.h"

namespace strata {
namespace {

constexpr size_t kCopyChunk = 4u << 20;
// A batch is switched in one transaction: up to a listing page of objects,
// or about this many bytes, whichever comes first. Small objects share the
// batch's new pack and a transaction; a large object is a batch of its own
// and is switched as soon as it is copied.
constexpr int kBatchObjects = 256;
constexpr uint64_t kBatchBytes = 8u << 20;

}  // namespace

Status ObjectStore::CopyRange(const BlobRecord& source, uint64_t offset, uint64_t size, MoveTarget& target,
                              MoveThrottle& throttle) {
  ASSIGN_OR_RETURN(auto reader, cluster_->ReadBlob(source));
  std::vector<std::byte> buffer(std::min<uint64_t>(size, kCopyChunk));
  uint64_t done = 0;
  Status st = Status::OK();
  while (st.ok() && done < size) {
    std::span<std::byte> chunk(buffer.data(), std::min<uint64_t>(buffer.size(), size - done));
    st = reader->Read(offset + done, chunk);
    if (st.ok()) st = target.writer->Write(chunk);
    if (!st.ok()) break;
    target.crc = Crc32cExtend(target.crc, chunk.data(), chunk.size());
    target.bytes += chunk.size();
    done += chunk.size();
    throttle.Account(chunk.size());
  }
  // Damage the copy read around is the source's to repair, as for any read.
  for (const RepairRecord& repair : reader->damage()) (void)catalog_->RecordRepair(repair);
  if (!st.ok()) return st.WithContext("copying blob " + source.blob_id);
  return Status::OK();
}

Status ObjectStore::SealMoveTarget(MoveTarget& target, MoveThrottle& throttle) {
  auto placement = target.writer->Finish();
  target.writer.reset();
  if (!placement.ok()) return placement.status().WithContext("writing blob " + target.blob.blob_id + " on tier " +
                                                              target.blob.tier);
  RETURN_IF_ERROR(FinishBlob(target.blob, target.bytes, *placement));
  RETURN_IF_ERROR(catalog_->FinishPendingBlob(target.blob.blob_id, target.blob.size, target.blob.placement));
  // Verify: what the new blob returns must be what was copied into it.
  ASSIGN_OR_RETURN(auto reader, cluster_->ReadBlob(target.blob));
  std::vector<std::byte> buffer(std::min<uint64_t>(target.bytes, kCopyChunk));
  uint32_t crc = 0;
  for (uint64_t done = 0; done < target.bytes;) {
    std::span<std::byte> chunk(buffer.data(), std::min<uint64_t>(buffer.size(), target.bytes - done));
    RETURN_IF_ERROR(reader->Read(done, chunk).WithContext("verifying moved blob " + target.blob.blob_id));
    crc = Crc32cExtend(crc, chunk.data(), chunk.size());
    done += chunk.size();
    throttle.Account(chunk.size());
  }
  if (crc != target.crc) {
    return Status::DataLoss("moved blob " + target.blob.blob_id + " on tier " + target.blob.tier +
                            " reads back differently from its source; the move is abandoned");
  }
  return Status::OK();
}

Result<MoveReport> ObjectStore::MoveObjects(const std::string& bucket, const std::string& prefix,
                                            const MoveOptions& options, const MoveProgressFn& progress) {
  RETURN_IF_ERROR(TierLayout(options.tier).status());
  RETURN_IF_ERROR(FlushPacks());
  MoveReport report;
  MoveThrottle throttle(options.bytes_per_second);
  ListOptions list;
  list.prefix = prefix;
  list.max_keys = kBatchObjects;
  while (true) {
    ASSIGN_OR_RETURN(ListPage page, catalog_->ListObjects(bucket, list));
    for (size_t begin = 0; begin < page.objects.size();) {
      size_t end = begin;
      for (uint64_t bytes = 0; end < page.objects.size() && (end == begin || bytes < kBatchBytes); ++end) {
        bytes += page.objects[end].size;
      }
      std::vector<ObjectRecord> batch;
      for (size_t i = begin; i < end; ++i) {
        const std::string& key = page.objects[i].key;
        const bool excluded = std::any_of(options.exclude_prefixes.begin(), options.exclude_prefixes.end(),
                                          [&](const std::string& p) { return key.rfind(p, 0) == 0; });
        if (!excluded) batch.push_back(page.objects[i]);
      }
      RETURN_IF_ERROR(MoveBatch(batch, options.tier, throttle, report));
      if (progress) progress(report);
      begin = end;
      // Stop between batches once the budget is spent: a later call goes on.
      if (options.max_bytes > 0 && report.bytes_moved >= options.max_bytes && begin < page.objects.size()) {
        report.stopped_at_budget = true;
        break;
      }
    }
    if (report.stopped_at_budget || !page.truncated) break;
    list.start_after = page.next_start_after;
  }
  RETURN_IF_ERROR(CollectGarbage());
  return report;
}

// Pins the blobs of `object` for the copy, then checks that it is still the
// current version: a blob that went away before the pin belonged to a
// version that is no longer current (see CollectGarbage), so a false here
// means "changed meanwhile", and true means the blobs stay until unpinned.
bool ObjectStore::PinCurrent(const ObjectRecord& object) {
  {
    std::lock_guard lock(pin_mu_);
    PinLocked(object);
  }
  auto current = catalog_->GetObject(object.bucket, object.key);
  if (current.ok() && current->version_id == object.version_id) return true;
  Unpin(object);
  return false;
}

Status ObjectStore::MoveBatch(const std::vector<ObjectRecord>& objects, const std::string& tier, MoveThrottle& throttle,
                              MoveReport& report) {
  std::deque<MoveTarget> targets;  // every blob written for this batch (stable addresses)
  std::vector<ObjectRecord> moved;
  std::vector<ObjectRecord> pinned;
  // Removes what this batch wrote when it fails before the switch.
  auto drop = [&](MoveTarget& t) {
    if (t.writer) t.writer->Abort();
    t.writer.reset();
    DiscardPendingBlob(t.blob);
  };
  auto finish = [&](Status st) {
    if (!st.ok()) {
      for (MoveTarget& t : targets) drop(t);
    }
    for (const ObjectRecord& object : pinned) Unpin(object);  // GC at the end of MoveObjects
    return st;
  };
  MoveTarget* pack = nullptr;  // small objects of the batch share one new pack
  for (const ObjectRecord& object : objects) {
    const std::string what = "moving " + object.bucket + "/" + object.key + " to tier " + tier;
    ObjectRecord copy = object;
    bool already = true;
    std::vector<BlobRecord> sources;
    for (const std::string& blob_id : BlobIdsOf(object)) {
      auto blob = catalog_->GetBlob(blob_id);
      if (!blob.ok()) return finish(blob.status().WithContext(what));
      already = already && blob->tier == tier;
      sources.push_back(std::move(*blob));
    }
    if (already) {
      ++report.objects_already;
      continue;
    }
    if (!PinCurrent(object)) {
      ++report.objects_changed;
      continue;
    }
    pinned.push_back(object);
    Status st = Status::OK();
    if (sources.front().kind == BlobKind::kPack) {
      if (pack == nullptr) {
        auto blob = BeginBlob(BlobKind::kPack, 0, tier);
        if (!blob.ok()) return finish(blob.status().WithContext(what));
        targets.push_back(MoveTarget{*blob, nullptr, 0, 0});
        pack = &targets.back();
        auto writer = cluster_->WriteBlob(pack->blob);
        if (!writer.ok()) return finish(writer.status().WithContext(what));
        pack->writer = std::move(*writer);
      }
      copy.blob_id = pack->blob.blob_id;
      copy.blob_offset = pack->bytes;
      st = CopyRange(sources.front(), object.blob_offset, object.size, *pack, throttle);
    } else {
      for (size_t i = 0; st.ok() && i < sources.size(); ++i) {
        const uint64_t size = object.parts.empty() ? object.size : object.parts[i].size;
        auto blob = BeginBlob(BlobKind::kObject, size, tier);
        if (!blob.ok()) return finish(blob.status().WithContext(what));
        targets.push_back(MoveTarget{*blob, nullptr, 0, 0});
        MoveTarget& target = targets.back();
        auto writer = cluster_->WriteBlob(target.blob);
        if (!writer.ok()) return finish(writer.status().WithContext(what));
        target.writer = std::move(*writer);
        st = CopyRange(sources[i], 0, size, target, throttle);
        if (st.ok()) st = SealMoveTarget(target, throttle);
        if (object.parts.empty()) {
          copy.blob_id = target.blob.blob_id;
          copy.blob_offset = 0;
        } else {
          copy.parts[i].blob_id = target.blob.blob_id;
          if (i == 0) copy.blob_id = target.blob.blob_id;
        }
      }
    }
    if (!st.ok()) return finish(st.WithContext(what));
    moved.push_back(std::move(copy));
  }
  if (pack != nullptr) {
    Status sealed = SealMoveTarget(*pack, throttle);
    if (!sealed.ok()) return finish(sealed.WithContext("moving a pack of small objects to tier " + tier));
  }
  if (moved.empty()) return finish(Status::OK());
  auto relocated = catalog_->RelocateObjects(moved);
  if (!relocated.ok()) return finish(relocated.status().WithContext("switching a batch of moves to tier " + tier));
  for (const ObjectRecord& object : *relocated) {
    ++report.objects_moved;
    report.bytes_moved += object.size;
    if (object.key.size() >= 8 && object.key.compare(object.key.size() - 8, 8, ".parquet") == 0) {
      report.moved_tables.push_back(object.key);
    }
  }
  report.objects_changed += moved.size() - relocated->size();
  return finish(Status::OK());
}

}  // namespace strata
