// ObjectStore under faults: lost drives (reads stay exact, repair re-creates
// them), corrupt and truncated blocks (scrub finds each one, repair fixes
// them), writes with too few drives or no space (they fail cleanly and the old
// version stays), and drives removed and added (only what must move moves).
#include "strata/objects/object_store.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "strata/cluster/placement.h"

#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::RandomBytes;


class ObjectStoreFaultTest : public testing::ObjectStoreTest {
 protected:
  // A mix of packed and own-blob objects of awkward sizes.
  void PutMix(int count = 12) {
    store_->SetBatching(true);
    for (int i = 0; i < count; ++i) PutFile("small/" + std::to_string(i), RandomBytes(100 + 97 * i, i));
    ASSERT_OK(store_->FlushPacks());
    store_->SetBatching(false);
    const uint64_t sizes[] = {kUnit, kUnit + 1, kStripe - 1, 3 * kStripe + 5, 10 * kStripe + 7};
    for (size_t i = 0; i < std::size(sizes); ++i) PutFile("big/" + std::to_string(i), RandomBytes(sizes[i], 50 + i));
  }

  void ExpectCleanScrub() {
    ASSERT_OK_AND_ASSIGN(ScrubReport scrub, store_->maintenance().Scrub(nullptr));
    EXPECT_EQ(scrub.blocks_damaged, 0u);
    EXPECT_EQ(scrub.orphans_removed, 0u);
    EXPECT_TRUE(scrub.problems.empty()) << scrub.problems.front();
  }

  DriveRecord Drive(const std::string& name) {
    auto drives = store_->catalog().ListDrives();
    EXPECT_TRUE(drives.ok());
    for (const DriveRecord& d : *drives) {
      if (d.name == name) return d;
    }
    ADD_FAILURE() << "no drive " << name;
    return DriveRecord{};
  }
};

TEST_F(ObjectStoreFaultTest, TwoLostDrivesReadExactlyAndRepairRecreatesThem) {
  PutMix();
  // Lose the drives of the first two data positions of the largest object,
  // so that reading it must rebuild.
  ASSERT_OK_AND_ASSIGN(ObjectRecord largest, store_->Head("data", "big/4"));
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(largest.blob_id));
  std::vector<std::string> lost;
  ASSERT_OK_AND_ASSIGN(auto drives, store_->catalog().ListDrives());
  for (int p : {0, 1}) {
    for (const DriveRecord& d : drives) {
      if (d.drive_id == blob.placement.nodes[0].drive_ids[p]) lost.push_back(d.name);
    }
  }
  ASSERT_EQ(lost.size(), 2u);
  for (const std::string& name : lost) testing::fs::remove_all(root_ + "/drives/" + name);
  CheckAllFiles();
  ASSERT_OK_AND_ASSIGN(auto repairs, store_->catalog().ListRepairs());
  EXPECT_FALSE(repairs.empty()) << "reads that rebuilt units recorded nothing to repair";

  ASSERT_OK_AND_ASSIGN(RepairReport repair, store_->maintenance().Repair(nullptr));
  EXPECT_EQ(repair.drives_reformatted, 2u);
  EXPECT_EQ(repair.blocks_unrepairable, 0u);
  EXPECT_GT(repair.blocks_rebuilt, 0u);
  EXPECT_TRUE(repair.problems.empty()) << repair.problems.front();
  for (const std::string& name : lost) {
    EXPECT_GT(testing::CountFiles(root_ + "/drives/" + name + "/blocks"), 0) << name;
    EXPECT_EQ(Drive(name).state, DriveState::kUp) << name;
  }
  ASSERT_OK_AND_ASSIGN(repairs, store_->catalog().ListRepairs());
  EXPECT_TRUE(repairs.empty());
  ExpectCleanScrub();
  CheckAllFiles();
  // The repaired drives carry their old identities, so a reopen finds them.
  Reopen();
  for (const std::string& name : lost) EXPECT_EQ(Drive(name).state, DriveState::kUp) << name;
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, ScrubFindsEveryDamagedBlockAndRepairFixesThem) {
  PutMix();
  ExpectCleanScrub();
  // Group block files by blob; damage at most two blocks of any blob, so that
  // 4+2 can still rebuild, with some blocks damaged twice (counted once).
  std::map<std::string, std::vector<std::string>> by_blob;
  for (const std::string& path : AllBlockPaths()) {
    const std::string name = testing::fs::path(path).filename();
    by_blob[name.substr(0, 32)].push_back(path);
  }
  ASSERT_GE(by_blob.size(), 5u);
  std::set<std::string> damaged;
  int injections = 0;
  bool truncated = false;
  for (auto& [blob, paths] : by_blob) {
    std::shuffle(paths.begin(), paths.end(), rng_);
    const int blocks = std::min<int>(2, paths.size());
    for (int b = 0; b < blocks; ++b) {
      const std::string& path = paths[b];
      const uint64_t size = testing::fs::file_size(path);
      if (!truncated && size > kBlockHeaderSize + 100) {
        testing::fs::resize_file(path, size - 100);
        truncated = true;
      } else {
        // Every other block gets two flips, at distinct bytes (a byte flipped
        // twice would be whole again).
        std::uniform_int_distribution<uint64_t> offset(0, size - 1);
        const uint64_t first = offset(rng_);
        testing::FlipByte(path, first);
        if (injections % 2) testing::FlipByte(path, (first + 1 + offset(rng_) % (size - 1)) % size);
      }
      ++injections;
      damaged.insert(path);
    }
  }
  ASSERT_TRUE(truncated);

  ASSERT_OK_AND_ASSIGN(ScrubReport scrub, store_->maintenance().Scrub(nullptr));
  EXPECT_EQ(scrub.blocks_damaged, damaged.size());
  EXPECT_EQ(scrub.blobs_checked, by_blob.size());
  EXPECT_EQ(scrub.orphans_removed, 0u);
  ASSERT_OK_AND_ASSIGN(RepairReport repair, store_->maintenance().Repair(nullptr));
  EXPECT_EQ(repair.blocks_rebuilt, damaged.size());
  EXPECT_EQ(repair.blocks_unrepairable, 0u);
  EXPECT_EQ(repair.drives_reformatted, 0u);
  ExpectCleanScrub();
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, ScrubRemovesOrphansAndTemporaries) {
  PutMix(3);
  // A block of a blob nobody knows, and a stray temporary.
  const std::string orphan_dir = DrivePath(2) + "/blocks/ab";
  testing::fs::create_directories(orphan_dir);
  const std::vector<std::string> paths = AllBlockPaths();
  const std::string orphan = orphan_dir + "/ab" + std::string(30, '0') + "-0-2.blk";
  testing::fs::copy_file(paths.front(), orphan);
  testing::WriteWholeFile(DrivePath(0) + "/tmp/left-over.tmp", "partial");
  ASSERT_OK_AND_ASSIGN(ScrubReport scrub, store_->maintenance().Scrub(nullptr));
  EXPECT_EQ(scrub.orphans_removed, 1u);
  EXPECT_EQ(scrub.temporaries_removed, 1u);
  EXPECT_FALSE(testing::fs::exists(orphan));
  EXPECT_EQ(AllBlockPaths(), paths);
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, PutWithTwoDrivesGoneFailsAndKeepsThePreviousVersion) {
  PutFile("big", RandomBytes(3 * kStripe + 5, 1));
  PutFile("mid", RandomBytes(kUnit + 100, 2));
  PutFile("small", RandomBytes(500, 3));
  const int blocks = AllBlockFiles() - BlockFiles(0) - BlockFiles(3);
  testing::fs::remove_all(DrivePath(0));
  testing::fs::remove_all(DrivePath(3));
  // A put that fails while streaming, and one that fails at commit (a stripe
  // less one byte: every position holds a unit, the last one short).
  for (const auto& [key, size] : std::vector<std::pair<std::string, uint64_t>>{
           {"big", 5 * kStripe}, {"mid", kStripe - 1}}) {
    SCOPED_TRACE(key);
    auto put = Put(key, RandomBytes(size, 9));
    EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
    EXPECT_EQ(AllTemporaries(), 0);
    EXPECT_EQ(AllBlockFiles(), blocks) << "the failed put left blocks behind";
    EXPECT_EQ(BlobCount(BlobState::kPending), 0u) << "the failed put left a pending blob";
  }
  CheckAllFiles();  // the previous versions, from four drives of six

  // A one-unit pack stores only positions 0, 4 and 5 (1-3 are virtual), so
  // whether it fits on the four drives left depends on placement: it either
  // fails cleanly or lands only on drives that are there.
  const std::string small = RandomBytes(99, 10);
  auto put = Put("small", small);
  if (put.ok()) {
    files_["small"] = small;
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "small"));
    ASSERT_OK_AND_ASSIGN(BlobRecord pack, store_->catalog().GetBlob(head.blob_id));
    const auto& ids = pack.placement.nodes[0].drive_ids;
    for (int p : {0, 4, 5}) {
      EXPECT_FALSE(ids[p].empty());
      EXPECT_NE(ids[p], Drive("d1").drive_id);
      EXPECT_NE(ids[p], Drive("d4").drive_id);
    }
  } else {
    EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
    EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  }
  EXPECT_EQ(AllTemporaries(), 0);
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, PutWithOneDriveGoneSucceedsAndRecordsARepair) {
  testing::fs::remove_all(DrivePath(2));
  const std::string data = RandomBytes(5 * kStripe + 3, 4);
  ASSERT_OK_AND_ASSIGN(ObjectRecord put, Put("k", data));
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(put.blob_id));
  EXPECT_EQ(blob.state, BlobState::kCommitted);
  EXPECT_EQ(std::count(blob.placement.nodes[0].drive_ids.begin(), blob.placement.nodes[0].drive_ids.end(), ""), 1);
  ASSERT_OK_AND_ASSIGN(auto repairs, store_->catalog().ListRepairs());
  ASSERT_EQ(repairs.size(), 1u);
  EXPECT_EQ(repairs[0].blob_id, put.blob_id);
  EXPECT_EQ(blob.placement.nodes[0].drive_ids[repairs[0].level2_position], "");
  EXPECT_EQ(Drive("d3").state, DriveState::kDown);
  files_["k"] = data;
  CheckAllFiles();

  ASSERT_OK_AND_ASSIGN(RepairReport repair, store_->maintenance().Repair(nullptr));
  EXPECT_EQ(repair.drives_reformatted, 1u);
  EXPECT_EQ(repair.blocks_unrepairable, 0u);
  ASSERT_OK_AND_ASSIGN(blob, store_->catalog().GetBlob(put.blob_id));
  EXPECT_EQ(std::count(blob.placement.nodes[0].drive_ids.begin(), blob.placement.nodes[0].drive_ids.end(), ""), 0);
  ExpectCleanScrub();
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, NoSpaceFailsThePutCleanly) {
  PutFile("big", RandomBytes(2 * kStripe + 1, 1));
  PutFile("small", RandomBytes(700, 2));
  const auto paths = AllBlockPaths();
  faults_.AddRule(FaultRule{FaultOp::kAppend, root_ + "/drives/", ENOSPC});
  for (const auto& [key, size] : std::vector<std::pair<std::string, uint64_t>>{
           {"big", 4 * kStripe + 9}, {"big", kUnit + 1}, {"small", 10}, {"new", 3 * kStripe}}) {
    SCOPED_TRACE(key + " of " + std::to_string(size));
    auto put = Put(key, RandomBytes(size, size));
    ASSERT_FALSE(put.ok());
    EXPECT_TRUE(put.status().IsNoSpace()) << put.status().ToString();
    EXPECT_NE(put.status().message().find(std::strerror(ENOSPC)), std::string::npos) << put.status().ToString();
    EXPECT_EQ(AllTemporaries(), 0);
    EXPECT_EQ(AllBlockPaths(), paths) << "the failed put published blocks";
    EXPECT_EQ(BlobCount(BlobState::kPending), 0u) << "the failed put left a pending blob";
  }
  EXPECT_TRUE(store_->Head("data", "new").status().IsNotFound());
  CheckAllFiles();
  // Full drives are not lost drives: none is down, and with room again puts work.
  ASSERT_OK(store_->maintenance().SyncDriveStates());
  for (int d = 0; d < drives_; ++d) EXPECT_EQ(Drive("d" + std::to_string(d + 1)).state, DriveState::kUp);
  faults_.ClearRules();
  PutFile("big", RandomBytes(4 * kStripe + 9, 3));
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, RemoveDriveIsRefusedWhenTooFewWouldRemain) {
  // Even an empty store needs six drives for the 4+2 blobs it will write.
  auto removed = store_->maintenance().RemoveDrive("d3", nullptr);
  EXPECT_EQ(removed.status().code(), StatusCode::kFailedPrecondition) << "empty store: " << removed.status().ToString();
  PutMix(3);
  removed = store_->maintenance().RemoveDrive("d3", nullptr);
  EXPECT_EQ(removed.status().code(), StatusCode::kFailedPrecondition) << removed.status().ToString();
  EXPECT_EQ(Drive("d3").state, DriveState::kUp);
  EXPECT_TRUE(store_->maintenance().RemoveDrive("d99", nullptr).status().IsNotFound());
  CheckAllFiles();
  ExpectCleanScrub();
}

class ObjectStoreSevenDriveTest : public ObjectStoreFaultTest {
 protected:
  void Configure(InitOptions& options) override { options.drives_per_node = 7; }
};

TEST_F(ObjectStoreSevenDriveTest, RemoveDriveRebuildsItsBlocksElsewhere) {
  PutMix();
  const std::string removed_id = Drive("d3").drive_id;
  std::vector<std::string> on_d3;  // block file names
  for (const auto& entry : testing::fs::recursive_directory_iterator(DrivePath(2) + "/blocks")) {
    if (entry.is_regular_file()) on_d3.push_back(entry.path().filename());
  }
  ASSERT_FALSE(on_d3.empty());
  ASSERT_OK_AND_ASSIGN(DriveChangeReport report, store_->maintenance().RemoveDrive("d3", nullptr));
  EXPECT_EQ(report.repair.blocks_rebuilt, on_d3.size());
  EXPECT_EQ(report.repair.blocks_unrepairable, 0u);
  EXPECT_EQ(Drive("d3").state, DriveState::kRemoved);
  // Every block the drive held now lives on another drive.
  for (const std::string& name : on_d3) {
    int copies = 0;
    for (int d = 0; d < drives_; ++d) {
      if (d == 2) continue;
      copies += testing::fs::exists(DrivePath(d) + "/blocks/" + name.substr(0, 2) + "/" + name) ? 1 : 0;
    }
    EXPECT_EQ(copies, 1) << name;
  }
  // Nothing refers to the removed drive any more; prove it by taking it away.
  testing::fs::remove_all(DrivePath(2));
  ASSERT_OK_AND_ASSIGN(auto blobs, store_->catalog().ListBlobs(BlobState::kCommitted));
  for (const BlobRecord& blob : blobs) {
    for (const std::string& d : blob.placement.nodes[0].drive_ids) EXPECT_NE(d, removed_id) << blob.blob_id;
  }
  CheckAllFiles();
  ExpectCleanScrub();
  // New objects avoid it, and the store reopens without it.
  PutFile("after", RandomBytes(3 * kStripe, 77));
  Reopen();
  CheckAllFiles();
  // Six drives remain for a 4+2 code: one more removal is refused.
  EXPECT_EQ(store_->maintenance().RemoveDrive("d4", nullptr).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ObjectStoreFaultTest, AddDriveMovesOnlyTheBlocksThatNowBelongThere) {
  // Objects of a stripe or more, so that every position holds a block.
  for (int i = 0; i < 30; ++i) PutFile("obj/" + std::to_string(i), RandomBytes(kStripe + 1000 * i, i));
  ASSERT_OK_AND_ASSIGN(auto before, store_->catalog().ListBlobs(BlobState::kCommitted));
  const int blocks_before = AllBlockFiles();
  const auto paths_before = AllBlockPaths();

  ASSERT_OK_AND_ASSIGN(DriveChangeReport report, store_->maintenance().AddDrive("drives/d7", "", "default", nullptr));
  drives_ = 7;
  EXPECT_EQ(report.drive.path, "drives/d7");
  EXPECT_GT(report.blocks_moved, 0u);
  EXPECT_TRUE(report.repair.problems.empty()) << report.repair.problems.front();
  EXPECT_EQ(static_cast<int>(report.blocks_moved), BlockFiles(6));
  EXPECT_EQ(AllBlockFiles(), blocks_before);  // moved, not copied

  // A blob moves exactly when rendezvous over the seven drives puts the new
  // one among its six, and then only the position whose drive dropped out.
  std::vector<std::string> drive_ids;
  ASSERT_OK_AND_ASSIGN(auto drives, store_->catalog().ListDrives());
  for (const DriveRecord& d : drives) drive_ids.push_back(d.drive_id);
  ASSERT_EQ(drive_ids.size(), 7u);
  std::map<std::string, Placement> old_placement;
  for (const BlobRecord& blob : before) old_placement[blob.blob_id] = blob.placement;
  ASSERT_OK_AND_ASSIGN(auto after, store_->catalog().ListBlobs(BlobState::kCommitted));
  uint64_t changed_blobs = 0;
  for (const BlobRecord& blob : after) {
    const auto& old_ids = old_placement.at(blob.blob_id).nodes[0].drive_ids;
    const auto& new_ids = blob.placement.nodes[0].drive_ids;
    std::vector<std::string> ideal = RankByRendezvous(blob.blob_id, drive_ids);
    ideal.resize(6);
    const bool gains = std::count(ideal.begin(), ideal.end(), report.drive.drive_id) == 1;
    int changed = 0;
    for (size_t p = 0; p < new_ids.size(); ++p) {
      if (old_ids[p] == new_ids[p]) continue;
      ++changed;
      EXPECT_EQ(new_ids[p], report.drive.drive_id);
      EXPECT_EQ(std::count(ideal.begin(), ideal.end(), old_ids[p]), 0) << "moved a drive that still ranks";
    }
    EXPECT_EQ(changed, gains ? 1 : 0) << blob.blob_id;
    changed_blobs += changed;
  }
  EXPECT_EQ(changed_blobs, report.blocks_moved);
  // Blocks that stay are untouched: every old path either remains or moved.
  int kept = 0;
  for (const std::string& path : paths_before) kept += testing::fs::exists(path) ? 1 : 0;
  EXPECT_EQ(kept, blocks_before - static_cast<int>(report.blocks_moved));
  ExpectCleanScrub();
  CheckAllFiles();
  Reopen();
  CheckAllFiles();
}

TEST_F(ObjectStoreFaultTest, AddDriveMovesRealBlocksOfShortBlobs) {
  // Two units: positions 2 and 3 hold nothing. The drive that drops out of a
  // blob's six is its lowest-ranked, which holds the last parity position, so
  // every move is of a block that exists.
  for (int i = 0; i < 20; ++i) PutFile("obj/" + std::to_string(i), RandomBytes(kUnit + 1 + i, i));
  ASSERT_OK_AND_ASSIGN(DriveChangeReport report, store_->maintenance().AddDrive("drives/d7", "", "default", nullptr));
  drives_ = 7;
  EXPECT_EQ(static_cast<int>(report.blocks_moved), BlockFiles(6))
      << "blocks_moved counts positions that hold no units";
  EXPECT_GT(report.blocks_moved, 0u);
  CheckAllFiles();
}

}  // namespace
}  // namespace strata
