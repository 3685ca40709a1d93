#include "strata/base/fault_injection.h"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using strata::testing::RandomBytes;
using strata::testing::TempDir;

std::span<const std::byte> Bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class FaultInjectionTest : public ::testing::Test {
 protected:
  // Writes `chunks` to `name` through the faulty file system, one append each;
  // returns the first failure.
  Status WriteChunks(const std::string& name, const std::vector<std::string>& chunks) {
    ASSIGN_OR_RETURN(auto file, fs_.NewWritableFile(dir_.Sub(name)));
    for (const std::string& chunk : chunks) RETURN_IF_ERROR(file->Append(Bytes(chunk)));
    RETURN_IF_ERROR(file->Sync());
    return file->Close();
  }

  Result<std::string> ReadThrough(const std::string& name, uint64_t offset, size_t size) {
    ASSIGN_OR_RETURN(auto file, fs_.NewRandomAccessFile(dir_.Sub(name)));
    std::string out(size, '\0');
    ASSIGN_OR_RETURN(size_t got, file->ReadAt(offset, std::as_writable_bytes(std::span(out))));
    out.resize(got);
    return out;
  }

  TempDir dir_;
  FaultInjectingFileSystem fs_{PosixFileSystem::Default()};
};

TEST_F(FaultInjectionTest, PassesThroughWithoutRules) {
  ASSERT_TRUE(WriteChunks("a", {"hello ", "world"}).ok());
  EXPECT_EQ(ReadWholeFile(dir_.Sub("a")), "hello world");
  EXPECT_EQ(*ReadThrough("a", 6, 100), "world");
  ASSERT_TRUE(fs_.Rename(dir_.Sub("a"), dir_.Sub("b")).ok());
  EXPECT_EQ(*fs_.ListDir(dir_.path()), std::vector<std::string>{"b"});
  EXPECT_TRUE(*fs_.Exists(dir_.Sub("b")));
  ASSERT_TRUE(fs_.CreateDirs(dir_.Sub("x/y")).ok());
  EXPECT_TRUE(*fs_.IsDirectory(dir_.Sub("x/y")));
  ASSERT_TRUE(fs_.SyncDir(dir_.Sub("x")).ok());
  ASSERT_TRUE(fs_.RemoveFile(dir_.Sub("b")).ok());
  EXPECT_TRUE(fs_.Space(dir_.path()).ok());
  EXPECT_EQ(fs_.fired(), 0);
}

TEST_F(FaultInjectionTest, FailsOpenForWriting) {
  fs_.AddRule({.op = FaultOp::kOpenWrite, .path_contains = "bad"});
  auto bad = fs_.NewWritableFile(dir_.Sub("bad-file"));
  EXPECT_EQ(bad.status().code(), StatusCode::kIOError);
  EXPECT_NE(bad.status().message().find("bad-file"), std::string::npos) << bad.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("bad-file")));
  EXPECT_TRUE(fs_.NewWritableFile(dir_.Sub("good-file")).ok());
  EXPECT_EQ(fs_.fired(), 1);
}

TEST_F(FaultInjectionTest, AppendFailsAfterBytesWithAShortWrite) {
  fs_.AddRule({.op = FaultOp::kAppend, .path_contains = "", .after_bytes = 10});
  Status st = WriteChunks("torn", {"0123", "4567", "89abcdef"});
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  // The failing append wrote the two bytes that were still allowed.
  EXPECT_EQ(ReadWholeFile(dir_.Sub("torn")), "0123456789");
  EXPECT_EQ(fs_.fired(), 1);

  // The rule stays exhausted of bytes: later appends fail without writing.
  EXPECT_FALSE(WriteChunks("later", {"x"}).ok());
  EXPECT_EQ(ReadWholeFile(dir_.Sub("later")), "");
}

TEST_F(FaultInjectionTest, AppendBytesAreCountedAcrossFiles) {
  fs_.AddRule({.op = FaultOp::kAppend, .path_contains = "data", .after_bytes = 10});
  ASSERT_TRUE(WriteChunks("data-1", {"abcdef"}).ok());
  ASSERT_TRUE(WriteChunks("other", {"not counted, not failed"}).ok());
  EXPECT_FALSE(WriteChunks("data-2", {"ghijkl"}).ok());
  EXPECT_EQ(ReadWholeFile(dir_.Sub("data-2")), "ghij");
}

TEST_F(FaultInjectionTest, ZeroAfterBytesFailsTheFirstAppend) {
  fs_.AddRule({.op = FaultOp::kAppend, .path_contains = ""});
  EXPECT_FALSE(WriteChunks("f", {"abc"}).ok());
  EXPECT_EQ(ReadWholeFile(dir_.Sub("f")), "");
}

TEST_F(FaultInjectionTest, EnospcIsNoSpace) {
  fs_.AddRule({.op = FaultOp::kAppend, .path_contains = "", .error = ENOSPC, .after_bytes = 3});
  Status st = WriteChunks("full", {"abcdef"});
  EXPECT_TRUE(st.IsNoSpace()) << st.ToString();
  EXPECT_EQ(ReadWholeFile(dir_.Sub("full")), "abc");
}

TEST_F(FaultInjectionTest, RemainingLimitsFirings) {
  fs_.AddRule({.op = FaultOp::kSync, .path_contains = "", .remaining = 2});
  EXPECT_FALSE(WriteChunks("s1", {"a"}).ok());
  EXPECT_FALSE(WriteChunks("s2", {"a"}).ok());
  EXPECT_TRUE(WriteChunks("s3", {"a"}).ok());
  EXPECT_EQ(fs_.fired(), 2);
}

TEST_F(FaultInjectionTest, ClearRulesStopsFaults) {
  fs_.AddRule({.op = FaultOp::kOpenWrite, .path_contains = ""});
  EXPECT_FALSE(WriteChunks("c", {"a"}).ok());
  fs_.ClearRules();
  EXPECT_TRUE(WriteChunks("c", {"a"}).ok());
  EXPECT_EQ(fs_.fired(), 1);
}

TEST_F(FaultInjectionTest, FirstMatchingRuleDecides) {
  fs_.AddRule({.op = FaultOp::kOpenWrite, .path_contains = "x", .error = ENOSPC, .remaining = 1});
  fs_.AddRule({.op = FaultOp::kOpenWrite, .path_contains = "", .error = EACCES});
  EXPECT_TRUE(fs_.NewWritableFile(dir_.Sub("x")).status().IsNoSpace());
  EXPECT_EQ(fs_.NewWritableFile(dir_.Sub("x")).status().code(), StatusCode::kIOError);
}

TEST_F(FaultInjectionTest, ReadErrors) {
  ASSERT_TRUE(WriteChunks("r", {"payload"}).ok());
  fs_.AddRule({.op = FaultOp::kOpenRead, .path_contains = "", .remaining = 1});
  EXPECT_EQ(ReadThrough("r", 0, 7).status().code(), StatusCode::kIOError);
  fs_.AddRule({.op = FaultOp::kRead, .path_contains = "", .remaining = 1});
  Result<std::string> read = ReadThrough("r", 0, 7);
  EXPECT_EQ(read.status().code(), StatusCode::kIOError);
  EXPECT_NE(read.status().message().find("read "), std::string::npos) << read.status().ToString();
  EXPECT_EQ(*ReadThrough("r", 0, 7), "payload");
}

TEST_F(FaultInjectionTest, FlipBitsChangesExactlyOneBit) {
  const std::string data = RandomBytes(4096, 1);
  ASSERT_TRUE(WriteChunks("f", {data}).ok());
  fs_.AddRule({.op = FaultOp::kRead, .path_contains = "", .flip_bits = true, .remaining = 3});
  for (uint64_t offset : {0, 100, 4000}) {
    Result<std::string> read = ReadThrough("f", offset, 96);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->size(), 96u);
    int differing_bits = 0;
    for (size_t i = 0; i < read->size(); ++i) {
      differing_bits += std::popcount(static_cast<unsigned char>((*read)[i] ^ data[offset + i]));
    }
    EXPECT_EQ(differing_bits, 1) << "offset " << offset;
  }
  EXPECT_EQ(*ReadThrough("f", 0, 96), data.substr(0, 96));  // the rule is spent
  EXPECT_EQ(ReadWholeFile(dir_.Sub("f")), data);           // the disk was never changed
  EXPECT_EQ(fs_.fired(), 3);
}

TEST_F(FaultInjectionTest, RenameFailsOnEitherName) {
  ASSERT_TRUE(WriteChunks("from", {"a"}).ok());
  fs_.AddRule({.op = FaultOp::kRename, .path_contains = "final", .remaining = 1});
  EXPECT_FALSE(fs_.Rename(dir_.Sub("from"), dir_.Sub("final")).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("from")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("final")));
  fs_.AddRule({.op = FaultOp::kRename, .path_contains = "from", .remaining = 1});
  EXPECT_FALSE(fs_.Rename(dir_.Sub("from"), dir_.Sub("final")).ok());
  EXPECT_TRUE(fs_.Rename(dir_.Sub("from"), dir_.Sub("final")).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("final")));
}

TEST_F(FaultInjectionTest, DirectoryOperations) {
  ASSERT_TRUE(WriteChunks("keep", {"a"}).ok());
  fs_.AddRule({.op = FaultOp::kRemove, .path_contains = "", .remaining = 1});
  EXPECT_FALSE(fs_.RemoveFile(dir_.Sub("keep")).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("keep")));
  fs_.AddRule({.op = FaultOp::kCreateDirs, .path_contains = "", .remaining = 1});
  EXPECT_FALSE(fs_.CreateDirs(dir_.Sub("d")).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("d")));
  fs_.AddRule({.op = FaultOp::kListDir, .path_contains = "", .remaining = 1});
  EXPECT_FALSE(fs_.ListDir(dir_.path()).ok());
  fs_.AddRule({.op = FaultOp::kSync, .path_contains = "", .remaining = 1});
  EXPECT_FALSE(fs_.SyncDir(dir_.path()).ok());
  EXPECT_EQ(fs_.fired(), 4);
}

TEST_F(FaultInjectionTest, ConcurrentChecksCountEveryFiring) {
  fs_.AddRule({.op = FaultOp::kListDir, .path_contains = "", .remaining = 100});
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!fs_.ListDir(dir_.path()).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 100);
  EXPECT_EQ(fs_.fired(), 100);
}

}  // namespace
}  // namespace strata
