#include "strata/node/local_node.h"

#include <cstring>
#include <mutex>

#include "strata/node/fragment_blocks.h"
#include "strata/node/fragment_writer.h"

namespace strata {

Result<std::shared_ptr<const ReedSolomon>> FragmentCodec(const FragmentRef& ref) {
  if (static_cast<int>(ref.drive_ids.size()) != ref.code.width()) {
    return Status::InvalidArgument("fragment of blob " + ref.blob_id + " names " +
                                   std::to_string(ref.drive_ids.size()) + " drives for a " + ref.code.ToString() +
                                   " code");
  }
  return ReedSolomon::Create(ref.code.k, ref.code.m);
}

namespace {

// Reads a fragment unit by unit: stored units directly, and whole stripes
// (rebuilt from parity) where a unit cannot be read.
class LocalFragmentReader : public FragmentReader {
 public:
  LocalFragmentReader(LocalNode* node, FragmentRef ref, std::shared_ptr<const ReedSolomon> codec)
      : blocks_(node, std::move(ref), std::move(codec)) {}

  Status ReadUnits(uint64_t first, uint64_t count, std::span<std::byte> out) override {
    const StripeGeometry& geometry = blocks_.geometry();
    const int k = geometry.code.k;
    if (first + count > geometry.data_unit_count()) {
      return Status::InvalidArgument("read of units " + std::to_string(first) + ".." +
                                     std::to_string(first + count) + " past the end of fragment (" +
                                     std::to_string(geometry.data_unit_count()) + " units)");
    }
    size_t offset = 0;
    for (uint64_t unit = first; unit < first + count; ++unit) {
      const uint64_t stripe = unit / k;
      const int position = static_cast<int>(unit % k);
      const uint32_t length = geometry.DataUnitLength(unit);
      if (offset + length > out.size()) return Status::InvalidArgument("read buffer too small");
      std::span<std::byte> target = out.subspan(offset, length);
      offset += length;
      if (rebuilt_stripe_ == stripe) {
        std::memcpy(target.data(), rebuilt_[position].data(), length);
        continue;
      }
      if (blocks_.ReadStored(stripe, position, target).ok()) continue;
      RETURN_IF_ERROR(blocks_.ReadStripe(stripe, {position}, rebuilt_));  // that unit is known bad
      rebuilt_stripe_ = stripe;
      std::memcpy(target.data(), rebuilt_[position].data(), length);
    }
    if (offset != out.size()) return Status::InvalidArgument("read buffer larger than the units read");
    return Status::OK();
  }

  std::vector<BlockDamage> damage() const override { return blocks_.damage(); }

 private:
  FragmentBlocks blocks_;
  uint64_t rebuilt_stripe_ = UINT64_MAX;
  std::vector<std::vector<std::byte>> rebuilt_;
};

}  // namespace

LocalNode::LocalNode(std::string node_id, std::string cluster_id, FileSystem* fs,
                     const std::vector<DriveSpec>& drives)
    : node_id_(std::move(node_id)), cluster_id_(std::move(cluster_id)), fs_(fs) {
  for (const DriveSpec& spec : drives) {
    Status st = Attach(spec.drive_id, spec.path, AttachMode::kOpen, /*keep_refused=*/true);
    (void)st;  // a drive that fails to open is registered as down with its error
  }
}

std::shared_ptr<Drive> LocalNode::UpDrive(const std::string& drive_id, std::string* why) {
  std::shared_lock lock(mu_);
  auto it = drives_.find(drive_id);
  if (it == drives_.end()) {
    *why = "not a drive of node " + node_id_;
    return nullptr;
  }
  if (!it->second.drive) *why = it->second.error;
  return it->second.drive;
}

void LocalNode::NoteFailure(const std::string& drive_id, const Status& failure, FailureKind kind) {
  std::shared_ptr<Drive> drive;
  {
    std::shared_lock lock(mu_);
    auto it = drives_.find(drive_id);
    if (it == drives_.end() || !it->second.drive) return;
    drive = it->second.drive;
  }
  // A full drive is still readable, and one bad block does not condemn a
  // drive; but a drive that fails to write is down until its next health
  // check passes, and so is any drive that fails its check now.
  std::string why;
  if (kind == FailureKind::kWrite && failure.code() == StatusCode::kIOError) {
    why = "write failed: " + failure.message();
  } else {
    Status health = drive->CheckHealth();
    if (health.ok()) return;
    why = health.message() + " (after: " + failure.message() + ")";
  }
  std::unique_lock lock(mu_);
  auto it = drives_.find(drive_id);
  if (it != drives_.end() && it->second.drive == drive) {
    it->second.drive.reset();
    it->second.error = std::move(why);
  }
}

Status LocalNode::AttachDrive(const std::string& drive_id, const std::string& path, AttachMode mode) {
  return Attach(drive_id, path, mode, /*keep_refused=*/false);
}

Status LocalNode::Attach(const std::string& drive_id, const std::string& path, AttachMode mode,
                         bool keep_refused) {
  Result<std::unique_ptr<Drive>> opened = Status::OK();
  switch (mode) {
    case AttachMode::kOpen:
      opened = Drive::Open(fs_, path, drive_id, cluster_id_);
      break;
    case AttachMode::kFormat:
      opened = Drive::Format(fs_, path, DriveIdentity{drive_id, cluster_id_, kDriveFormatVersion});
      break;
    case AttachMode::kReplace:
      opened = Drive::Open(fs_, path, drive_id, cluster_id_);
      if (!opened.ok() && opened.status().IsNotFound()) {
        opened = Drive::Format(fs_, path, DriveIdentity{drive_id, cluster_id_, kDriveFormatVersion});
      }
      break;
  }
  std::unique_lock lock(mu_);
  auto it = drives_.find(drive_id);
  if (!opened.ok()) {
    // A refused drive is not taken into service, and a drive in service keeps
    // serving; only a drive already known to be down records the new error.
    if (it == drives_.end() && keep_refused) it = drives_.emplace(drive_id, DriveSlot{path, nullptr, ""}).first;
    if (it != drives_.end() && !it->second.drive) {
      it->second.path = path;
      it->second.error = opened.status().message();
    }
    return opened.status();
  }
  DriveSlot& slot = drives_[drive_id];
  slot.path = path;
  slot.drive = std::move(opened).value();
  slot.error.clear();
  return Status::OK();
}

Status LocalNode::DetachDrive(const std::string& drive_id) {
  std::unique_lock lock(mu_);
  if (drives_.erase(drive_id) == 0) return Status::NotFound("drive " + drive_id + " is not on node " + node_id_);
  return Status::OK();
}

NodeHealth LocalNode::Health() {
  std::vector<std::pair<std::string, DriveSlot>> slots;
  {
    std::shared_lock lock(mu_);
    slots.assign(drives_.begin(), drives_.end());
  }
  NodeHealth health;
  health.node_id = node_id_;
  for (auto& [drive_id, slot] : slots) {
    if (slot.drive) {
      Status st = slot.drive->CheckHealth();
      if (!st.ok()) NoteFailure(drive_id, st);
    } else {
      (void)AttachDrive(drive_id, slot.path, AttachMode::kOpen);  // back if it is usable again
    }
    DriveHealth d;
    d.drive_id = drive_id;
    std::string why;
    std::shared_ptr<Drive> drive = UpDrive(drive_id, &why);
    d.up = drive != nullptr;
    d.error = why;
    if (drive) {
      if (auto space = drive->Space(); space.ok()) {
        d.capacity_bytes = space->capacity_bytes;
        d.available_bytes = space->available_bytes;
      }
      if (auto blocks = drive->ListBlocks(); blocks.ok()) d.block_files = blocks->size();
    }
    health.drives.push_back(std::move(d));
  }
  return health;
}

Result<std::unique_ptr<FragmentWriter>> LocalNode::WriteFragment(const FragmentRef& ref) {
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  return std::unique_ptr<FragmentWriter>(new LocalFragmentWriter(this, ref, std::move(codec)));
}

Result<std::unique_ptr<FragmentReader>> LocalNode::ReadFragment(const FragmentRef& ref) {
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  return std::unique_ptr<FragmentReader>(new LocalFragmentReader(this, ref, std::move(codec)));
}

Status LocalNode::DeleteFragment(const FragmentRef& ref) {
  std::string unreachable;
  for (int p = 0; p < static_cast<int>(ref.drive_ids.size()); ++p) {
    if (ref.drive_ids[p].empty()) continue;
    std::string why;
    std::shared_ptr<Drive> drive = UpDrive(ref.drive_ids[p], &why);
    if (!drive) {
      unreachable += " " + ref.drive_ids[p];
      continue;
    }
    Status st = drive->RemoveBlock(ref.Block(p));
    if (!st.ok() && !st.IsNotFound()) return st;
  }
  if (!unreachable.empty()) {
    return Status::Unavailable("blocks of blob " + ref.blob_id + " remain on drives that are down:" + unreachable);
  }
  return Status::OK();
}

Result<std::vector<BlockDamage>> LocalNode::VerifyFragment(const FragmentRef& ref) {
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  FragmentBlocks blocks(this, ref, codec);
  const StripeGeometry& geometry = blocks.geometry();
  std::vector<std::byte> buffer(ref.unit_size);
  for (int p = 0; p < ref.code.width(); ++p) {
    const uint64_t units = geometry.PositionUnitCount(p);
    if (units == 0) continue;
    if (!blocks.CheckBlockShape(p).ok()) continue;  // damage recorded
    for (uint64_t stripe = 0; stripe < geometry.stripe_count(); ++stripe) {
      const uint32_t length = geometry.PositionLength(stripe, p);
      if (length == 0) continue;
      if (!blocks.ReadStored(stripe, p, std::span(buffer.data(), length)).ok()) break;
    }
  }
  return blocks.damage();
}

Status LocalNode::RebuildFragment(const FragmentRef& ref, const std::vector<RebuildTarget>& targets) {
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  FragmentBlocks blocks(this, ref, codec);
  const StripeGeometry& geometry = blocks.geometry();

  std::set<int> exclude;
  std::vector<std::unique_ptr<BlockWriter>> writers;
  for (const RebuildTarget& target : targets) {
    exclude.insert(target.level2_position);
    if (geometry.PositionUnitCount(target.level2_position) == 0) {
      writers.push_back(nullptr);  // nothing is stored at this position
      continue;
    }
    std::string why;
    std::shared_ptr<Drive> drive = UpDrive(target.drive_id, &why);
    if (!drive) return Status::Unavailable("rebuild target drive " + target.drive_id + " is down: " + why);
    ASSIGN_OR_RETURN(auto writer, drive->CreateBlock(BlockHeader{ref.Block(target.level2_position), ref.unit_size}));
    writers.push_back(std::move(writer));
  }
  std::vector<std::vector<std::byte>> units;
  for (uint64_t stripe = 0; stripe < geometry.stripe_count(); ++stripe) {
    RETURN_IF_ERROR(blocks.ReadStripe(stripe, exclude, units));
    for (size_t i = 0; i < targets.size(); ++i) {
      if (!writers[i]) continue;
      const uint32_t length = geometry.PositionLength(stripe, targets[i].level2_position);
      if (length == 0) continue;
      RETURN_IF_ERROR(writers[i]->AppendUnit(std::span(units[targets[i].level2_position].data(), length)));
    }
  }
  for (auto& writer : writers) {
    if (writer) RETURN_IF_ERROR(writer->Publish());
  }
  return Status::OK();
}

Result<std::vector<NodeBlock>> LocalNode::ListBlocks() {
  std::vector<std::pair<std::string, std::shared_ptr<Drive>>> up;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, slot] : drives_) {
      if (slot.drive) up.emplace_back(id, slot.drive);
    }
  }
  std::vector<NodeBlock> out;
  for (const auto& [id, drive] : up) {
    ASSIGN_OR_RETURN(auto listing, drive->ListBlocks());
    for (const BlockListing& block : listing) out.push_back(NodeBlock{id, block.name, block.file_bytes});
  }
  return out;
}

Status LocalNode::RemoveBlock(const std::string& drive_id, const BlockName& name) {
  std::string why;
  std::shared_ptr<Drive> drive = UpDrive(drive_id, &why);
  if (!drive) return Status::Unavailable("drive " + drive_id + " is down: " + why);
  return drive->RemoveBlock(name);
}

Result<int> LocalNode::RemoveTemporaries() {
  std::vector<std::shared_ptr<Drive>> up;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, slot] : drives_) {
      if (slot.drive) up.push_back(slot.drive);
    }
  }
  int removed = 0;
  for (const auto& drive : up) {
    ASSIGN_OR_RETURN(int n, drive->RemoveTemporaries());
    removed += n;
  }
  return removed;
}

}  // namespace strata
