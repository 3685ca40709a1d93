#include "strata/cluster/cluster.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "strata/cluster/placement.h"

namespace strata {
namespace {

constexpr uint64_t kMinFreeUnits = 4;

StripeGeometry Level1Geometry(const BlobRecord& blob) {
  return StripeGeometry{blob.size, blob.layout.unit_size, blob.layout.level1};
}

class ClusterBlobWriter : public BlobWriter {
 public:
  ClusterBlobWriter(Cluster* cluster, BlobRecord blob, std::shared_ptr<const ReedSolomon> codec,
                    std::vector<std::unique_ptr<FragmentWriter>> fragments, std::vector<std::string> failures)
      : cluster_(cluster),
        blob_(std::move(blob)),
        codec_(std::move(codec)),
        fragments_(std::move(fragments)),
        failures_(std::move(failures)) {
    const int width = blob_.layout.level1.width();
    units_.resize(width);
    lengths_.resize(blob_.layout.level1.k, 0);
    units_[0].reserve(blob_.layout.unit_size);
  }

  ~ClusterBlobWriter() override {
    if (!finished_) Abort();
  }

  Status Write(std::span<const std::byte> data) override {
    if (finished_) return Status::FailedPrecondition("blob " + blob_.blob_id + " is already finished");
    const uint32_t unit_size = blob_.layout.unit_size;
    const bool no_parity = blob_.layout.level1.m == 0;
    while (!data.empty()) {
      std::vector<std::byte>& unit = units_[filled_];
      if (no_parity && unit.empty() && data.size() >= unit_size) {
        // Nothing to encode at level 1: whole units go straight to their node.
        Send(filled_, data.first(unit_size));
        data = data.subspan(unit_size);
        bytes_ += unit_size;
        filled_ = (filled_ + 1) % blob_.layout.level1.k;
        RETURN_IF_ERROR(CheckEnoughPositions());
        continue;
      }
      const size_t take = std::min<size_t>(unit_size - unit.size(), data.size());
      unit.insert(unit.end(), data.begin(), data.begin() + take);
      data = data.subspan(take);
      bytes_ += take;
      if (unit.size() == unit_size) RETURN_IF_ERROR(CompleteUnit());
    }
    return Status::OK();
  }

  Result<Placement> Finish() override {
    if (finished_) return Status::FailedPrecondition("blob " + blob_.blob_id + " is already finished");
    Status st = Status::OK();
    if (!units_[filled_].empty()) st = CompleteUnit();
    if (st.ok()) st = FlushStripe();
    Placement placement = blob_.placement;
    if (st.ok()) {
      for (size_t p = 0; p < fragments_.size(); ++p) {
        if (!fragments_[p]) continue;
        auto placed = fragments_[p]->Commit();
        if (placed.ok()) {
          placement.nodes[p].drive_ids = std::move(placed).value();
        } else {
          DropPosition(static_cast<int>(p), placed.status());
        }
      }
      st = CheckEnoughPositions();
    }
    if (!st.ok()) {
      Abort();
      return st;
    }
    for (size_t p = 0; p < failures_.size(); ++p) {
      if (!failures_[p].empty()) {
        std::fill(placement.nodes[p].drive_ids.begin(), placement.nodes[p].drive_ids.end(), "");
      }
    }
    finished_ = true;
    return placement;
  }

  void Abort() override {
    finished_ = true;
    for (auto& fragment : fragments_) {
      if (fragment) fragment->Abort();
      fragment.reset();
    }
    // Fragments that already committed must go too: the blob never becomes visible.
    BlobRecord partial = blob_;
    partial.size = bytes_;
    (void)cluster_->DeleteBlob(partial);
  }

  uint64_t bytes_written() const override { return bytes_; }

 private:
  Status CompleteUnit() {
    if (blob_.layout.level1.m == 0) {  // no stripe to wait for: send the unit now
      Send(filled_, units_[filled_]);
      units_[filled_].clear();
      filled_ = (filled_ + 1) % blob_.layout.level1.k;
      return CheckEnoughPositions();
    }
    lengths_[filled_] = static_cast<uint32_t>(units_[filled_].size());
    ++filled_;
    if (filled_ == blob_.layout.level1.k) return FlushStripe();
    units_[filled_].clear();
    return Status::OK();
  }

  Status FlushStripe() {
    // Without level-1 parity every unit was sent as it completed.
    if (filled_ == 0 || blob_.layout.level1.m == 0) return Status::OK();
    const int k = blob_.layout.level1.k;
    const int m = blob_.layout.level1.m;
    const uint32_t length = lengths_[0];
    if (m > 0) {
      std::vector<const uint8_t*> data(k);
      std::vector<uint8_t*> parity(m);
      for (int i = 0; i < k; ++i) {
        units_[i].resize(length);  // zero pads short and virtual units
        if (i >= filled_) std::fill(units_[i].begin(), units_[i].end(), std::byte{0});
        data[i] = reinterpret_cast<const uint8_t*>(units_[i].data());
      }
      for (int j = 0; j < m; ++j) {
        units_[k + j].resize(length);
        parity[j] = reinterpret_cast<uint8_t*>(units_[k + j].data());
      }
      codec_->Encode(length, data, parity);
    }
    for (int i = 0; i < filled_; ++i) Send(i, std::span(units_[i].data(), lengths_[i]));
    for (int j = 0; j < m; ++j) Send(k + j, std::span(units_[k + j].data(), length));
    filled_ = 0;
    units_[0].clear();
    return CheckEnoughPositions();
  }

  void Send(int position, std::span<const std::byte> unit) {
    if (!fragments_[position]) return;
    Status st = fragments_[position]->AppendUnit(unit);
    if (!st.ok()) DropPosition(position, st);
  }

  void DropPosition(int position, const Status& why) {
    if (fragments_[position]) {
      fragments_[position]->Abort();
      fragments_[position].reset();
    }
    if (!failures_[position].empty()) return;
    failures_[position] = why.message();
    if (why.IsNoSpace()) ++no_space_failures_;
  }

  Status CheckEnoughPositions() const {
    const CodeSpec& code = blob_.layout.level1;
    const int allowed = code.m > 1 ? code.m - 1 : 0;
    int failed = 0;
    std::string reasons;
    for (size_t p = 0; p < failures_.size(); ++p) {
      if (failures_[p].empty()) continue;
      ++failed;
      reasons += (reasons.empty() ? "" : "; ") + failures_[p];
    }
    if (failed <= allowed) return Status::OK();
    const StatusCode status = failed == no_space_failures_ ? StatusCode::kNoSpace : StatusCode::kUnavailable;
    if (code.width() == 1) return Status(status, reasons);
    return Status(status, "blob " + blob_.blob_id + ": only " + std::to_string(code.width() - failed) +
                               " of " + std::to_string(code.width()) + " nodes writable: " + reasons);
  }

  Cluster* cluster_;
  BlobRecord blob_;
  std::shared_ptr<const ReedSolomon> codec_;
  std::vector<std::unique_ptr<FragmentWriter>> fragments_;
  std::vector<std::string> failures_;
  int no_space_failures_ = 0;  // failures that were full drives
  std::vector<std::vector<std::byte>> units_;  // k1 data + m1 parity
  std::vector<uint32_t> lengths_;
  int filled_ = 0;
  uint64_t bytes_ = 0;
  bool finished_ = false;
};

class ClusterBlobReader : public BlobReader {
 public:
  ClusterBlobReader(Cluster* cluster, BlobRecord blob, std::shared_ptr<const ReedSolomon> codec)
      : cluster_(cluster), blob_(std::move(blob)), codec_(std::move(codec)), geometry_(Level1Geometry(blob_)) {
    readers_.resize(blob_.layout.level1.width());
    failed_.resize(blob_.layout.level1.width());
  }

  Status Read(uint64_t offset, std::span<std::byte> out) override {
    if (offset > blob_.size || out.size() > blob_.size - offset) {
      return Status::InvalidArgument("read of " + std::to_string(out.size()) + " bytes at " +
                                     std::to_string(offset) + " past the end of blob " + blob_.blob_id + " (" +
                                     std::to_string(blob_.size) + " bytes)");
    }
    const uint64_t unit_size = blob_.layout.unit_size;
    size_t done = 0;
    while (done < out.size()) {
      const uint64_t position_in_blob = offset + done;
      const uint64_t unit = position_in_blob / unit_size;
      const uint64_t within = position_in_blob % unit_size;
      const uint32_t length = geometry_.DataUnitLength(unit);
      const size_t take = std::min<uint64_t>(length - within, out.size() - done);
      if (within == 0 && take == length) {
        RETURN_IF_ERROR(ReadUnit(unit, out.subspan(done, take)));
      } else {
        // Partial reads of one unit (the column chunks of a row group, small
        // ranges) share one read and check of it.
        if (scratch_unit_ != unit) {
          scratch_unit_ = UINT64_MAX;
          scratch_.resize(length);
          RETURN_IF_ERROR(ReadUnit(unit, scratch_));
          scratch_unit_ = unit;
        }
        std::memcpy(out.data() + done, scratch_.data() + within, take);
      }
      done += take;
    }
    return Status::OK();
  }

  std::vector<RepairRecord> damage() const override {
    std::vector<RepairRecord> out;
    for (size_t p = 0; p < readers_.size(); ++p) {
      if (!failed_[p].empty()) {
        out.push_back(RepairRecord{blob_.blob_id, static_cast<int>(p), kWholeFragment, failed_[p], 0});
        continue;
      }
      if (!readers_[p]) continue;
      for (const BlockDamage& d : readers_[p]->damage()) {
        out.push_back(RepairRecord{blob_.blob_id, static_cast<int>(p), d.level2_position, d.reason, 0});
      }
    }
    return out;
  }

 private:
  // Reads object unit `unit` (exactly its length) into `out`.
  Status ReadUnit(uint64_t unit, std::span<std::byte> out) {
    const int k = blob_.layout.level1.k;
    const uint64_t stripe = unit / k;
    const int position = static_cast<int>(unit % k);
    if (ReadFragmentUnit(position, stripe, out).ok()) return Status::OK();
    return RebuildUnit(stripe, position, out);
  }

  Status ReadFragmentUnit(int position, uint64_t stripe, std::span<std::byte> out) {
    if (!failed_[position].empty()) return Status::Unavailable(failed_[position]);
    if (!readers_[position]) {
      FragmentRef ref = Cluster::Fragment(blob_, position);
      NodeClient* node = cluster_->Node(blob_.placement.nodes[position].node_id);
      if (node == nullptr) {
        failed_[position] = "node " + blob_.placement.nodes[position].node_id + " is not in the cluster";
        return Status::Unavailable(failed_[position]);
      }
      auto reader = node->ReadFragment(ref);
      if (!reader.ok()) {
        failed_[position] = reader.status().message();
        return reader.status();
      }
      readers_[position] = std::move(reader).value();
    }
    Status st = readers_[position]->ReadUnits(stripe, 1, out);
    // One level-1 position serves many stripes: only a whole-fragment failure
    // (the node lost more than its code covers) marks it for level-1 repair.
    if (!st.ok() && blob_.layout.level1.m > 0) failed_[position] = st.message();
    return st;
  }

  Status RebuildUnit(uint64_t stripe, int position, std::span<std::byte> out) {
    const CodeSpec& code = blob_.layout.level1;
    if (code.m == 0) {
      return ReadFragmentUnit(position, stripe, out);  // nothing to rebuild from: report the node's error
    }
    const uint32_t length = geometry_.StripeUnitLength(stripe);
    std::vector<std::vector<std::byte>> units(code.width(), std::vector<std::byte>(length));
    std::array<bool, 32> present{};  // k+m <= 32
    int have = 0;
    std::string lost;
    for (int q = 0; q < code.width() && have < code.k; ++q) {
      if (q == position) continue;
      const uint32_t stored = geometry_.PositionLength(stripe, q);
      if (stored == 0) {
        present[q] = true;
        ++have;
        continue;
      }
      Status st = ReadFragmentUnit(q, stripe, std::span(units[q].data(), stored));
      if (st.ok()) {
        present[q] = true;
        ++have;
      } else {
        lost += "; node position " + std::to_string(q) + ": " + st.message();
      }
    }
    if (have < code.k) {
      return Status::DataLoss("blob " + blob_.blob_id + " stripe " + std::to_string(stripe) +
                              ": too few nodes can serve their units" + lost);
    }
    std::vector<uint8_t*> pointers(code.width());
    for (int q = 0; q < code.width(); ++q) pointers[q] = reinterpret_cast<uint8_t*>(units[q].data());
    RETURN_IF_ERROR(codec_->Reconstruct(length, pointers, std::span(present.data(), pointers.size())));
    std::memcpy(out.data(), units[position].data(), out.size());
    return Status::OK();
  }

  Cluster* cluster_;
  BlobRecord blob_;
  std::shared_ptr<const ReedSolomon> codec_;
  StripeGeometry geometry_;
  std::vector<std::unique_ptr<FragmentReader>> readers_;
  std::vector<std::string> failed_;
  std::vector<std::byte> scratch_;
  uint64_t scratch_unit_ = UINT64_MAX;  // the unit scratch_ holds
};

}  // namespace

Cluster::Cluster(std::vector<ClusterNode> nodes) : nodes_(std::move(nodes)) {
  for (const ClusterNode& node : nodes_) {
    for (const DriveRecord& drive : node.drives) drive_view_[drive.drive_id].up = drive.state == DriveState::kUp;
  }
}

NodeClient* Cluster::Node(const std::string& node_id) const {
  for (const ClusterNode& node : nodes_) {
    if (node.record.node_id == node_id) return node.client.get();
  }
  return nullptr;
}

std::vector<NodeHealth> Cluster::RefreshHealth() {
  std::vector<NodeHealth> all;
  for (const ClusterNode& node : nodes_) all.push_back(node.client->Health());
  std::lock_guard lock(mu_);
  for (const NodeHealth& health : all) {
    for (const DriveHealth& drive : health.drives) {
      drive_view_[drive.drive_id] = DriveView{drive.up, drive.up ? drive.available_bytes : 0};
    }
  }
  return all;
}

void Cluster::SetDrives(const std::vector<DriveRecord>& drives) {
  std::lock_guard lock(mu_);
  for (ClusterNode& node : nodes_) {
    node.drives.clear();
    for (const DriveRecord& drive : drives) {
      if (drive.node_id != node.record.node_id) continue;
      node.drives.push_back(drive);
      if (!drive_view_.count(drive.drive_id)) drive_view_[drive.drive_id].up = drive.state == DriveState::kUp;
    }
  }
}

Result<Placement> Cluster::Place(const std::string& blob_id, const Layout& layout, const std::string& tier,
                                 const std::vector<std::string>& avoid_nodes) const {
  std::vector<PlacementNode> candidates;
  {
    std::lock_guard lock(mu_);
    for (const ClusterNode& node : nodes_) {
      if (std::find(avoid_nodes.begin(), avoid_nodes.end(), node.record.node_id) != avoid_nodes.end()) continue;
      PlacementNode candidate;
      candidate.node_id = node.record.node_id;
      for (const DriveRecord& drive : node.drives) {
        if (drive.state == DriveState::kRemoved || drive.tier != tier) continue;
        auto it = drive_view_.find(drive.drive_id);
        // A drive without room for a few units of this blob is treated as down.
        const bool usable = it != drive_view_.end() && it->second.up &&
                            it->second.available_bytes >= kMinFreeUnits * uint64_t{layout.unit_size};
        (usable ? candidate.up_drives : candidate.down_drives).push_back(drive.drive_id);
      }
      candidates.push_back(std::move(candidate));
    }
  }
  auto placed = PlaceBlob(blob_id, layout, candidates);
  if (!placed.ok()) return placed.status().WithContext("tier " + tier);
  return placed;
}

FragmentRef Cluster::Fragment(const BlobRecord& blob, int position) {
  StripeGeometry geometry = Level1Geometry(blob);
  FragmentRef ref;
  ref.blob_id = blob.blob_id;
  ref.level1_position = position;
  ref.fragment_bytes = geometry.PositionBytes(position);
  ref.unit_size = blob.layout.unit_size;
  ref.code = blob.layout.level2;
  ref.drive_ids = blob.placement.nodes[position].drive_ids;
  return ref;
}

Result<std::unique_ptr<BlobWriter>> Cluster::WriteBlob(const BlobRecord& blob) {
  const CodeSpec& code = blob.layout.level1;
  if (static_cast<int>(blob.placement.nodes.size()) != code.width()) {
    return Status::InvalidArgument("blob " + blob.blob_id + " is placed on " +
                                   std::to_string(blob.placement.nodes.size()) + " nodes for a " +
                                   code.ToString() + " level-1 code");
  }
  ASSIGN_OR_RETURN(auto codec, ReedSolomon::Create(code.k, code.m));
  std::vector<std::unique_ptr<FragmentWriter>> fragments(code.width());
  std::vector<std::string> failures(code.width());
  for (int p = 0; p < code.width(); ++p) {
    const std::string& node_id = blob.placement.nodes[p].node_id;
    NodeClient* node = Node(node_id);
    if (node == nullptr) {
      failures[p] = "node " + node_id + " is not in the cluster";
      continue;
    }
    FragmentRef ref = Fragment(blob, p);
    auto writer = node->WriteFragment(ref);
    if (writer.ok()) {
      fragments[p] = std::move(writer).value();
    } else {
      failures[p] = writer.status().message();
    }
  }
  auto writer = std::make_unique<ClusterBlobWriter>(this, blob, std::move(codec), std::move(fragments),
                                                    std::move(failures));
  return std::unique_ptr<BlobWriter>(std::move(writer));
}

Result<std::unique_ptr<BlobReader>> Cluster::ReadBlob(const BlobRecord& blob) {
  ASSIGN_OR_RETURN(auto codec, ReedSolomon::Create(blob.layout.level1.k, blob.layout.level1.m));
  return std::unique_ptr<BlobReader>(new ClusterBlobReader(this, blob, std::move(codec)));
}

Status Cluster::DeleteBlob(const BlobRecord& blob) {
  Status result = Status::OK();
  for (int p = 0; p < static_cast<int>(blob.placement.nodes.size()); ++p) {
    NodeClient* node = Node(blob.placement.nodes[p].node_id);
    if (node == nullptr) continue;
    Status st = node->DeleteFragment(Fragment(blob, p));
    if (!st.ok() && result.ok()) result = st;
  }
  return result;
}

}  // namespace strata
