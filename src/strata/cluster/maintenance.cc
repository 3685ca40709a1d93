#include "strata/cluster/maintenance.h"

#include <algorithm>
#include <map>
#include <set>

#include "strata/base/clock.h"
#include "strata/base/file_io.h"
#include "strata/base/ids.h"
#include "strata/cluster/placement.h"
#include "strata/erasure/stripe_geometry.h"

namespace strata {
namespace {

bool PlacementUsesDrive(const BlobRecord& blob, const std::string& drive_id) {
  for (const NodePlacement& node : blob.placement.nodes) {
    if (std::find(node.drive_ids.begin(), node.drive_ids.end(), drive_id) != node.drive_ids.end()) return true;
  }
  return false;
}

// How many units a level-2 position of a fragment stores (0: no block file).
uint64_t StoredUnits(const FragmentRef& ref, int level2_position) {
  return StripeGeometry{ref.fragment_bytes, ref.unit_size, ref.code}.PositionUnitCount(level2_position);
}

}  // namespace

Maintenance::Maintenance(Catalog* catalog, Cluster* cluster, std::string root,
                         std::map<std::string, Layout> tier_layouts)
    : catalog_(catalog), cluster_(cluster), root_(std::move(root)), tier_layouts_(std::move(tier_layouts)) {}

std::string Maintenance::DrivePath(const DriveRecord& drive) const { return JoinPath(root_, drive.path); }

Status Maintenance::ReloadClusterDrives() {
  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());
  cluster_->SetDrives(drives);
  return Status::OK();
}

Status Maintenance::SyncDriveStates() {
  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());
  std::map<std::string, DriveHealth> health;
  for (const NodeHealth& node : cluster_->RefreshHealth()) {
    for (const DriveHealth& drive : node.drives) health[drive.drive_id] = drive;
  }
  for (DriveRecord& drive : drives) {
    if (drive.state == DriveState::kRemoved) continue;
    auto it = health.find(drive.drive_id);
    if (it == health.end()) continue;
    const DriveHealth& h = it->second;
    const DriveState state = h.up ? DriveState::kUp : DriveState::kDown;
    // Free space moves with every write; record it when it moved noticeably,
    // so read-only commands leave the catalog alone.
    const uint64_t moved = h.available_bytes > drive.available_bytes ? h.available_bytes - drive.available_bytes
                                                                     : drive.available_bytes - h.available_bytes;
    const bool space_changed = h.up && (h.capacity_bytes != drive.capacity_bytes || moved > (64u << 20));
    if (state == drive.state && h.error == drive.last_error && !space_changed) continue;
    drive.state = state;
    drive.last_error = h.error;
    if (h.up) {
      drive.capacity_bytes = h.capacity_bytes;
      drive.available_bytes = h.available_bytes;
    }
    drive.updated_ms = NowMillis();
    RETURN_IF_ERROR(catalog_->PutDrive(drive));
  }
  return ReloadClusterDrives();
}

Status Maintenance::RecordRepairsOnDrive(const std::string& drive_id, const std::string& reason) {
  ASSIGN_OR_RETURN(auto blobs, catalog_->ListBlobs(BlobState::kCommitted));
  for (const BlobRecord& blob : blobs) {
    for (size_t p1 = 0; p1 < blob.placement.nodes.size(); ++p1) {
      const auto& drive_ids = blob.placement.nodes[p1].drive_ids;
      for (size_t p2 = 0; p2 < drive_ids.size(); ++p2) {
        if (drive_ids[p2] != drive_id) continue;
        RETURN_IF_ERROR(catalog_->RecordRepair(
            RepairRecord{blob.blob_id, static_cast<int>(p1), static_cast<int>(p2), reason, NowMillis()}));
      }
    }
  }
  return Status::OK();
}

Result<ScrubReport> Maintenance::Scrub(const ProgressFn& progress) {
  ScrubReport report;
  RETURN_IF_ERROR(SyncDriveStates());
  for (const ClusterNode& node : cluster_->nodes()) {
    auto removed = node.client->RemoveTemporaries();
    if (removed.ok()) report.temporaries_removed += *removed;
  }

  ASSIGN_OR_RETURN(auto blobs, catalog_->ListBlobs(BlobState::kCommitted));
  uint64_t total_bytes = 0, done_bytes = 0;
  for (const BlobRecord& blob : blobs) total_bytes += blob.size;
  for (const BlobRecord& blob : blobs) {
    for (int p1 = 0; p1 < static_cast<int>(blob.placement.nodes.size()); ++p1) {
      NodeClient* node = cluster_->Node(blob.placement.nodes[p1].node_id);
      if (node == nullptr) continue;
      auto damage = node->VerifyFragment(Cluster::Fragment(blob, p1));
      if (!damage.ok()) {
        report.problems.push_back("blob " + blob.blob_id + ": " + damage.status().message());
        continue;
      }
      for (const BlockDamage& d : *damage) {
        ++report.blocks_damaged;
        report.problems.push_back("blob " + blob.blob_id + " block " + std::to_string(p1) + "-" +
                                  std::to_string(d.level2_position) + ": " + d.reason);
        RETURN_IF_ERROR(catalog_->RecordRepair(RepairRecord{blob.blob_id, p1, d.level2_position, d.reason, NowMillis()}));
      }
    }
    ++report.blobs_checked;
    done_bytes += blob.size;
    if (progress) progress(done_bytes, total_bytes);
  }

  // Blocks that no committed or pending blob places where they are: leftovers of
  // deletes while a drive was away, or of moves interrupted after the switch.
  ASSIGN_OR_RETURN(auto pending, catalog_->ListBlobs(BlobState::kPending));
  std::set<std::string> pending_ids;
  for (const BlobRecord& blob : pending) pending_ids.insert(blob.blob_id);
  std::map<std::string, const BlobRecord*> by_id;
  for (const BlobRecord& blob : blobs) by_id[blob.blob_id] = &blob;
  for (const ClusterNode& node : cluster_->nodes()) {
    ASSIGN_OR_RETURN(auto listed, node.client->ListBlocks());
    for (const NodeBlock& block : listed) {
      if (pending_ids.count(block.name.blob_id)) continue;
      auto it = by_id.find(block.name.blob_id);
      bool wanted = false;
      if (it != by_id.end()) {
        const Placement& placement = it->second->placement;
        const int p1 = block.name.level1_position;
        const int p2 = block.name.level2_position;
        wanted = p1 < static_cast<int>(placement.nodes.size()) &&
                 placement.nodes[p1].node_id == node.record.node_id &&
                 p2 < static_cast<int>(placement.nodes[p1].drive_ids.size()) &&
                 placement.nodes[p1].drive_ids[p2] == block.drive_id;
      } else {
        // Deleting blobs are still referenced until their blocks are gone.
        auto record = catalog_->GetBlob(block.name.blob_id);
        wanted = record.ok();
      }
      if (wanted) continue;
      if (node.client->RemoveBlock(block.drive_id, block.name).ok()) ++report.orphans_removed;
    }
  }
  return report;
}

Result<RepairReport> Maintenance::Repair(const ProgressFn& progress) {
  RepairReport report;
  RETURN_IF_ERROR(SyncDriveStates());
  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());

  // A lost drive whose directory is gone or empty was replaced: record what
  // lived on it, then initialise it afresh under the same id.
  for (const DriveRecord& drive : drives) {
    if (drive.state != DriveState::kDown) continue;
    RETURN_IF_ERROR(RecordRepairsOnDrive(drive.drive_id, "drive " + drive.name + " lost: " + drive.last_error));
    NodeClient* node = cluster_->Node(drive.node_id);
    if (node == nullptr) continue;
    Status st = node->AttachDrive(drive.drive_id, DrivePath(drive), NodeClient::AttachMode::kReplace);
    if (st.ok()) {
      ++report.drives_reformatted;
    } else {
      report.problems.push_back("drive " + drive.name + " (" + DrivePath(drive) + ") stays down: " + st.message());
    }
  }
  RETURN_IF_ERROR(SyncDriveStates());

  ASSIGN_OR_RETURN(auto repairs, catalog_->ListRepairs());
  std::map<std::string, std::vector<RepairRecord>> by_blob;
  for (const RepairRecord& r : repairs) by_blob[r.blob_id].push_back(r);
  uint64_t done = 0;
  for (const auto& [blob_id, blob_repairs] : by_blob) {
    auto blob = catalog_->GetBlob(blob_id);
    if (!blob.ok() || blob->state != BlobState::kCommitted) {
      RETURN_IF_ERROR(catalog_->ClearRepairs(blob_id));  // the blob is gone: nothing to repair
    } else {
      Status st = RepairBlob(*blob, blob_repairs, report);
      if (!st.ok()) report.problems.push_back("blob " + blob_id + ": " + st.message());
    }
    if (progress) progress(++done, by_blob.size());
  }
  return report;
}

Status Maintenance::RepairBlob(const BlobRecord& blob, const std::vector<RepairRecord>& repairs,
                               RepairReport& report) {
  std::map<int, std::set<int>> wanted;  // level-1 position -> level-2 positions
  for (const RepairRecord& r : repairs) {
    if (r.level2_position == kWholeFragment) {
      for (int p2 = 0; p2 < blob.layout.level2.width(); ++p2) wanted[r.level1_position].insert(p2);
    } else {
      wanted[r.level1_position].insert(r.level2_position);
    }
  }
  // Positions never written (drive failed during the write) need rebuilding too.
  for (int p1 = 0; p1 < static_cast<int>(blob.placement.nodes.size()); ++p1) {
    const auto& drive_ids = blob.placement.nodes[p1].drive_ids;
    for (int p2 = 0; p2 < static_cast<int>(drive_ids.size()); ++p2) {
      if (drive_ids[p2].empty()) wanted[p1].insert(p2);
    }
  }

  BlobRecord updated = blob;
  Status failure = Status::OK();
  for (const auto& [p1, positions] : wanted) {
    NodePlacement& node_placement = updated.placement.nodes[p1];
    NodeClient* node = cluster_->Node(node_placement.node_id);
    if (node == nullptr) {
      failure = Status::Unavailable("node " + node_placement.node_id + " is not in the cluster");
      report.blocks_unrepairable += positions.size();
      continue;
    }
    std::string why;
    // Spare drives: up on this node, of the blob's tier, and not used by this fragment.
    std::vector<std::string> spares;
    std::set<std::string> used(node_placement.drive_ids.begin(), node_placement.drive_ids.end());
    for (const ClusterNode& n : cluster_->nodes()) {
      if (n.record.node_id != node_placement.node_id) continue;
      for (const DriveRecord& d : n.drives) {
        if (d.state == DriveState::kUp && d.tier == blob.tier && !used.count(d.drive_id)) spares.push_back(d.drive_id);
      }
    }
    spares = RankByRendezvous(blob.blob_id, spares);

    std::vector<RebuildTarget> targets;
    for (int p2 : positions) {
      std::string target = node_placement.drive_ids[p2];
      bool up = false;
      for (const ClusterNode& n : cluster_->nodes()) {
        for (const DriveRecord& d : n.drives) {
          if (d.drive_id == target) up = d.state == DriveState::kUp;
        }
      }
      if (!up) {
        if (spares.empty()) {
          ++report.blocks_unrepairable;
          failure = Status::Unavailable("no healthy drive to rebuild level-2 position " + std::to_string(p2) +
                                        " on node " + node_placement.node_id);
          continue;
        }
        target = spares.front();
        spares.erase(spares.begin());
      }
      targets.push_back(RebuildTarget{p2, target});
    }
    if (targets.empty()) continue;
    if (static_cast<int>(positions.size()) > blob.layout.level2.m) {
      // More lost than the node's own code covers: rebuild from the other nodes.
      std::vector<std::string> drive_ids = node_placement.drive_ids;
      for (const RebuildTarget& t : targets) drive_ids[t.level2_position] = t.drive_id;
      auto written = cluster_->RebuildFragment(updated, p1, drive_ids);
      if (!written.ok()) {
        report.blocks_unrepairable += targets.size();
        failure = written.status();
        continue;
      }
      node_placement.drive_ids = std::move(written).value();
      const FragmentRef rebuilt = Cluster::Fragment(updated, p1);
      for (int p2 = 0; p2 < blob.layout.level2.width(); ++p2) report.blocks_rebuilt += StoredUnits(rebuilt, p2) > 0;
      continue;
    }
    FragmentRef ref = Cluster::Fragment(updated, p1);
    // The positions being rebuilt are not read, so their old drive ids stay in ref.
    Status st = node->RebuildFragment(ref, targets);
    if (!st.ok()) {
      report.blocks_unrepairable += targets.size();
      failure = st;
      continue;
    }
    for (const RebuildTarget& t : targets) {
      node_placement.drive_ids[t.level2_position] = t.drive_id;
      if (ref.fragment_bytes > 0 && StoredUnits(ref, t.level2_position) > 0) ++report.blocks_rebuilt;
    }
  }
  if (!(updated.placement == blob.placement)) RETURN_IF_ERROR(catalog_->UpdatePlacement(blob.blob_id, updated.placement));
  if (!failure.ok()) return failure;
  ++report.blobs_repaired;
  return catalog_->ClearRepairs(blob.blob_id);
}

Result<DriveChangeReport> Maintenance::AddDrive(const std::string& path, const std::string& node_name,
                                                const std::string& tier, const ProgressFn& progress) {
  if (!tier_layouts_.count(tier)) {
    std::string names;
    for (const auto& [name, layout] : tier_layouts_) names += (names.empty() ? "" : ", ") + name;
    return Status::NotFound("no tier named '" + tier + "' (tiers: " + names + ")");
  }
  ASSIGN_OR_RETURN(auto nodes, catalog_->ListNodes());
  const NodeRecord* target = nullptr;
  for (const NodeRecord& n : nodes) {
    if (node_name.empty() ? target == nullptr : n.name == node_name) target = &n;
  }
  if (target == nullptr) return Status::NotFound("no node named '" + node_name + "'");
  NodeClient* node = cluster_->Node(target->node_id);
  if (node == nullptr) return Status::Unavailable("node " + target->name + " is not reachable");

  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());
  for (const DriveRecord& d : drives) {
    if (d.state != DriveState::kRemoved && DrivePath(d) == JoinPath(root_, path)) {
      return Status::AlreadyExists("drive " + d.name + " already uses " + path);
    }
  }
  DriveRecord drive;
  drive.drive_id = NewRandomId();
  drive.node_id = target->node_id;
  drive.name = "d" + std::to_string(drives.size() + 1);
  drive.path = path;
  drive.tier = tier;
  drive.updated_ms = NowMillis();
  RETURN_IF_ERROR(node->AttachDrive(drive.drive_id, DrivePath(drive), NodeClient::AttachMode::kFormat));
  RETURN_IF_ERROR(catalog_->PutDrive(drive));
  RETURN_IF_ERROR(SyncDriveStates());

  DriveChangeReport report;
  report.drive = drive;
  // Move each block whose fragment's rendezvous ranking now puts the new drive in its set.
  std::vector<std::string> up_drives;
  ASSIGN_OR_RETURN(drives, catalog_->ListDrives());
  for (const DriveRecord& d : drives) {
    if (d.node_id == target->node_id && d.state == DriveState::kUp && d.tier == tier) up_drives.push_back(d.drive_id);
  }
  ASSIGN_OR_RETURN(auto blobs, catalog_->ListBlobs(BlobState::kCommitted));
  uint64_t done = 0;
  for (const BlobRecord& blob : blobs) {
    if (progress) progress(++done, blobs.size());
    if (blob.tier != tier) continue;
    for (int p1 = 0; p1 < static_cast<int>(blob.placement.nodes.size()); ++p1) {
      const NodePlacement& np = blob.placement.nodes[p1];
      if (np.node_id != target->node_id) continue;
      std::vector<std::string> ideal = RankByRendezvous(blob.blob_id, up_drives);
      ideal.resize(std::min<size_t>(ideal.size(), np.drive_ids.size()));
      if (std::find(ideal.begin(), ideal.end(), drive.drive_id) == ideal.end()) continue;
      // The position whose drive fell out of the ideal set moves to the new drive.
      int moving = -1;
      for (int p2 = 0; p2 < static_cast<int>(np.drive_ids.size()); ++p2) {
        if (std::find(ideal.begin(), ideal.end(), np.drive_ids[p2]) == ideal.end()) {
          moving = p2;
          break;
        }
      }
      if (moving < 0) continue;
      FragmentRef ref = Cluster::Fragment(blob, p1);
      Status st = node->RebuildFragment(ref, {RebuildTarget{moving, drive.drive_id}});
      if (!st.ok()) {
        report.repair.problems.push_back("blob " + blob.blob_id + ": move to new drive failed: " + st.message());
        continue;
      }
      BlobRecord updated = blob;
      const std::string old_drive = np.drive_ids[moving];
      updated.placement.nodes[p1].drive_ids[moving] = drive.drive_id;
      RETURN_IF_ERROR(catalog_->UpdatePlacement(blob.blob_id, updated.placement));
      if (!old_drive.empty()) (void)node->RemoveBlock(old_drive, ref.Block(moving));  // scrub removes it otherwise
      ++report.blocks_moved;
    }
  }
  return report;
}

Result<DriveChangeReport> Maintenance::RemoveDrive(const std::string& drive_name, const ProgressFn& progress) {
  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());
  auto it = std::find_if(drives.begin(), drives.end(), [&](const DriveRecord& d) {
    return d.state != DriveState::kRemoved && (d.name == drive_name || d.drive_id == drive_name);
  });
  if (it == drives.end()) return Status::NotFound("no drive named '" + drive_name + "'");
  DriveRecord drive = *it;

  // Every blob on the node must still find a drive of its tier for each of its positions.
  int remaining = 0;
  for (const DriveRecord& d : drives) {
    if (d.node_id == drive.node_id && d.state != DriveState::kRemoved && d.drive_id != drive.drive_id &&
        d.tier == drive.tier) {
      ++remaining;
    }
  }
  ASSIGN_OR_RETURN(auto blobs, catalog_->ListBlobs(BlobState::kCommitted));
  auto tier_layout = tier_layouts_.find(drive.tier);
  int needed = tier_layout == tier_layouts_.end() ? 0 : tier_layout->second.level2.width();  // what new blobs need
  for (const BlobRecord& blob : blobs) {
    if (PlacementUsesDrive(blob, drive.drive_id)) needed = std::max(needed, blob.layout.level2.width());
  }
  if (remaining < needed) {
    return Status::FailedPrecondition("cannot remove drive " + drive.name + ": " + std::to_string(remaining) +
                                      " drives of tier " + drive.tier +
                                      " would remain on its node, and its blocks need " +
                                      std::to_string(needed) + " (too few drives for the code)");
  }
  RETURN_IF_ERROR(RecordRepairsOnDrive(drive.drive_id, "drive " + drive.name + " removed"));
  RETURN_IF_ERROR(catalog_->SetDriveState(drive.drive_id, DriveState::kRemoved, "removed by operator"));
  RETURN_IF_ERROR(ReloadClusterDrives());
  DriveChangeReport report;
  ASSIGN_OR_RETURN(report.repair, Repair(progress));
  NodeClient* node = cluster_->Node(drive.node_id);
  if (report.repair.blocks_unrepairable == 0 && node != nullptr) {
    // Nothing refers to the retired drive's blocks any more: free its space.
    if (auto blocks = node->ListBlocks(); blocks.ok()) {
      for (const NodeBlock& block : *blocks) {
        if (block.drive_id == drive.drive_id) (void)node->RemoveBlock(block.drive_id, block.name);
      }
    }
    (void)node->DetachDrive(drive.drive_id);
  }
  drive.state = DriveState::kRemoved;
  report.drive = drive;
  return report;
}

}  // namespace strata
