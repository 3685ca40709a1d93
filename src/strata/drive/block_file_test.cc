#include "strata/drive/block_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "strata/base/crc32c.h"
#include "strata/base/fault_injection.h"
#include "strata/base/file_io.h"
#include "strata/base/ids.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using strata::testing::RandomBytes;
using strata::testing::TempDir;

constexpr uint32_t kUnit = 512;

using strata::testing::ListNames;
using strata::testing::ReadWholeFile;
using strata::testing::WriteWholeFile;
std::span<const std::byte> Bytes(const std::string& s) { return strata::testing::AsBytes(s); }

// A directory with tmp/ and blocks/ in which blocks are written directly with
// BlockWriter, the way Drive does it.
class BlockFileTest : public ::testing::Test {
 protected:
  BlockFileTest() {
    std::filesystem::create_directories(dir_.Sub("tmp"));
    std::filesystem::create_directories(dir_.Sub("blocks"));
  }

  BlockHeader Header(int level1 = 0, int level2 = 3, uint32_t unit_size = kUnit) const {
    return BlockHeader{BlockName{blob_, level1, level2}, unit_size};
  }
  std::string FinalPath(const BlockName& name) const {
    return dir_.Sub("blocks/" + name.blob_id.substr(0, 2) + "/" + name.FileName());
  }
  std::string TempPath(const BlockName& name) const { return dir_.Sub("tmp/" + name.FileName() + ".tmp"); }

  std::unique_ptr<BlockWriter> NewWriter(const BlockHeader& header, FileSystem* fs = nullptr) {
    if (fs == nullptr) fs = fs_;
    auto file = fs->NewWritableFile(TempPath(header.name));
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return nullptr;
    return std::make_unique<BlockWriter>(fs, std::move(file).value(), TempPath(header.name),
                                         FinalPath(header.name), header);
  }

  // Writes `data` cut into units and publishes it; returns the final path.
  std::string WriteBlock(const std::string& data, const BlockHeader& header) {
    auto writer = NewWriter(header);
    for (size_t at = 0; at < data.size(); at += header.unit_size) {
      size_t length = std::min<size_t>(header.unit_size, data.size() - at);
      Status st = writer->AppendUnit(Bytes(data).subspan(at, length));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    Status st = writer->Publish();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return FinalPath(header.name);
  }

  // Opens the block and reads every unit; returns the first error, or the bytes.
  Result<std::string> ReadBlock(const std::string& path, FileSystem* fs = nullptr) {
    ASSIGN_OR_RETURN(auto reader, BlockReader::Open(fs ? fs : fs_, path));
    std::string data;
    std::vector<std::byte> unit(reader->header().unit_size);
    for (uint64_t i = 0; i < reader->unit_count(); ++i) {
      RETURN_IF_ERROR(reader->ReadUnit(i, unit));
      data.append(reinterpret_cast<const char*>(unit.data()), reader->UnitLength(i));
    }
    return data;
  }

  TempDir dir_;
  FileSystem* fs_ = PosixFileSystem::Default();
  std::string blob_ = NewRandomId();
};

TEST(BlockNameTest, FileNameRoundTrips) {
  BlockName name{"0123456789abcdef0123456789abcdef", 2, 13};
  EXPECT_EQ(name.FileName(), "0123456789abcdef0123456789abcdef-2-13.blk");
  EXPECT_EQ(BlockName::FromFileName(name.FileName()), name);
  EXPECT_EQ(BlockName::FromFileName("0123456789abcdef0123456789abcdef-0-0.blk"),
            (BlockName{"0123456789abcdef0123456789abcdef", 0, 0}));
}

TEST(BlockNameTest, RejectsOtherNames) {
  for (const char* bad : {
           "0123456789abcdef0123456789abcdef-2-13",          // no suffix
           "0123456789abcdef0123456789abcdef-2-13.blk.tmp",  // temporary
           "0123456789ABCDEF0123456789abcdef-2-13.blk",      // upper case
           "0123456789abcdef0123456789abcde-2-13.blk",       // 31 hex
           "0123456789abcdef0123456789abcdef-02-13.blk",     // leading zero
           "0123456789abcdef0123456789abcdef--2-13.blk",     // negative
           "0123456789abcdef0123456789abcdef-2-13-4.blk",    // extra part
           "0123456789abcdef0123456789abcdef-2.blk",         // one position
           "0123456789abcdef0123456789abcdef-2-99999999999.blk",
           "0123456789abcdef0123456789abcdef-2-+3.blk",
           ".blk",
           "",
       }) {
    EXPECT_FALSE(BlockName::FromFileName(bad).has_value()) << bad;
  }
}

TEST_F(BlockFileTest, RoundTripsEverySizeClass) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{kUnit - 1}, size_t{kUnit}, size_t{kUnit + 1},
                      size_t{2 * kUnit}, size_t{37 * kUnit + 5}, size_t{200 * kUnit}}) {
    SCOPED_TRACE("size " + std::to_string(size));
    BlockHeader header = Header(1, static_cast<int>(size % 7));
    header.name.blob_id = NewRandomId();
    std::string data = RandomBytes(size, size + 1);
    std::string path = WriteBlock(data, header);
    uint64_t units = (size + kUnit - 1) / kUnit;
    EXPECT_EQ(std::filesystem::file_size(path), kBlockHeaderSize + size + 4 * units + 28);

    auto reader = BlockReader::Open(fs_, path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->header().name, header.name);
    EXPECT_EQ((*reader)->header().unit_size, kUnit);
    EXPECT_EQ((*reader)->unit_count(), units);
    EXPECT_EQ((*reader)->data_bytes(), size);
    for (uint64_t i = 0; i < units; ++i) {
      uint32_t expected = i + 1 < units ? kUnit : static_cast<uint32_t>(size - i * kUnit);
      EXPECT_EQ((*reader)->UnitLength(i), expected);
    }
    Result<std::string> read = ReadBlock(path);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(*read == data);
    EXPECT_TRUE(ListNames(dir_.Sub("tmp")).empty());
  }
}

TEST_F(BlockFileTest, LargeUnitsRoundTrip) {
  const uint32_t unit = 1u << 20;
  std::string data = RandomBytes(3 * unit + 12345, 7);
  std::string path = WriteBlock(data, Header(0, 0, unit));
  Result<std::string> read = ReadBlock(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == data);
}

TEST_F(BlockFileTest, HeaderLayoutIsAsDocumented) {
  BlockHeader header = Header(5, 9);
  std::string path = WriteBlock(RandomBytes(kUnit + 3, 1), header);
  std::string file = ReadWholeFile(path);
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(file[at + i])) << (8 * i);
    return v;
  };
  auto u64 = [&](size_t at) { return u32(at) | static_cast<uint64_t>(u32(at + 4)) << 32; };
  EXPECT_EQ(file.substr(0, 8), "STRATABK");
  EXPECT_EQ(u32(8), 1u);
  EXPECT_EQ(u32(12), 60u);
  EXPECT_EQ(u32(16), kUnit);
  EXPECT_EQ(u32(20), 5u);
  EXPECT_EQ(u32(24), 9u);
  EXPECT_EQ(file.substr(28, 32), blob_);
  EXPECT_EQ(file.find_first_not_of('\0', 60), 4092u);
  EXPECT_EQ(u32(4092), Crc32c(file.data(), 60));

  size_t trailer = 4096 + kUnit + 3;
  EXPECT_EQ(u32(trailer), Crc32c(file.data() + 4096, kUnit));
  EXPECT_EQ(u32(trailer + 4), Crc32c(file.data() + 4096 + kUnit, 3));
  EXPECT_EQ(u64(trailer + 8), 2u);
  EXPECT_EQ(u64(trailer + 16), kUnit + 3);
  EXPECT_EQ(u32(trailer + 24), Crc32c(file.data() + trailer, 24));
  EXPECT_EQ(file.substr(trailer + 28), "STRATAEN");
  EXPECT_EQ(file.size(), trailer + 36);
}

TEST_F(BlockFileTest, RefusesBadUnits) {
  auto writer = NewWriter(Header());
  std::string unit = RandomBytes(kUnit + 1, 3);
  EXPECT_EQ(writer->AppendUnit(Bytes(unit)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->AppendUnit({}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(writer->AppendUnit(Bytes(unit).first(kUnit)).ok());
  ASSERT_TRUE(writer->AppendUnit(Bytes(unit).first(10)).ok());
  Status after_short = writer->AppendUnit(Bytes(unit).first(kUnit));
  EXPECT_EQ(after_short.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(after_short.message().find("short unit"), std::string::npos) << after_short.ToString();
  EXPECT_EQ(writer->AppendUnit(Bytes(unit).first(10)).code(), StatusCode::kInvalidArgument);
  // Refused units leave the writer usable.
  ASSERT_TRUE(writer->Publish().ok());
  EXPECT_EQ(writer->units_written(), 2u);
  Result<std::string> read = ReadBlock(FinalPath(Header().name));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == unit.substr(0, kUnit) + unit.substr(0, 10));
}

TEST_F(BlockFileTest, RefusesAnInvalidHeader) {
  BlockHeader header = Header();
  header.name.blob_id = "not-hex";
  std::unique_ptr<BlockWriter> writer = NewWriter(header);
  EXPECT_EQ(writer->AppendUnit(Bytes("abc")).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(writer->Publish().ok());
  writer.reset();
  EXPECT_TRUE(ListNames(dir_.Sub("tmp")).empty());
}

TEST_F(BlockFileTest, PublishIsOnce) {
  auto writer = NewWriter(Header());
  ASSERT_TRUE(writer->Publish().ok());
  EXPECT_EQ(writer->Publish().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->AppendUnit(Bytes("x")).code(), StatusCode::kFailedPrecondition);
  writer.reset();  // must not remove the published block
  EXPECT_TRUE(std::filesystem::exists(FinalPath(Header().name)));
}

TEST_F(BlockFileTest, UnpublishedWriterLeavesNothing) {
  {
    auto writer = NewWriter(Header());
    ASSERT_TRUE(writer->AppendUnit(Bytes(RandomBytes(kUnit, 1))).ok());
    EXPECT_EQ(ListNames(dir_.Sub("tmp")).size(), 1u);
  }
  EXPECT_TRUE(ListNames(dir_.Sub("tmp")).empty());
  EXPECT_FALSE(std::filesystem::exists(FinalPath(Header().name)));

  auto writer = NewWriter(Header());
  writer->Abandon();
  EXPECT_TRUE(ListNames(dir_.Sub("tmp")).empty());
  EXPECT_EQ(writer->Publish().code(), StatusCode::kFailedPrecondition);
}

TEST_F(BlockFileTest, ReadUnitChecksArguments) {
  std::string path = WriteBlock(RandomBytes(kUnit + 7, 2), Header());
  auto reader = BlockReader::Open(fs_, path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::byte> small(6);
  EXPECT_EQ((*reader)->ReadUnit(1, small).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadUnit(2, small).code(), StatusCode::kInvalidArgument);
  std::vector<std::byte> exact(7);
  EXPECT_TRUE((*reader)->ReadUnit(1, exact).ok());
  EXPECT_EQ((*reader)->UnitLength(2), 0u);
}

// Every bit of a small block, flipped alone, must be caught on open or on
// reading the units, and never turn into different bytes.
TEST_F(BlockFileTest, EverySingleBitFlipIsDetected) {
  std::string data = RandomBytes(2 * kUnit + 10, 5);
  std::string path = WriteBlock(data, Header());
  const std::string pristine = ReadWholeFile(path);
  const size_t trailer = kBlockHeaderSize + data.size();
  auto region = [&](size_t at) -> std::string {
    if (at < 60) return "header fields";
    if (at < 4092) return "header padding";
    if (at < 4096) return "header checksum";
    if (at < trailer) return "unit data";
    if (at < trailer + 12) return "unit checksum table";
    if (at < trailer + 20) return "trailer unit count";
    if (at < trailer + 28) return "trailer data bytes";
    if (at < trailer + 32) return "trailer checksum";
    return "trailer magic";
  };

  int checked = 0;
  for (size_t at = 0; at < pristine.size(); ++at) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    for (int bit = 0; bit < 8; ++bit) {
      file.seekp(static_cast<std::streamoff>(at));
      file.put(static_cast<char>(pristine[at] ^ (1 << bit)));
      file.flush();
      Result<std::string> read = ReadBlock(path);
      ASSERT_FALSE(read.ok()) << "flip of byte " << at << " bit " << bit << " (" << region(at)
                              << ") went unnoticed";
      ASSERT_EQ(read.status().code(), StatusCode::kCorruption)
          << region(at) << " byte " << at << ": " << read.status().ToString();
      ++checked;
    }
    file.seekp(static_cast<std::streamoff>(at));
    file.put(pristine[at]);
  }
  EXPECT_EQ(checked, static_cast<int>(pristine.size() * 8));
  ASSERT_TRUE(ReadBlock(path).ok());
}

TEST_F(BlockFileTest, UnitChecksumErrorNamesPathAndUnit) {
  std::string data = RandomBytes(3 * kUnit, 5);
  std::string path = WriteBlock(data, Header());
  std::string file = ReadWholeFile(path);
  file[kBlockHeaderSize + 2 * kUnit + 17] ^= 0x10;
  WriteWholeFile(path, file);
  auto reader = BlockReader::Open(fs_, path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::byte> unit(kUnit);
  EXPECT_TRUE((*reader)->ReadUnit(0, unit).ok());
  Status st = (*reader)->ReadUnit(2, unit);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "block " + path + ": unit 2 checksum mismatch");
}

TEST_F(BlockFileTest, EveryTruncationIsDetected) {
  std::string data = RandomBytes(2 * kUnit + 10, 6);
  std::string path = WriteBlock(data, Header());
  const std::string pristine = ReadWholeFile(path);
  for (size_t length = 0; length < pristine.size(); ++length) {
    std::filesystem::resize_file(path, length);
    Result<std::string> read = ReadBlock(path);
    ASSERT_FALSE(read.ok()) << "truncated to " << length;
    ASSERT_EQ(read.status().code(), StatusCode::kCorruption) << read.status().ToString();
  }
  // Extra bytes after the trailer are refused too.
  WriteWholeFile(path, pristine + std::string(4, '\0'));
  EXPECT_EQ(ReadBlock(path).status().code(), StatusCode::kCorruption);
  WriteWholeFile(path, pristine);
  EXPECT_TRUE(ReadBlock(path).ok());
}

TEST_F(BlockFileTest, TruncationAfterOpenIsDetectedOnRead) {
  std::string path = WriteBlock(RandomBytes(3 * kUnit, 8), Header());
  auto reader = BlockReader::Open(fs_, path);
  ASSERT_TRUE(reader.ok());
  std::filesystem::resize_file(path, kBlockHeaderSize + kUnit + 100);
  std::vector<std::byte> unit(kUnit);
  EXPECT_TRUE((*reader)->ReadUnit(0, unit).ok());
  EXPECT_EQ((*reader)->ReadUnit(1, unit).code(), StatusCode::kCorruption);
  EXPECT_EQ((*reader)->ReadUnit(2, unit).code(), StatusCode::kCorruption);
}

TEST_F(BlockFileTest, BlockUnderAnotherNameIsRefused) {
  std::string data = RandomBytes(kUnit * 2, 9);
  std::string path = WriteBlock(data, Header(0, 1));
  std::vector<BlockName> wrong_names = {
      BlockName{blob_, 0, 2},
      BlockName{blob_, 1, 1},
      BlockName{NewRandomId(), 0, 1},
  };
  for (const BlockName& wrong : wrong_names) {
    std::string wrong_path = FinalPath(wrong);
    std::filesystem::create_directories(DirName(wrong_path));
    std::filesystem::copy_file(path, wrong_path);
    auto reader = BlockReader::Open(fs_, wrong_path);
    EXPECT_EQ(reader.status().code(), StatusCode::kCorruption) << wrong.FileName();
    EXPECT_EQ(BlockReader::Open(fs_, path, wrong).status().code(), StatusCode::kCorruption);
  }
  EXPECT_TRUE(BlockReader::Open(fs_, path, Header(0, 1).name).ok());

  std::string odd_name = dir_.Sub("copy.blk");
  std::filesystem::copy_file(path, odd_name);
  EXPECT_EQ(BlockReader::Open(fs_, odd_name).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(BlockReader::Open(fs_, odd_name, Header(0, 1).name).ok());
}

TEST_F(BlockFileTest, MissingBlockIsNotFound) {
  EXPECT_TRUE(BlockReader::Open(fs_, FinalPath(Header().name)).status().IsNotFound());
}

// ---- with injected faults ----

class BlockFaultTest : public BlockFileTest {
 protected:
  FaultInjectingFileSystem faulty_{PosixFileSystem::Default()};

  // Writes `units` full units through the faulty file system; returns the
  // first error (from AppendUnit or Publish), then destroys the writer.
  Status TryWrite(int units) {
    auto writer = NewWriter(Header(), &faulty_);
    if (!writer) return Status::IOError("no writer");
    std::string unit = RandomBytes(kUnit, 11);
    for (int i = 0; i < units; ++i) RETURN_IF_ERROR(writer->AppendUnit(Bytes(unit)));
    return writer->Publish();
  }
  bool NothingLeft() {
    return ListNames(dir_.Sub("tmp")).empty() && !std::filesystem::exists(FinalPath(Header().name));
  }
};

TEST_F(BlockFaultTest, EioOnAppendPublishesNothing) {
  faulty_.AddRule({.op = FaultOp::kAppend, .path_contains = "/tmp/", .error = EIO,
                   .after_bytes = kBlockHeaderSize + kUnit + 100});
  auto writer = NewWriter(Header(), &faulty_);
  std::string unit = RandomBytes(kUnit, 11);
  ASSERT_TRUE(writer->AppendUnit(Bytes(unit)).ok());
  Status st = writer->AppendUnit(Bytes(unit));
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  // The short write reached the disk: a torn temporary exists until abandoned.
  EXPECT_EQ(std::filesystem::file_size(TempPath(Header().name)), kBlockHeaderSize + kUnit + 100);
  EXPECT_EQ(writer->AppendUnit(Bytes(unit)).code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(writer->Publish().ok());
  EXPECT_FALSE(std::filesystem::exists(FinalPath(Header().name)));
  writer.reset();
  EXPECT_TRUE(NothingLeft());
  EXPECT_GE(faulty_.fired(), 1);
}

TEST_F(BlockFaultTest, FailureAtEveryByteOfTheWrite) {
  const uint64_t total = kBlockHeaderSize + 3 * kUnit + 3 * 4 + 28;
  for (uint64_t after : {uint64_t{0}, uint64_t{1}, uint64_t{kBlockHeaderSize - 1}, uint64_t{kBlockHeaderSize},
                         uint64_t{kBlockHeaderSize + 3 * kUnit}, total - 1}) {
    faulty_.ClearRules();
    faulty_.AddRule({.op = FaultOp::kAppend, .path_contains = "", .after_bytes = after});
    Status st = TryWrite(3);
    EXPECT_EQ(st.code(), StatusCode::kIOError) << "after " << after << ": " << st.ToString();
    EXPECT_TRUE(NothingLeft()) << "after " << after;
  }
}

TEST_F(BlockFaultTest, EnospcSurfacesAsNoSpace) {
  faulty_.AddRule(
      {.op = FaultOp::kAppend, .path_contains = "", .error = ENOSPC, .after_bytes = kBlockHeaderSize + 2 * kUnit});
  Status st = TryWrite(4);
  EXPECT_TRUE(st.IsNoSpace()) << st.ToString();
  EXPECT_TRUE(NothingLeft());
}

TEST_F(BlockFaultTest, FailedSyncPublishesNothing) {
  faulty_.AddRule({.op = FaultOp::kSync, .path_contains = "/tmp/"});
  EXPECT_EQ(TryWrite(2).code(), StatusCode::kIOError);
  EXPECT_TRUE(NothingLeft());
}

TEST_F(BlockFaultTest, FailedRenameLeavesNoFinalFile) {
  faulty_.AddRule({.op = FaultOp::kRename, .path_contains = "/blocks/"});
  EXPECT_EQ(TryWrite(2).code(), StatusCode::kIOError);
  EXPECT_TRUE(NothingLeft());
}

TEST_F(BlockFaultTest, FailedDirectoryCreationPublishesNothing) {
  faulty_.AddRule({.op = FaultOp::kCreateDirs, .path_contains = "/blocks/"});
  EXPECT_EQ(TryWrite(1).code(), StatusCode::kIOError);
  EXPECT_TRUE(NothingLeft());
}

TEST_F(BlockFaultTest, TransientFaultFailsOnlyOnce) {
  faulty_.AddRule({.op = FaultOp::kRename, .path_contains = "", .remaining = 1});
  EXPECT_FALSE(TryWrite(1).ok());
  EXPECT_TRUE(TryWrite(1).ok());
  EXPECT_EQ(faulty_.fired(), 1);
}

TEST_F(BlockFaultTest, ReadEioSurfacesAsIOError) {
  std::string path = WriteBlock(RandomBytes(2 * kUnit, 12), Header());
  auto reader = BlockReader::Open(&faulty_, path);
  ASSERT_TRUE(reader.ok());
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "/blocks/"});
  std::vector<std::byte> unit(kUnit);
  Status st = (*reader)->ReadUnit(1, unit);
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_NE(st.message().find("unit 1"), std::string::npos) << st.ToString();
  EXPECT_EQ(BlockReader::Open(&faulty_, path).status().code(), StatusCode::kIOError);
}

TEST_F(BlockFaultTest, FlippedBitsOnReadAreCorruption) {
  std::string path = WriteBlock(RandomBytes(2 * kUnit + 1, 13), Header());
  auto reader = BlockReader::Open(&faulty_, path);
  ASSERT_TRUE(reader.ok());
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "", .flip_bits = true, .remaining = 1});
  std::vector<std::byte> unit(kUnit);
  EXPECT_EQ((*reader)->ReadUnit(0, unit).code(), StatusCode::kCorruption);
  EXPECT_TRUE((*reader)->ReadUnit(0, unit).ok());  // the fault was in flight, not on disk

  // Every open reads the header first, so a flip there is caught on open.
  faulty_.AddRule({.op = FaultOp::kRead, .path_contains = "", .flip_bits = true, .remaining = 5});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(BlockReader::Open(&faulty_, path).status().code(), StatusCode::kCorruption);
  }
  EXPECT_TRUE(BlockReader::Open(&faulty_, path).ok());
  EXPECT_EQ(faulty_.fired(), 6);
}

}  // namespace
}  // namespace strata
