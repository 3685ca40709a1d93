#include "strata/drive/drive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "strata/base/fault_injection.h"
#include "strata/base/ids.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using strata::testing::RandomBytes;
using strata::testing::TempDir;

constexpr uint32_t kUnit = 256;

using strata::testing::ListNames;
using strata::testing::ReadWholeFile;
using strata::testing::WriteWholeFile;
std::span<const std::byte> Bytes(const std::string& s) { return strata::testing::AsBytes(s); }

// Every file under `dir` with its contents: a drive that must not change.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    files[entry.path().string()] = entry.is_regular_file() ? ReadWholeFile(entry.path()) : "<dir>";
  }
  return files;
}

class DriveTest : public ::testing::Test {
 protected:
  DriveTest() : identity_{NewRandomId(), NewRandomId(), kDriveFormatVersion} {}

  std::unique_ptr<Drive> FormatDrive(FileSystem* fs = nullptr) {
    auto drive = Drive::Format(fs ? fs : fs_, path_, identity_);
    EXPECT_TRUE(drive.ok()) << drive.status().ToString();
    return drive.ok() ? std::move(drive).value() : nullptr;
  }

  Status WriteBlock(Drive& drive, const BlockName& name, const std::string& data) {
    ASSIGN_OR_RETURN(auto writer, drive.CreateBlock(BlockHeader{name, kUnit}));
    for (size_t at = 0; at < data.size(); at += kUnit) {
      RETURN_IF_ERROR(writer->AppendUnit(Bytes(data).subspan(at, std::min<size_t>(kUnit, data.size() - at))));
    }
    return writer->Publish();
  }

  Result<std::string> ReadBlock(Drive& drive, const BlockName& name) {
    ASSIGN_OR_RETURN(auto reader, drive.OpenBlock(name));
    std::string data;
    std::vector<std::byte> unit(kUnit);
    for (uint64_t i = 0; i < reader->unit_count(); ++i) {
      RETURN_IF_ERROR(reader->ReadUnit(i, unit));
      data.append(reinterpret_cast<const char*>(unit.data()), reader->UnitLength(i));
    }
    return data;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("drive");
  FileSystem* fs_ = PosixFileSystem::Default();
  DriveIdentity identity_;
};

TEST_F(DriveTest, FormatWritesLayoutAndIdentity) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  EXPECT_EQ(drive->id(), identity_.drive_id);
  EXPECT_EQ(drive->path(), path_);
  EXPECT_EQ(ListNames(path_), (std::vector<std::string>{"blocks", "strata-drive.json", "tmp"}));

  auto json = nlohmann::json::parse(ReadWholeFile(path_ + "/strata-drive.json"));
  EXPECT_EQ(json["drive_id"], identity_.drive_id);
  EXPECT_EQ(json["cluster_id"], identity_.cluster_id);
  EXPECT_EQ(json["format_version"], 1);

  auto read = Drive::ReadIdentity(fs_, path_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->drive_id, identity_.drive_id);
  EXPECT_EQ(read->cluster_id, identity_.cluster_id);
  EXPECT_EQ(read->format_version, 1);

  auto opened = Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE((*opened)->CheckHealth().ok());
  auto space = (*opened)->Space();
  ASSERT_TRUE(space.ok());
  EXPECT_GT(space->capacity_bytes, 0u);
}

TEST_F(DriveTest, FormatUsesAnEmptyDirectoryOrCreatesIt) {
  std::filesystem::create_directories(path_);
  EXPECT_NE(FormatDrive(), nullptr);

  path_ = dir_.Sub("a/b/c");
  EXPECT_NE(FormatDrive(), nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(path_ + "/blocks"));
}

TEST_F(DriveTest, FormatRefusesAnythingNonEmpty) {
  std::filesystem::create_directories(path_);
  WriteWholeFile(path_ + "/precious.dat", "data");
  auto before = Snapshot(path_);
  auto refused = Drive::Format(fs_, path_, identity_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("precious.dat"), std::string::npos);
  EXPECT_EQ(Snapshot(path_), before);

  std::string other = dir_.Sub("other");
  ASSERT_TRUE(Drive::Format(fs_, other, identity_).ok());
  auto again = Drive::Format(fs_, other, DriveIdentity{NewRandomId(), NewRandomId()});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  auto still = Drive::Open(fs_, other, identity_.drive_id, identity_.cluster_id);
  EXPECT_TRUE(still.ok()) << still.status().ToString();

  std::string file = dir_.Sub("plain-file");
  WriteWholeFile(file, "x");
  EXPECT_EQ(Drive::Format(fs_, file, identity_).status().code(), StatusCode::kAlreadyExists);

  EXPECT_EQ(Drive::Format(fs_, dir_.Sub("no-ids"), DriveIdentity{}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DriveTest, FormatRedoesAFormatThatStoppedBeforeTheIdentity) {
  ASSERT_NE(FormatDrive(), nullptr);
  // What a crash before the identity rename leaves: the layout and a temporary.
  std::filesystem::rename(path_ + "/" + kDriveIdentityFile, path_ + "/" + kDriveIdentityFile + ".tmp-1a2b3c4d");
  EXPECT_TRUE(Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id).status().IsNotFound());
  ASSERT_NE(FormatDrive(), nullptr);
  EXPECT_EQ(ListNames(path_), (std::vector<std::string>{"blocks", "strata-drive.json", "tmp"}));

  // Once a block was written the directory is somebody's data: refused.
  auto drive = Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id);
  ASSERT_TRUE(drive.ok());
  ASSERT_OK(WriteBlock(**drive, BlockName{NewRandomId(), 0, 1}, RandomBytes(10, 1)));
  std::filesystem::remove(path_ + "/" + kDriveIdentityFile);
  EXPECT_EQ(Drive::Format(fs_, path_, identity_).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(DriveTest, OpenSaysWhatIsMissing) {
  auto missing = Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id);
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("drive directory " + path_), std::string::npos)
      << missing.status().ToString();

  std::filesystem::create_directories(path_);
  auto no_identity = Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id);
  EXPECT_TRUE(no_identity.status().IsNotFound());
  EXPECT_NE(no_identity.status().message().find("strata-drive.json"), std::string::npos)
      << no_identity.status().ToString();
}

TEST_F(DriveTest, ForeignDriveIsRefusedAndUntouched) {
  ASSERT_NE(FormatDrive(), nullptr);
  auto before = Snapshot(path_);

  auto other_cluster = Drive::Open(fs_, path_, identity_.drive_id, "zzz");
  EXPECT_EQ(other_cluster.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(other_cluster.status().message(),
            "drive at " + path_ + " belongs to cluster " + identity_.cluster_id + ", not zzz");

  auto other_drive = Drive::Open(fs_, path_, "d9", identity_.cluster_id);
  EXPECT_EQ(other_drive.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(other_drive.status().message(), "drive at " + path_ + " is drive " + identity_.drive_id + ", expected d9");

  EXPECT_EQ(Snapshot(path_), before);
}

TEST_F(DriveTest, BadIdentityFiles) {
  ASSERT_NE(FormatDrive(), nullptr);
  const std::string identity_path = path_ + "/strata-drive.json";
  auto open = [&] { return Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id).status(); };

  for (const std::string& text : {std::string("{not json"), std::string("[1,2]"), std::string(""),
                                  std::string(R"({"drive_id": "a", "format_version": 1})"),
                                  std::string(R"({"drive_id": 3, "cluster_id": "c", "format_version": 1})"),
                                  std::string(R"({"drive_id": "a", "cluster_id": "c", "format_version": "1"})")}) {
    WriteWholeFile(identity_path, text);
    EXPECT_EQ(open().code(), StatusCode::kCorruption) << text << " -> " << open().ToString();
  }

  nlohmann::json newer = {{"drive_id", identity_.drive_id},
                          {"cluster_id", identity_.cluster_id},
                          {"format_version", kDriveFormatVersion + 1}};
  WriteWholeFile(identity_path, newer.dump());
  EXPECT_EQ(open().code(), StatusCode::kFailedPrecondition) << open().ToString();
}

TEST_F(DriveTest, MissingBlocksDirectoryIsCorruption) {
  ASSERT_NE(FormatDrive(), nullptr);
  std::filesystem::remove_all(path_ + "/blocks");
  EXPECT_EQ(Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id).status().code(),
            StatusCode::kCorruption);
}

TEST_F(DriveTest, BlocksRoundTripAndList) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  BlockName a{NewRandomId(), 0, 1};
  BlockName b{NewRandomId(), 2, 0};
  BlockName empty{NewRandomId(), 0, 0};
  std::string data_a = RandomBytes(3 * kUnit + 1, 1);
  std::string data_b = RandomBytes(kUnit, 2);
  ASSERT_TRUE(WriteBlock(*drive, a, data_a).ok());
  ASSERT_TRUE(WriteBlock(*drive, b, data_b).ok());
  ASSERT_TRUE(WriteBlock(*drive, empty, "").ok());

  EXPECT_EQ(drive->BlockPath(a), path_ + "/blocks/" + a.blob_id.substr(0, 2) + "/" + a.FileName());
  EXPECT_TRUE(std::filesystem::exists(drive->BlockPath(a)));
  EXPECT_TRUE(*ReadBlock(*drive, a) == data_a);
  EXPECT_TRUE(*ReadBlock(*drive, b) == data_b);
  EXPECT_EQ(*ReadBlock(*drive, empty), "");

  auto listed = drive->ListBlocks();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 3u);
  std::map<std::string, uint64_t> sizes;
  for (const BlockListing& block : *listed) sizes[block.name.FileName()] = block.file_bytes;
  EXPECT_EQ(sizes[a.FileName()], kBlockHeaderSize + data_a.size() + 4 * 4 + 28);
  EXPECT_EQ(sizes[b.FileName()], kBlockHeaderSize + data_b.size() + 4 + 28);
  EXPECT_EQ(sizes[empty.FileName()], kBlockHeaderSize + 28);

  ASSERT_TRUE(drive->RemoveBlock(a).ok());
  EXPECT_TRUE(drive->RemoveBlock(a).IsNotFound());
  EXPECT_TRUE(drive->OpenBlock(a).status().IsNotFound());
  EXPECT_EQ(drive->ListBlocks()->size(), 2u);
}

TEST_F(DriveTest, ListSkipsUnknownFiles) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  BlockName name{NewRandomId(), 0, 0};
  ASSERT_TRUE(WriteBlock(*drive, name, RandomBytes(10, 3)).ok());
  const std::string shard = path_ + "/blocks/" + name.blob_id.substr(0, 2);
  WriteWholeFile(path_ + "/blocks/README", "hello");
  WriteWholeFile(shard + "/notes.txt", "hello");
  WriteWholeFile(shard + "/" + name.FileName() + ".bak", "hello");
  std::filesystem::create_directories(path_ + "/blocks/zz");
  WriteWholeFile(path_ + "/blocks/zz/" + name.FileName(), "hello");
  // A block-named file in the wrong shard is not where BlockPath looks.
  std::string wrong_shard = name.blob_id.substr(0, 2) == "00" ? "01" : "00";
  std::filesystem::create_directories(path_ + "/blocks/" + wrong_shard);
  WriteWholeFile(path_ + "/blocks/" + wrong_shard + "/" + name.FileName(), "hello");

  auto listed = drive->ListBlocks();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, name);
}

TEST_F(DriveTest, UnpublishedBlocksStayInTmp) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  BlockName name{NewRandomId(), 1, 2};
  auto writer = drive->CreateBlock(BlockHeader{name, kUnit});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AppendUnit(Bytes(RandomBytes(kUnit, 4))).ok());
  auto temps = ListNames(path_ + "/tmp");
  ASSERT_EQ(temps.size(), 1u);
  std::string stem = name.blob_id + "-1-2.";
  EXPECT_EQ(temps[0].substr(0, stem.size()), stem);
  EXPECT_TRUE(temps[0].ends_with(".tmp"));
  EXPECT_TRUE(drive->ListBlocks()->empty());
  EXPECT_TRUE(drive->OpenBlock(name).status().IsNotFound());
  ASSERT_TRUE((*writer)->Publish().ok());
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
  EXPECT_EQ(drive->ListBlocks()->size(), 1u);
}

TEST_F(DriveTest, CreateBlockRefusesBadNames) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  EXPECT_EQ(drive->CreateBlock(BlockHeader{BlockName{"xyz", 0, 0}, kUnit}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(drive->CreateBlock(BlockHeader{BlockName{NewRandomId(), -1, 0}, kUnit}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(drive->CreateBlock(BlockHeader{BlockName{NewRandomId(), 0, 0}, 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
}

TEST_F(DriveTest, RemoveTemporaries) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  WriteWholeFile(path_ + "/tmp/leftover-1.tmp", "x");
  WriteWholeFile(path_ + "/tmp/leftover-2.tmp", "y");
  BlockName kept{NewRandomId(), 0, 0};
  ASSERT_TRUE(WriteBlock(*drive, kept, "z").ok());
  auto removed = drive->RemoveTemporaries();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2);
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
  EXPECT_EQ(*drive->RemoveTemporaries(), 0);
  EXPECT_TRUE(drive->OpenBlock(kept).ok());
}

TEST_F(DriveTest, CheckHealthNoticesALostOrReplacedIdentity) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  ASSERT_TRUE(drive->CheckHealth().ok());
  const std::string identity_path = path_ + "/strata-drive.json";
  std::string saved = ReadWholeFile(identity_path);

  std::filesystem::remove(identity_path);
  EXPECT_TRUE(drive->CheckHealth().IsNotFound());

  nlohmann::json other = {{"drive_id", identity_.drive_id}, {"cluster_id", "elsewhere"}, {"format_version", 1}};
  WriteWholeFile(identity_path, other.dump());
  EXPECT_EQ(drive->CheckHealth().code(), StatusCode::kFailedPrecondition);

  WriteWholeFile(identity_path, "garbage");
  EXPECT_EQ(drive->CheckHealth().code(), StatusCode::kCorruption);

  WriteWholeFile(identity_path, saved);
  EXPECT_TRUE(drive->CheckHealth().ok());
  std::filesystem::remove_all(path_);
  EXPECT_TRUE(drive->CheckHealth().IsNotFound());
}

TEST_F(DriveTest, BlockCopiedOntoAnotherNameIsRefused) {
  auto drive = FormatDrive();
  ASSERT_NE(drive, nullptr);
  BlockName real{NewRandomId(), 0, 1};
  BlockName other{real.blob_id, 0, 2};
  ASSERT_TRUE(WriteBlock(*drive, real, RandomBytes(kUnit * 2, 5)).ok());
  std::filesystem::rename(drive->BlockPath(real), drive->BlockPath(other));
  auto opened = drive->OpenBlock(other);
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find("drive " + identity_.drive_id), std::string::npos);
}

// ---- with injected faults ----

class DriveFaultTest : public DriveTest {
 protected:
  void SetUp() override {
    drive_ = FormatDrive(&faulty_);
    ASSERT_NE(drive_, nullptr);
  }
  bool NothingLeft(const BlockName& name) {
    return ListNames(path_ + "/tmp").empty() && !std::filesystem::exists(drive_->BlockPath(name));
  }

  FaultInjectingFileSystem faulty_{PosixFileSystem::Default()};
  std::unique_ptr<Drive> drive_;
  BlockName name_{NewRandomId(), 0, 0};
};

TEST_F(DriveFaultTest, EioOnAppend) {
  faulty_.AddRule({.op = FaultOp::kAppend, .path_contains = "", .after_bytes = kBlockHeaderSize + kUnit + 3});
  Status st = WriteBlock(*drive_, name_, RandomBytes(4 * kUnit, 6));
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  EXPECT_NE(st.message().find("drive"), std::string::npos);
  EXPECT_TRUE(NothingLeft(name_));
}

TEST_F(DriveFaultTest, EnospcIsNoSpace) {
  faulty_.AddRule({.op = FaultOp::kAppend, .path_contains = "", .error = ENOSPC, .after_bytes = 10});
  Status st = WriteBlock(*drive_, name_, RandomBytes(2 * kUnit, 7));
  EXPECT_TRUE(st.IsNoSpace()) << st.ToString();
  EXPECT_TRUE(NothingLeft(name_));

  faulty_.ClearRules();
  faulty_.AddRule({.op = FaultOp::kOpenWrite, .path_contains = "", .error = ENOSPC});
  EXPECT_TRUE(drive_->CreateBlock(BlockHeader{name_, kUnit}).status().IsNoSpace());
}

TEST_F(DriveFaultTest, FailedRenameLeavesNoFinalFile) {
  faulty_.AddRule({.op = FaultOp::kRename, .path_contains = ""});
  EXPECT_FALSE(WriteBlock(*drive_, name_, RandomBytes(kUnit, 8)).ok());
  EXPECT_TRUE(NothingLeft(name_));
  EXPECT_TRUE(drive_->ListBlocks()->empty());
}

TEST_F(DriveFaultTest, ReadFaults) {
  std::string data = RandomBytes(3 * kUnit, 9);
  ASSERT_TRUE(WriteBlock(*drive_, name_, data).ok());
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "/blocks/", .remaining = 1});
  EXPECT_EQ(ReadBlock(*drive_, name_).status().code(), StatusCode::kIOError);
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "/blocks/", .flip_bits = true, .remaining = 1});
  EXPECT_EQ(ReadBlock(*drive_, name_).status().code(), StatusCode::kCorruption);
  faulty_.AddRule({.op = FaultOp::kOpenRead, .path_contains = "/blocks/", .remaining = 1});
  EXPECT_EQ(ReadBlock(*drive_, name_).status().code(), StatusCode::kIOError);
  EXPECT_TRUE(*ReadBlock(*drive_, name_) == data);
  EXPECT_EQ(faulty_.fired(), 3);
}

TEST_F(DriveFaultTest, IdentityReadFailureFailsHealthCheck) {
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "strata-drive.json"});
  EXPECT_EQ(drive_->CheckHealth().code(), StatusCode::kIOError);
  EXPECT_EQ(Drive::Open(&faulty_, path_, identity_.drive_id, identity_.cluster_id).status().code(),
            StatusCode::kIOError);
}

TEST_F(DriveFaultTest, ListAndCleanupFaultsAreReported) {
  faulty_.AddRule({.op = FaultOp::kListDir, .path_contains = ""});
  EXPECT_EQ(drive_->ListBlocks().status().code(), StatusCode::kIOError);
  EXPECT_EQ(drive_->RemoveTemporaries().status().code(), StatusCode::kIOError);
  faulty_.ClearRules();
  WriteWholeFile(path_ + "/tmp/leftover.tmp", "x");
  faulty_.AddRule({.op = FaultOp::kRemove, .path_contains = ""});
  EXPECT_EQ(drive_->RemoveTemporaries().status().code(), StatusCode::kIOError);
}

TEST_F(DriveFaultTest, FormatFailureLeavesNoIdentity) {
  path_ = dir_.Sub("second");
  faulty_.AddRule({.op = FaultOp::kAppend, .path_contains = "strata-drive.json"});
  EXPECT_FALSE(Drive::Format(&faulty_, path_, identity_).ok());
  EXPECT_TRUE(Drive::Open(fs_, path_, identity_.drive_id, identity_.cluster_id).status().IsNotFound());
}

}  // namespace
}  // namespace strata
