// LocalNode under failing drives: a write survives one lost or failing drive
// (and says which position it skipped), fails with Unavailable and leaves
// nothing behind with two; a full file system fails cleanly; drives go down
// and come back; a foreign drive is never used or modified.
#include "strata/node/local_node.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "strata/node/local_node_test_util.h"

namespace strata {
namespace {

using testing::AsBytes;
using testing::RandomBytes;
using testing::Snapshot;


class LocalNodeFaultTest : public testing::LocalNodeTest {
 protected:
  // Fails every append to files of drive `drive` with `error`.
  void FailAppends(int drive, int error = EIO, uint64_t after_bytes = 0) {
    faults_.AddRule(FaultRule{FaultOp::kAppend, paths_[drive] + "/", error, after_bytes});
  }

  // Appends the first `units` units of `data`; the first error, if any.
  static Status Append(FragmentWriter& writer, const std::string& data, uint64_t first, uint64_t units) {
    for (uint64_t u = first; u < first + units && u * kUnit < data.size(); ++u) {
      RETURN_IF_ERROR(writer.AppendUnit(AsBytes(data).subspan(u * kUnit, std::min<uint64_t>(kUnit, data.size() - u * kUnit))));
    }
    return Status::OK();
  }

  // Expects the committed placement to skip exactly `lost` and the bytes to read back.
  void ExpectReadableWithout(FragmentRef ref, const std::vector<std::string>& placed, int lost,
                             const std::string& data) {
    ASSERT_EQ(placed.size(), 6u);
    for (int p = 0; p < 6; ++p) EXPECT_EQ(placed[p], p == lost ? "" : ids_[p]) << "position " << p;
    ref.drive_ids = placed;
    std::vector<BlockDamage> damage;
    ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref, &damage));
    EXPECT_TRUE(got == data);
    ASSERT_OK_AND_ASSIGN(auto verified, node_->VerifyFragment(ref));
    EXPECT_EQ(Positions(verified), std::set<int>{lost});
    EXPECT_FALSE(testing::fs::exists(BlockPath(ref, lost)));
    EXPECT_EQ(TemporariesEverywhere(), 0);
  }
};

TEST_F(LocalNodeFaultTest, DriveDirectoryDeletedBeforeOrDuringTheWrite) {
  for (int stripes_before : {0, 5}) {
    SCOPED_TRACE(std::to_string(stripes_before) + " stripes written before the loss");
    const int lost = stripes_before == 0 ? 2 : 5;
    const std::string data = RandomBytes(40 * kUnit + 9, stripes_before + 1);
    FragmentRef ref = Ref(data.size());
    ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
    ASSERT_OK(Append(*writer, data, 0, stripes_before * 4));
    testing::fs::remove_all(paths_[lost]);
    ASSERT_OK(Append(*writer, data, stripes_before * 4, 100));
    ASSERT_OK_AND_ASSIGN(auto placed, writer->Commit());
    ExpectReadableWithout(ref, placed, lost, data);
    EXPECT_FALSE(DriveUp(ids_[lost]));
    // The write must not re-create the lost drive's directory tree: a replaced
    // disk is recognised by its missing or empty directory.
    EXPECT_FALSE(testing::fs::exists(paths_[lost])) << "the failed publish re-created " << paths_[lost];
    ASSERT_OK(node_->AttachDrive(ids_[lost], paths_[lost], NodeClient::AttachMode::kReplace));
    EXPECT_TRUE(DriveUp(ids_[lost]));
  }
}

TEST_F(LocalNodeFaultTest, OneDriveFailingAppendsIsSkipped) {
  for (uint64_t size : {uint64_t{1}, uint64_t{kUnit + 1}, uint64_t{4 * kUnit + 1}, uint64_t{37 * kUnit + 123}}) {
    for (int failing : {1, 4}) {
      SCOPED_TRACE(std::to_string(size) + " bytes, drive " + std::to_string(failing) + " failing");
      faults_.ClearRules();
      node_->Health();  // the drive that failed last round passes its check again
      FailAppends(failing);
      const std::string data = RandomBytes(size, size + failing);
      FragmentRef ref = Ref(size);
      ASSERT_OK_AND_ASSIGN(auto placed, Write(ref, data));
      if (Geometry(ref).PositionUnitCount(failing) == 0) {
        EXPECT_EQ(placed, ids_);  // nothing to write there, so nothing failed
        continue;
      }
      // A drive that failed a write is down until a health check passes.
      std::string why;
      EXPECT_EQ(node_->UpDrive(ids_[failing], &why), nullptr);
      EXPECT_NE(why.find("write failed"), std::string::npos) << why;
      ExpectReadableWithout(ref, placed, failing, data);
    }
  }
}

TEST_F(LocalNodeFaultTest, TwoFailingDrivesAreUnavailableAndLeaveNothing) {
  FailAppends(1);
  FailAppends(4);
  // Ten units: the failure shows when the first stripe goes out.
  const std::string data = RandomBytes(10 * kUnit, 1);
  {
    FragmentRef ref = Ref(data.size());
    ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
    Status st = Append(*writer, data, 0, 10);
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    EXPECT_NE(st.message().find(ids_[1]), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(ids_[4]), std::string::npos) << st.message();
  }
  EXPECT_EQ(BlockFilesEverywhere(), 0);
  // Three units: nothing is sent before Commit, which fails and cleans up itself.
  {
    FragmentRef ref = Ref(3 * kUnit);
    ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
    ASSERT_OK(Append(*writer, data, 0, 3));
    auto placed = writer->Commit();
    EXPECT_EQ(placed.status().code(), StatusCode::kUnavailable) << placed.status().ToString();
    EXPECT_EQ(BlockFilesEverywhere(), 0);
    EXPECT_FALSE(writer->AppendUnit(AsBytes(data).first(kUnit)).ok());  // finished
  }
  EXPECT_EQ(BlockFilesEverywhere(), 0);
}

TEST_F(LocalNodeFaultTest, OneLostAndOneFailingDriveAreUnavailable) {
  FailAppends(0);
  const std::string data = RandomBytes(12 * kUnit, 2);
  FragmentRef ref = Ref(data.size());
  {
    ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
    testing::fs::remove_all(paths_[3]);
    Status st = Append(*writer, data, 0, 12);
    if (st.ok()) st = writer->Commit().status();
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  }
  EXPECT_EQ(BlockFilesEverywhere(), 0);
}

TEST_F(LocalNodeFaultTest, PublishFailingOnTwoDrivesLeavesNoBlockBehind) {
  // Every unit is written; the renames into place fail on drives 1 and 4, so
  // the other four positions publish before the write is found to fail.
  faults_.AddRule(FaultRule{FaultOp::kRename, paths_[1] + "/"});
  faults_.AddRule(FaultRule{FaultOp::kRename, paths_[4] + "/"});
  const std::string data = RandomBytes(8 * kUnit, 3);
  FragmentRef ref = Ref(data.size());
  auto placed = Write(ref, data);
  EXPECT_EQ(placed.status().code(), StatusCode::kUnavailable) << placed.status().ToString();
  EXPECT_EQ(BlockFilesEverywhere(), 0) << "a failed Commit left published blocks";
  ASSERT_OK_AND_ASSIGN(auto listed, node_->ListBlocks());
  EXPECT_TRUE(listed.empty());
}

TEST_F(LocalNodeFaultTest, NoSpaceOnEveryDriveFailsCleanly) {
  const std::string no_space = std::strerror(ENOSPC);
  // 12 units, three stripes. Each position's block is a 4 KiB header and one
  // unit per stripe, so 6 * 2 * kUnit bytes take the first stripe out, and
  // 6 * 4 * kUnit every unit, leaving only the trailers to fail.
  struct Case {
    const char* name;
    uint64_t after_bytes;
  } cases[] = {{"at the first byte", 0}, {"after one stripe", 6 * 2 * kUnit}, {"at the trailers", 6 * 4 * kUnit}};
  const std::string data = RandomBytes(12 * kUnit, 4);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    faults_.ClearRules();
    faults_.AddRule(FaultRule{FaultOp::kAppend, dir_.path() + "/", ENOSPC, c.after_bytes});
    FragmentRef ref = Ref(data.size());
    {
      ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
      Status st = Append(*writer, data, 0, 12);
      if (st.ok()) st = writer->Commit().status();
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.code(), StatusCode::kNoSpace) << st.ToString();
      EXPECT_NE(st.message().find(no_space), std::string::npos) << st.ToString();
    }
    EXPECT_EQ(BlockFilesEverywhere(), 0);
    EXPECT_GT(faults_.fired(), 0);
    // A full drive is still a healthy drive: none went down.
    for (const DriveHealth& d : node_->Health().drives) EXPECT_TRUE(d.up) << d.drive_id << ": " << d.error;
  }
  // Once there is room again, the same drives take the write.
  faults_.ClearRules();
  FragmentRef ref = Ref(data.size());
  ASSERT_OK_AND_ASSIGN(auto placed, Write(ref, data));
  EXPECT_EQ(placed, ids_);
  ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref));
  EXPECT_TRUE(got == data);
}

TEST_F(LocalNodeFaultTest, HealthMarksADeletedDriveDownAndBringsItBack) {
  NodeHealth health = node_->Health();
  EXPECT_EQ(health.node_id, "node-1");
  ASSERT_EQ(health.drives.size(), 6u);
  for (const DriveHealth& d : health.drives) {
    EXPECT_TRUE(d.up) << d.error;
    EXPECT_GT(d.capacity_bytes, 0u);
  }

  const std::string data = RandomBytes(6 * kUnit, 5);
  FragmentRef before = Ref(data.size());
  ASSERT_OK(Write(before, data).status());
  testing::fs::remove_all(paths_[2]);
  for (const DriveHealth& d : node_->Health().drives) {
    EXPECT_EQ(d.up, d.drive_id != ids_[2]) << d.drive_id;
    if (d.drive_id == ids_[2]) {
      EXPECT_NE(d.error.find(paths_[2]), std::string::npos) << d.error;
    } else {
      EXPECT_EQ(d.block_files, 1u);
    }
  }
  // Reads rebuild around the lost drive; new writes skip it.
  ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(before));
  EXPECT_TRUE(got == data);
  FragmentRef during = Ref(data.size());
  ASSERT_OK_AND_ASSIGN(auto placed, Write(during, data));
  EXPECT_EQ(placed[2], "");

  // A directory with another drive's identity does not bring it back.
  ASSERT_OK(Drive::Format(PosixFileSystem::Default(), paths_[2],
                          DriveIdentity{NewRandomId(), cluster_id_, kDriveFormatVersion})
                .status());
  EXPECT_FALSE(DriveUp(ids_[2]));
  testing::fs::remove_all(paths_[2]);
  // The same identity does.
  ASSERT_OK(Drive::Format(PosixFileSystem::Default(), paths_[2],
                          DriveIdentity{ids_[2], cluster_id_, kDriveFormatVersion})
                .status());
  EXPECT_TRUE(DriveUp(ids_[2]));
  FragmentRef after = Ref(data.size());
  ASSERT_OK_AND_ASSIGN(placed, Write(after, data));
  EXPECT_EQ(placed, ids_);
}

TEST_F(LocalNodeFaultTest, AttachReplaceFormatsAMissingDriveUnderItsIdentity) {
  testing::fs::remove_all(paths_[3]);
  EXPECT_TRUE(node_->AttachDrive(ids_[3], paths_[3], NodeClient::AttachMode::kOpen).IsNotFound());
  EXPECT_FALSE(DriveUp(ids_[3]));
  ASSERT_OK(node_->AttachDrive(ids_[3], paths_[3], NodeClient::AttachMode::kReplace));
  ASSERT_OK_AND_ASSIGN(DriveIdentity identity, Drive::ReadIdentity(PosixFileSystem::Default(), paths_[3]));
  EXPECT_EQ(identity.drive_id, ids_[3]);
  EXPECT_EQ(identity.cluster_id, cluster_id_);
  EXPECT_TRUE(DriveUp(ids_[3]));

  // kReplace on a healthy drive only opens it: its blocks stay.
  const std::string data = RandomBytes(4 * kUnit, 6);
  FragmentRef ref = Ref(data.size());
  ASSERT_OK(Write(ref, data).status());
  const auto before = Snapshot(paths_[0]);
  ASSERT_OK(node_->AttachDrive(ids_[0], paths_[0], NodeClient::AttachMode::kReplace));
  EXPECT_EQ(Snapshot(paths_[0]), before);
  // kFormat never formats over a drive.
  EXPECT_FALSE(node_->AttachDrive(NewRandomId(), paths_[1], NodeClient::AttachMode::kFormat).ok());
  ASSERT_OK_AND_ASSIGN(identity, Drive::ReadIdentity(PosixFileSystem::Default(), paths_[1]));
  EXPECT_EQ(identity.drive_id, ids_[1]);
  ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref));
  EXPECT_TRUE(got == data);

  const size_t drives = node_->Health().drives.size();
  ASSERT_OK(node_->DetachDrive(ids_[5]));
  EXPECT_TRUE(node_->DetachDrive(ids_[5]).IsNotFound());
  EXPECT_EQ(node_->Health().drives.size(), drives - 1);
  EXPECT_TRUE(testing::fs::exists(paths_[5] + "/" + kDriveIdentityFile));  // files are left alone
}

TEST_F(LocalNodeFaultTest, ForeignDrivesAreRefusedAndNotModified) {
  // A drive of another cluster, with a block file of its own.
  const std::string foreign = dir_.Sub("foreign");
  ASSERT_OK(Drive::Format(PosixFileSystem::Default(), foreign,
                          DriveIdentity{NewRandomId(), NewRandomId(), kDriveFormatVersion})
                .status());
  testing::WriteWholeFile(foreign + "/tmp/keep-me", "not ours");
  // A directory that holds something but is no drive at all.
  const std::string stranger = dir_.Sub("stranger");
  testing::fs::create_directories(stranger + "/data");
  testing::WriteWholeFile(stranger + "/data/file", "precious");

  for (const std::string& path : {foreign, stranger, paths_[1]}) {
    const auto before = Snapshot(path);
    const std::string id = NewRandomId();  // paths_[1] is drive ids_[1], not this one
    for (auto mode : {NodeClient::AttachMode::kOpen, NodeClient::AttachMode::kReplace,
                      NodeClient::AttachMode::kFormat}) {
      Status st = node_->AttachDrive(id, path, mode);
      EXPECT_FALSE(st.ok()) << path << " mode " << static_cast<int>(mode);
      EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
    }
    EXPECT_FALSE(DriveUp(id));  // Health() retries the attach; still refused
    EXPECT_EQ(Snapshot(path), before) << path;
  }
  // A foreign drive's cluster id is named in the refusal.
  Status st = node_->AttachDrive(NewRandomId(), foreign, NodeClient::AttachMode::kOpen);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("cluster"), std::string::npos) << st.message();
  // The node's own drives are unaffected, and a refused drive was never taken
  // into service: the node reports only its six.
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(DriveUp(ids_[i]));
  EXPECT_EQ(node_->Health().drives.size(), 6u) << "refused drives stay registered as down drives of the node";
}

TEST_F(LocalNodeFaultTest, NodeStartsWithUnopenableDrivesDown) {
  testing::fs::remove_all(paths_[0]);
  LocalNode node("node-2", cluster_id_, PosixFileSystem::Default(), Specs());
  NodeHealth health = node.Health();
  ASSERT_EQ(health.drives.size(), 6u);
  for (const DriveHealth& d : health.drives) EXPECT_EQ(d.up, d.drive_id != ids_[0]) << d.drive_id;
  std::string why;
  EXPECT_EQ(node.UpDrive(ids_[0], &why), nullptr);
  EXPECT_FALSE(why.empty());
  // A cluster id that matches none of the drives: all down.
  LocalNode wrong("node-3", NewRandomId(), PosixFileSystem::Default(), Specs());
  for (const DriveHealth& d : wrong.Health().drives) EXPECT_FALSE(d.up) << d.drive_id;
}

}  // namespace
}  // namespace strata
