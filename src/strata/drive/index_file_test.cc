// Index files: the format round-trips through a drive; every damaged byte of
// the header or directory, a damaged section, a truncated file or a file
// renamed onto another block is refused; the drive writes them whole and
// atomically, only beside an existing block, removes them with the block,
// never lists them as blocks, and cleans their temporaries.
#include "strata/drive/index_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "strata/base/fault_injection.h"
#include "strata/base/ids.h"
#include "strata/drive/drive.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using strata::testing::ListNames;
using strata::testing::RandomBytes;
using strata::testing::ReadWholeFile;
using strata::testing::TempDir;
using strata::testing::WriteWholeFile;

constexpr uint32_t kUnit = 256;

class IndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto drive = Drive::Format(&faulty_, path_, DriveIdentity{NewRandomId(), NewRandomId(), kDriveFormatVersion});
    ASSERT_OK(drive.status());
    drive_ = std::move(drive).value();
    ASSERT_OK(WriteBlock(name_));
  }

  Status WriteBlock(const BlockName& name) {
    ASSIGN_OR_RETURN(auto writer, drive_->CreateBlock(BlockHeader{name, kUnit}));
    const std::string data = RandomBytes(3 * kUnit, 5);
    RETURN_IF_ERROR(writer->AppendUnit(strata::testing::AsBytes(data).subspan(0, kUnit)));
    return writer->Publish();
  }

  // Three sections, given out of row-group order.
  static std::vector<IndexSection> Sections() {
    return {IndexSection{7, 2, RandomBytes(300, 1)}, IndexSection{2, 0, RandomBytes(50, 2)},
            IndexSection{4, 1, std::string()}};
  }

  // What reading every section of the index file back gives, or the error.
  Result<std::vector<std::string>> ReadAll(const BlockName& name) {
    ASSIGN_OR_RETURN(auto reader, drive_->OpenIndexFile(name));
    std::vector<std::string> out;
    for (const IndexEntry& entry : reader->entries()) {
      std::string bytes;
      RETURN_IF_ERROR(reader->ReadSection(entry, &bytes));
      out.push_back(std::move(bytes));
    }
    return out;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("drive");
  FaultInjectingFileSystem faulty_{PosixFileSystem::Default()};
  std::unique_ptr<Drive> drive_;
  BlockName name_{NewRandomId(), 1, 2};
};

TEST_F(IndexFileTest, RoundTripsThroughTheDrive) {
  const std::vector<IndexSection> sections = Sections();
  ASSERT_OK_AND_ASSIGN(uint64_t written, drive_->WriteIndexFile(name_, sections));
  const std::string path = drive_->IndexPath(name_);
  EXPECT_EQ(path, drive_->BlockPath(name_) + ".sidx");
  EXPECT_EQ(written, ReadWholeFile(path).size());
  EXPECT_EQ(written, kIndexHeaderSize + 3 * kIndexEntrySize + 350);
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());

  ASSERT_OK_AND_ASSIGN(auto reader, drive_->OpenIndexFile(name_));
  ASSERT_EQ(reader->entries().size(), 3u);
  EXPECT_EQ(reader->bytes_read(), kIndexHeaderSize + 3 * kIndexEntrySize);
  const uint64_t groups[] = {2, 4, 7}, units[] = {0, 1, 2};
  const std::string* want[] = {&sections[1].bytes, &sections[2].bytes, &sections[0].bytes};
  for (int i = 0; i < 3; ++i) {
    const IndexEntry* entry = reader->Find(groups[i]);
    ASSERT_NE(entry, nullptr) << groups[i];
    EXPECT_EQ(entry->unit, units[i]);
    std::string bytes;
    ASSERT_OK(reader->ReadSection(*entry, &bytes));
    EXPECT_EQ(bytes, *want[i]);
  }
  EXPECT_EQ(reader->Find(3), nullptr);
  EXPECT_EQ(reader->Find(8), nullptr);
  EXPECT_EQ(reader->bytes_read(), written);
}

TEST_F(IndexFileTest, AFileWithNoSectionsIsValid) {
  ASSERT_OK(drive_->WriteIndexFile(name_, {}).status());
  ASSERT_OK_AND_ASSIGN(auto reader, drive_->OpenIndexFile(name_));
  EXPECT_TRUE(reader->entries().empty());
  EXPECT_EQ(reader->Find(0), nullptr);
}

TEST_F(IndexFileTest, RebuildingReplacesTheWholeFile) {
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  ASSERT_OK(drive_->WriteIndexFile(name_, {IndexSection{9, 3, "nine"}}).status());
  ASSERT_OK_AND_ASSIGN(auto reader, drive_->OpenIndexFile(name_));
  ASSERT_EQ(reader->entries().size(), 1u);
  EXPECT_EQ(reader->entries()[0].row_group, 9u);
  EXPECT_EQ(reader->Find(2), nullptr);
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
}

TEST_F(IndexFileTest, RefusesDuplicatesAndMissingBlocks) {
  EXPECT_EQ(drive_->WriteIndexFile(name_, {IndexSection{1, 0, "a"}, IndexSection{1, 0, "b"}}).status().code(),
            StatusCode::kInvalidArgument);
  const BlockName absent{NewRandomId(), 0, 0};
  Result<uint64_t> st = drive_->WriteIndexFile(absent, Sections());
  EXPECT_TRUE(st.status().IsNotFound()) << st.status().ToString();
  EXPECT_NE(st.status().message().find(absent.FileName()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(drive_->IndexPath(absent)));
  EXPECT_FALSE(std::filesystem::exists(drive_->IndexPath(name_)));
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
  EXPECT_TRUE(drive_->OpenIndexFile(name_).status().IsNotFound());
}

TEST_F(IndexFileTest, EveryDamagedHeaderOrDirectoryByteIsRefused) {
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  const std::string path = drive_->IndexPath(name_);
  const std::string good = ReadWholeFile(path);
  for (size_t i = 0; i < kIndexHeaderSize + 3 * kIndexEntrySize; ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    WriteWholeFile(path, bad);
    Result<std::unique_ptr<IndexFileReader>> opened = drive_->OpenIndexFile(name_);
    EXPECT_FALSE(opened.ok()) << "byte " << i;
    if (!opened.ok()) {
      EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << "byte " << i << ": " << opened.status().ToString();
      EXPECT_NE(opened.status().message().find(path), std::string::npos);
    }
  }
  WriteWholeFile(path, good);
  EXPECT_TRUE(ReadAll(name_).ok());
}

TEST_F(IndexFileTest, ADamagedSectionFailsItsReadOnly) {
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  const std::string path = drive_->IndexPath(name_);
  std::string bytes = ReadWholeFile(path);
  bytes[bytes.size() - 1] = static_cast<char>(bytes.back() ^ 1);  // in row group 7's section
  WriteWholeFile(path, bytes);
  ASSERT_OK_AND_ASSIGN(auto reader, drive_->OpenIndexFile(name_));
  std::string out;
  ASSERT_OK(reader->ReadSection(*reader->Find(2), &out));
  Status st = reader->ReadSection(*reader->Find(7), &out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("row group 7"), std::string::npos);
}

TEST_F(IndexFileTest, TruncatedOrExtendedFilesAreRefused) {
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  const std::string path = drive_->IndexPath(name_);
  const std::string good = ReadWholeFile(path);
  for (size_t size : {size_t{0}, size_t{10}, size_t{kIndexHeaderSize}, good.size() - 1}) {
    WriteWholeFile(path, good.substr(0, size));
    EXPECT_EQ(drive_->OpenIndexFile(name_).status().code(), StatusCode::kCorruption) << size;
  }
  WriteWholeFile(path, good + "x");
  EXPECT_EQ(drive_->OpenIndexFile(name_).status().code(), StatusCode::kCorruption);
}

TEST_F(IndexFileTest, AnIndexRenamedOntoAnotherBlockIsRefused) {
  const BlockName other{name_.blob_id, 1, 3};
  ASSERT_OK(WriteBlock(other));
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  std::filesystem::copy_file(drive_->IndexPath(name_), drive_->IndexPath(other));
  Status st = drive_->OpenIndexFile(other).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("belongs to block"), std::string::npos);
}

TEST_F(IndexFileTest, RemoveBlockRemovesItsIndexAndListingIgnoresIndexes) {
  const BlockName other{NewRandomId(), 0, 0};
  ASSERT_OK(WriteBlock(other));
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  ASSERT_OK(drive_->WriteIndexFile(other, Sections()).status());
  ASSERT_OK_AND_ASSIGN(auto listed, drive_->ListBlocks());
  ASSERT_EQ(listed.size(), 2u);
  for (const BlockListing& block : listed) EXPECT_TRUE(block.name == name_ || block.name == other);

  ASSERT_OK(drive_->RemoveBlock(name_));
  EXPECT_FALSE(std::filesystem::exists(drive_->IndexPath(name_)));
  EXPECT_TRUE(std::filesystem::exists(drive_->IndexPath(other)));
  // An index left by a removal that stopped between the two files goes on
  // the next removal, which still reports the block as gone.
  WriteWholeFile(drive_->IndexPath(name_), "left over");
  EXPECT_TRUE(drive_->RemoveBlock(name_).IsNotFound());
  EXPECT_FALSE(std::filesystem::exists(drive_->IndexPath(name_)));
  EXPECT_TRUE(drive_->RemoveIndexFile(name_).IsNotFound());
  ASSERT_OK_AND_ASSIGN(listed, drive_->ListBlocks());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, other);
}

TEST_F(IndexFileTest, RemoveTemporariesCleansIndexTemporaries) {
  WriteWholeFile(path_ + "/tmp/" + name_.FileName() + ".sidx.0123456789abcdef.tmp", "half an index");
  ASSERT_OK(drive_->WriteIndexFile(name_, Sections()).status());
  ASSERT_OK_AND_ASSIGN(int removed, drive_->RemoveTemporaries());
  EXPECT_EQ(removed, 1);
  EXPECT_TRUE(ListNames(path_ + "/tmp").empty());
  EXPECT_TRUE(ReadAll(name_).ok());
}

TEST_F(IndexFileTest, FailedWritesLeaveTheOldIndexAndNoTemporary) {
  ASSERT_OK(drive_->WriteIndexFile(name_, {IndexSection{1, 0, "old"}}).status());
  for (FaultOp op : {FaultOp::kOpenWrite, FaultOp::kAppend, FaultOp::kRename}) {
    faulty_.AddRule({.op = op, .path_contains = ".sidx"});
    Status st = drive_->WriteIndexFile(name_, Sections()).status();
    EXPECT_EQ(st.code(), StatusCode::kIOError) << static_cast<int>(op) << ": " << st.ToString();
    EXPECT_NE(st.message().find(name_.FileName()), std::string::npos) << st.ToString();
    faulty_.ClearRules();
    EXPECT_TRUE(ListNames(path_ + "/tmp").empty()) << static_cast<int>(op);
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> sections, ReadAll(name_));
    EXPECT_EQ(sections, std::vector<std::string>{"old"});
  }
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = ".sidx"});
  EXPECT_EQ(drive_->OpenIndexFile(name_).status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace strata
