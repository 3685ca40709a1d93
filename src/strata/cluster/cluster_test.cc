// Cluster over in-process LocalNodes: blobs written in random chunks read back
// exactly, whole and at arbitrary ranges, for three nodes (2+1 over 2+1) and
// one node (1+0 over 4+2); reads survive a whole node or two drives lost and
// report what needs repair; deletes remove every block.
#include "strata/cluster/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "strata/node/local_node.h"
#include "strata/node/local_node_test_util.h"

namespace strata {
namespace {

using testing::AsBytes;
using testing::CountFiles;
using testing::RandomBytes;
using testing::TempDir;

constexpr uint32_t kUnit = 4096;

class ClusterTest : public ::testing::Test {
 protected:
  void Build(int nodes, int drives_per_node, CodeSpec level1, CodeSpec level2) {
    layout_ = Layout{kUnit, level1, level2};
    cluster_id_ = NewRandomId();
    std::vector<ClusterNode> cluster_nodes;
    for (int n = 0; n < nodes; ++n) {
      ClusterNode node;
      node.record = NodeRecord{NewRandomId(), "n" + std::to_string(n), "local"};
      std::vector<DriveSpec> specs;
      drive_paths_.emplace_back();
      for (int d = 0; d < drives_per_node; ++d) {
        DriveRecord drive;
        drive.drive_id = NewRandomId();
        drive.node_id = node.record.node_id;
        drive.name = "d" + std::to_string(n * drives_per_node + d);
        drive.path = dir_.Sub(node.record.name + "-" + drive.name);
        auto formatted = Drive::Format(PosixFileSystem::Default(), drive.path,
                                       DriveIdentity{drive.drive_id, cluster_id_, kDriveFormatVersion});
        ASSERT_TRUE(formatted.ok()) << formatted.status().ToString();
        specs.push_back(DriveSpec{drive.drive_id, drive.path});
        drive_paths_.back().push_back(drive.path);
        node.drives.push_back(drive);
      }
      node.client = std::make_shared<LocalNode>(node.record.node_id, cluster_id_, PosixFileSystem::Default(), specs);
      node_ids_.push_back(node.record.node_id);
      cluster_nodes.push_back(std::move(node));
    }
    cluster_ = std::make_unique<Cluster>(std::move(cluster_nodes));
  }

  // Writes `data` as a new blob in chunks of random size; the committed record.
  Result<BlobRecord> Put(const std::string& data) {
    BlobRecord blob;
    blob.blob_id = NewRandomId();
    blob.layout = layout_;
    ASSIGN_OR_RETURN(blob.placement, cluster_->Place(blob.blob_id, layout_, ""));
    ASSIGN_OR_RETURN(auto writer, cluster_->WriteBlob(blob));
    std::uniform_int_distribution<size_t> chunk(1, 3 * kUnit);
    for (size_t at = 0; at < data.size();) {
      const size_t take = std::min(chunk(rng_), data.size() - at);
      RETURN_IF_ERROR(writer->Write(AsBytes(data).subspan(at, take)));
      at += take;
    }
    EXPECT_EQ(writer->bytes_written(), data.size());
    ASSIGN_OR_RETURN(blob.placement, writer->Finish());
    blob.size = data.size();
    blob.state = BlobState::kCommitted;
    return blob;
  }

  Result<std::string> Get(const BlobRecord& blob, uint64_t offset, uint64_t length,
                          std::vector<RepairRecord>* damage = nullptr) {
    ASSIGN_OR_RETURN(auto reader, cluster_->ReadBlob(blob));
    std::string out(length, '\0');
    Status st = reader->Read(offset, std::as_writable_bytes(std::span(out.data(), out.size())));
    if (damage) *damage = reader->damage();
    RETURN_IF_ERROR(st);
    return out;
  }

  // Reads the whole blob, then ranges around every unit edge and at random, all
  // through one reader, and compares each with the source.
  void ExpectReadsExactly(const BlobRecord& blob, const std::string& data,
                          std::vector<RepairRecord>* damage = nullptr) {
    ASSERT_OK_AND_ASSIGN(auto reader, cluster_->ReadBlob(blob));
    auto check = [&](uint64_t offset, uint64_t length) {
      std::string out(length, '\0');
      Status st = reader->Read(offset, std::as_writable_bytes(std::span(out.data(), out.size())));
      ASSERT_TRUE(st.ok()) << "read " << length << " at " << offset << ": " << st.ToString();
      ASSERT_TRUE(out == data.substr(offset, length)) << "read " << length << " at " << offset;
    };
    check(0, data.size());
    const uint64_t size = data.size();
    for (uint64_t edge = kUnit; edge < size; edge += kUnit) {
      for (uint64_t offset : {edge - 1, edge, edge + 1}) {
        if (offset >= size) continue;
        check(offset, 1);
        check(offset, std::min<uint64_t>(size - offset, 2 * kUnit + 3));
      }
    }
    std::uniform_int_distribution<uint64_t> pick(0, size);
    for (int i = 0; i < 40 && size > 0; ++i) {
      uint64_t a = pick(rng_), b = pick(rng_);
      if (a > b) std::swap(a, b);
      check(a, b - a);
    }
    std::byte one[1];
    EXPECT_EQ(reader->Read(size, one).code(), StatusCode::kInvalidArgument);  // past the end
    if (damage) *damage = reader->damage();
  }

  // Block files of the blob on every drive of every node.
  int BlockFilesOf(const std::string& blob_id) const {
    int n = 0;
    for (const auto& node : drive_paths_) {
      for (const std::string& path : node) {
        const std::string shard = path + "/blocks/" + blob_id.substr(0, 2);
        std::error_code ec;
        if (!testing::fs::exists(shard, ec)) continue;
        for (const auto& entry : testing::fs::directory_iterator(shard)) {
          n += entry.path().filename().string().rfind(blob_id, 0) == 0 ? 1 : 0;
        }
      }
    }
    return n;
  }
  int AllBlockFiles() const {
    int n = 0;
    for (const auto& node : drive_paths_) {
      for (const std::string& path : node) n += CountFiles(path + "/blocks") + CountFiles(path + "/tmp");
    }
    return n;
  }

  void RemoveNodeDrives(int node) {
    for (const std::string& path : drive_paths_[node]) testing::fs::remove_all(path);
  }

  static int PositionOf(const BlobRecord& blob, const std::string& node_id) {
    for (size_t p = 0; p < blob.placement.nodes.size(); ++p) {
      if (blob.placement.nodes[p].node_id == node_id) return static_cast<int>(p);
    }
    return -1;
  }

  static std::vector<uint64_t> Sizes(int units_per_stripe) {
    const uint64_t s = static_cast<uint64_t>(units_per_stripe) * kUnit;
    return {0, 1, kUnit - 1, kUnit, kUnit + 1, s - 1, s, s + 1, 2 * s + kUnit, 37 * kUnit + 123, 100 * kUnit + 7};
  }

  TempDir dir_;
  std::mt19937_64 rng_{42};
  std::string cluster_id_;
  Layout layout_;
  std::vector<std::string> node_ids_;
  std::vector<std::vector<std::string>> drive_paths_;
  std::unique_ptr<Cluster> cluster_;
};

class ThreeNodeClusterTest : public ClusterTest {
 protected:
  void SetUp() override { Build(3, 3, CodeSpec{2, 1}, CodeSpec{2, 1}); }
};

class OneNodeClusterTest : public ClusterTest {
 protected:
  void SetUp() override { Build(1, 6, CodeSpec{1, 0}, CodeSpec{4, 2}); }
};

TEST_F(ThreeNodeClusterTest, RoundTripsManySizesAtAnyRange) {
  std::vector<uint64_t> sizes = Sizes(2);
  std::uniform_int_distribution<uint64_t> random_size(0, 60 * kUnit);
  for (int i = 0; i < 8; ++i) sizes.push_back(random_size(rng_));
  for (uint64_t size : sizes) {
    SCOPED_TRACE("blob of " + std::to_string(size) + " bytes");
    const std::string data = RandomBytes(size, size + 11);
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
    ASSERT_EQ(blob.placement.nodes.size(), 3u);
    for (const NodePlacement& np : blob.placement.nodes) {
      EXPECT_EQ(np.drive_ids.size(), 3u);
      for (const std::string& d : np.drive_ids) EXPECT_FALSE(d.empty());  // no drive failed
    }
    std::vector<RepairRecord> damage;
    ExpectReadsExactly(blob, data, &damage);
    EXPECT_TRUE(damage.empty());
    // Each node's fragment is where the geometry says: one block per stored position.
    int expected_blocks = 0;
    const StripeGeometry level1{size, kUnit, layout_.level1};
    for (int p1 = 0; p1 < 3; ++p1) {
      const StripeGeometry level2{level1.PositionBytes(p1), kUnit, layout_.level2};
      for (int p2 = 0; p2 < 3; ++p2) expected_blocks += level2.PositionUnitCount(p2) > 0 ? 1 : 0;
    }
    EXPECT_EQ(BlockFilesOf(blob.blob_id), expected_blocks);
  }
}

TEST_F(ThreeNodeClusterTest, ReadsSurviveALostNodeAndReportTheWholeFragment) {
  std::vector<std::pair<BlobRecord, std::string>> blobs;
  for (uint64_t size : Sizes(2)) {
    std::string data = RandomBytes(size, size * 5 + 1);
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
    blobs.emplace_back(blob, std::move(data));
  }
  RemoveNodeDrives(0);
  int reported = 0;
  for (const auto& [blob, data] : blobs) {
    SCOPED_TRACE("blob of " + std::to_string(data.size()) + " bytes");
    std::vector<RepairRecord> damage;
    ExpectReadsExactly(blob, data, &damage);
    const int lost = PositionOf(blob, node_ids_[0]);
    ASSERT_GE(lost, 0);
    // Only a data position with stored bytes is read; parity is read to rebuild.
    const StripeGeometry level1{blob.size, kUnit, layout_.level1};
    const bool read = lost < layout_.level1.k && level1.PositionBytes(lost) > 0;
    if (!read) {
      EXPECT_TRUE(damage.empty());
      continue;
    }
    ASSERT_EQ(damage.size(), 1u);
    EXPECT_EQ(damage[0].blob_id, blob.blob_id);
    EXPECT_EQ(damage[0].level1_position, lost);
    EXPECT_EQ(damage[0].level2_position, kWholeFragment);
    EXPECT_FALSE(damage[0].reason.empty());
    ++reported;
  }
  EXPECT_GT(reported, 0);  // the lost node held data of some blobs
}

TEST_F(ThreeNodeClusterTest, TwoLostNodesAreDataLoss) {
  const std::string data = RandomBytes(20 * kUnit, 3);
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
  RemoveNodeDrives(0);
  RemoveNodeDrives(2);
  auto got = Get(blob, 0, data.size());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
}

TEST_F(ThreeNodeClusterTest, WritesNeedEveryNodeAndLeaveNothingWhenOneIsGone) {
  const std::string data = RandomBytes(30 * kUnit + 5, 4);
  RemoveNodeDrives(1);
  auto put = Put(data);
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
  EXPECT_EQ(AllBlockFiles(), 0);
  // The same with a failure that shows only at Finish: two units, the last one
  // short, so the level-1 stripe goes out at Finish and every node stores a unit.
  auto small = Put(RandomBytes(2 * kUnit - 1, 5));
  EXPECT_EQ(small.status().code(), StatusCode::kUnavailable) << small.status().ToString();
  EXPECT_EQ(AllBlockFiles(), 0);
}

TEST_F(ThreeNodeClusterTest, AbortedWritesLeaveNothing) {
  const std::string data = RandomBytes(30 * kUnit + 5, 4);
  BlobRecord blob;
  blob.blob_id = NewRandomId();
  blob.layout = layout_;
  ASSERT_OK_AND_ASSIGN(blob.placement, cluster_->Place(blob.blob_id, layout_, ""));
  {
    ASSERT_OK_AND_ASSIGN(auto writer, cluster_->WriteBlob(blob));
    ASSERT_OK(writer->Write(AsBytes(data)));
    EXPECT_GT(AllBlockFiles(), 0);
  }  // destroyed unfinished
  EXPECT_EQ(AllBlockFiles(), 0);
  ASSERT_OK_AND_ASSIGN(auto writer, cluster_->WriteBlob(blob));
  ASSERT_OK(writer->Write(AsBytes(data)));
  writer->Abort();
  EXPECT_EQ(AllBlockFiles(), 0);
  EXPECT_FALSE(writer->Write(AsBytes(data)).ok());
  EXPECT_FALSE(writer->Finish().ok());
}

TEST_F(ThreeNodeClusterTest, DeleteBlobRemovesEveryBlock) {
  std::vector<BlobRecord> blobs;
  for (uint64_t size : {uint64_t{1}, uint64_t{9 * kUnit}, uint64_t{41 * kUnit + 3}}) {
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(RandomBytes(size, size)));
    EXPECT_GT(BlockFilesOf(blob.blob_id), 0);
    blobs.push_back(blob);
  }
  ASSERT_OK(cluster_->DeleteBlob(blobs[1]));
  EXPECT_EQ(BlockFilesOf(blobs[1].blob_id), 0);
  ASSERT_OK(cluster_->DeleteBlob(blobs[1]));  // already gone: not an error
  EXPECT_GT(BlockFilesOf(blobs[0].blob_id), 0);
  EXPECT_GT(BlockFilesOf(blobs[2].blob_id), 0);

  // With a node's drives down, the rest is removed and the delete says so.
  RemoveNodeDrives(2);
  cluster_->RefreshHealth();
  Status st = cluster_->DeleteBlob(blobs[2]);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(BlockFilesOf(blobs[2].blob_id), 0);
  ASSERT_OK_AND_ASSIGN(std::string one, Get(blobs[0], 0, 1));  // others unaffected
  EXPECT_EQ(one.size(), 1u);
}

TEST_F(OneNodeClusterTest, RoundTripsManySizesAtAnyRange) {
  for (uint64_t size : Sizes(4)) {
    SCOPED_TRACE("blob of " + std::to_string(size) + " bytes");
    const std::string data = RandomBytes(size, size + 1);
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
    ASSERT_EQ(blob.placement.nodes.size(), 1u);
    EXPECT_EQ(blob.placement.nodes[0].drive_ids.size(), 6u);
    std::vector<RepairRecord> damage;
    ExpectReadsExactly(blob, data, &damage);
    EXPECT_TRUE(damage.empty());
  }
}

TEST_F(OneNodeClusterTest, ReadsSurviveTwoLostDrivesAndReportThem) {
  std::vector<std::pair<BlobRecord, std::string>> blobs;
  for (uint64_t size : Sizes(4)) {
    std::string data = RandomBytes(size, size * 7 + 3);
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
    blobs.emplace_back(blob, std::move(data));
  }
  testing::fs::remove_all(drive_paths_[0][1]);
  testing::fs::remove_all(drive_paths_[0][4]);
  const std::string lost_a = cluster_->nodes()[0].drives[1].drive_id;
  const std::string lost_b = cluster_->nodes()[0].drives[4].drive_id;
  for (const auto& [blob, data] : blobs) {
    SCOPED_TRACE("blob of " + std::to_string(data.size()) + " bytes");
    std::vector<RepairRecord> damage;
    ExpectReadsExactly(blob, data, &damage);
    for (const RepairRecord& r : damage) {
      EXPECT_EQ(r.level1_position, 0);
      ASSERT_GE(r.level2_position, 0);  // a level-2 block, not a whole fragment
      const std::string& drive = blob.placement.nodes[0].drive_ids[r.level2_position];
      EXPECT_TRUE(drive == lost_a || drive == lost_b) << "position " << r.level2_position << " reported";
    }
    // A lost drive holding a data block of this blob is always reported.
    const StripeGeometry level2{blob.size, kUnit, layout_.level2};
    for (int p = 0; p < 4; ++p) {
      const std::string& drive = blob.placement.nodes[0].drive_ids[p];
      if ((drive == lost_a || drive == lost_b) && level2.PositionUnitCount(p) > 0) {
        EXPECT_TRUE(std::any_of(damage.begin(), damage.end(),
                                [&](const RepairRecord& r) { return r.level2_position == p; }))
            << "lost data position " << p << " not reported";
      }
    }
  }
  // A third lost drive is more than 4+2 can rebuild.
  testing::fs::remove_all(drive_paths_[0][2]);
  const auto& [big, big_data] = blobs.back();
  EXPECT_EQ(Get(big, 0, big_data.size()).status().code(), StatusCode::kDataLoss);
}

TEST_F(OneNodeClusterTest, PlacesDownDrivesLastAndWritesAroundThem) {
  testing::fs::remove_all(drive_paths_[0][3]);
  const std::string down = cluster_->nodes()[0].drives[3].drive_id;
  cluster_->RefreshHealth();
  for (int i = 0; i < 5; ++i) {
    const std::string data = RandomBytes(13 * kUnit + i, i);
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, Put(data));
    const auto& drives = blob.placement.nodes[0].drive_ids;
    // The down drive was placed last (position 5) and was skipped by the write.
    EXPECT_EQ(std::count(drives.begin(), drives.end(), down), 0);
    EXPECT_EQ(drives[5], "");
    EXPECT_EQ(std::count(drives.begin(), drives.end(), ""), 1);
    ASSERT_OK_AND_ASSIGN(std::string got, Get(blob, 0, data.size()));
    EXPECT_TRUE(got == data);
  }
}

TEST(ClusterPlaceTest, TheCatalogsDriveStatesCountBeforeAnyHealthCheck) {
  ClusterNode node;
  node.record = NodeRecord{"node-1", "n1", "local"};
  for (int i = 0; i < 7; ++i) {
    DriveRecord drive;
    drive.drive_id = "drive-" + std::to_string(i);
    drive.node_id = "node-1";
    drive.state = i == 0 ? DriveState::kDown : i == 1 ? DriveState::kRemoved : DriveState::kUp;
    node.drives.push_back(drive);
  }
  Cluster cluster({node});
  const Layout layout{kUnit, CodeSpec{1, 0}, CodeSpec{4, 2}};
  for (int i = 0; i < 100; ++i) {
    auto placed = cluster.Place(NewRandomId(), layout, "");
    ASSERT_TRUE(placed.ok()) << placed.status().ToString();
    const auto& ids = placed->nodes[0].drive_ids;
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "drive-1"), 0) << "a removed drive was placed";
    // Five up drives for six positions: the down drive fills the last one.
    EXPECT_EQ(ids.back(), "drive-0");
  }
}

}  // namespace
}  // namespace strata
