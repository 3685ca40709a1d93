#include "strata/base/file_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

std::span<const std::byte> Bytes(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

void WriteFile(FileSystem& fs, const std::string& path, std::string_view contents) {
  Result<std::unique_ptr<WritableFile>> file = fs.NewWritableFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append(Bytes(contents)).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
}

std::vector<std::string> SortedList(FileSystem& fs, const std::string& path) {
  Result<std::vector<std::string>> names = fs.ListDir(path);
  EXPECT_TRUE(names.ok()) << names.status().ToString();
  if (!names.ok()) return {};
  std::vector<std::string> sorted = *names;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

class PosixFileSystemTest : public ::testing::Test {
 protected:
  FileSystem& fs_ = *PosixFileSystem::Default();
  testing::TempDir dir_;
};

TEST_F(PosixFileSystemTest, WriteThenReadBack) {
  const std::string path = dir_.Sub("file");
  const std::string contents = testing::RandomBytes(10000, 1);
  {
    Result<std::unique_ptr<WritableFile>> file = fs_.NewWritableFile(path);
    ASSERT_TRUE(file.ok());
    // Several appends land one after another.
    ASSERT_TRUE((*file)->Append(Bytes(std::string_view(contents).substr(0, 1))).ok());
    ASSERT_TRUE((*file)->Append(Bytes(std::string_view(contents).substr(1, 4999))).ok());
    ASSERT_TRUE((*file)->Append(Bytes(std::string_view(contents).substr(5000))).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Close().ok());
    EXPECT_TRUE((*file)->Close().ok());  // closing twice is harmless
  }

  Result<std::unique_ptr<RandomAccessFile>> file = fs_.NewRandomAccessFile(path);
  ASSERT_TRUE(file.ok());
  Result<uint64_t> size = (*file)->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, contents.size());

  std::string middle(100, '\0');
  Result<size_t> got = (*file)->ReadAt(4000, std::as_writable_bytes(std::span(middle)));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 100u);
  EXPECT_EQ(middle, contents.substr(4000, 100));

  std::string tail(100, '\0');
  got = (*file)->ReadAt(9950, std::as_writable_bytes(std::span(tail)));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 50u);  // short only at end of file
  EXPECT_EQ(tail.substr(0, 50), contents.substr(9950));

  got = (*file)->ReadAt(20000, std::as_writable_bytes(std::span(tail)));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0u);

  Result<std::string> whole = ReadSmallFile(fs_, path);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, contents);
}

TEST_F(PosixFileSystemTest, NewWritableFileTruncates) {
  const std::string path = dir_.Sub("file");
  WriteFile(fs_, path, "a long first version");
  WriteFile(fs_, path, "short");
  EXPECT_EQ(*ReadSmallFile(fs_, path), "short");
}

TEST_F(PosixFileSystemTest, MissingFilesAreNotFound) {
  const std::string path = dir_.Sub("missing");
  EXPECT_TRUE(fs_.NewRandomAccessFile(path).status().IsNotFound());
  Status read = ReadSmallFile(fs_, path).status();
  EXPECT_TRUE(read.IsNotFound());
  EXPECT_NE(read.message().find(path), std::string::npos) << read.message();
  EXPECT_TRUE(fs_.RemoveFile(path).IsNotFound());
  EXPECT_TRUE(fs_.Rename(path, dir_.Sub("other")).IsNotFound());
  EXPECT_TRUE(fs_.ListDir(path).status().IsNotFound());
  EXPECT_TRUE(fs_.SyncDir(path).IsNotFound());
  EXPECT_TRUE(fs_.NewWritableFile(dir_.Sub("no/such/dir/file")).status().IsNotFound());
  Result<bool> exists = fs_.Exists(path);
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  Result<bool> is_dir = fs_.IsDirectory(path);
  ASSERT_TRUE(is_dir.ok());
  EXPECT_FALSE(*is_dir);
}

TEST_F(PosixFileSystemTest, RenameReplacesTheTarget) {
  WriteFile(fs_, dir_.Sub("a"), "new");
  WriteFile(fs_, dir_.Sub("b"), "old");
  ASSERT_TRUE(fs_.Rename(dir_.Sub("a"), dir_.Sub("b")).ok());
  EXPECT_EQ(*ReadSmallFile(fs_, dir_.Sub("b")), "new");
  EXPECT_FALSE(*fs_.Exists(dir_.Sub("a")));
  EXPECT_EQ(SortedList(fs_, dir_.path()), std::vector<std::string>{"b"});
}

TEST_F(PosixFileSystemTest, ListRemoveAndDirectories) {
  EXPECT_TRUE(SortedList(fs_, dir_.path()).empty());
  WriteFile(fs_, dir_.Sub("x"), "1");
  WriteFile(fs_, dir_.Sub("y"), "2");
  ASSERT_TRUE(fs_.CreateDirs(dir_.Sub("d/e/f")).ok());
  ASSERT_TRUE(fs_.CreateDirs(dir_.Sub("d/e/f")).ok());  // already there
  ASSERT_TRUE(fs_.CreateDirs(dir_.Sub("d/e/")).ok());
  EXPECT_EQ(SortedList(fs_, dir_.path()), (std::vector<std::string>{"d", "x", "y"}));
  EXPECT_EQ(SortedList(fs_, dir_.Sub("d/e")), std::vector<std::string>{"f"});

  EXPECT_TRUE(*fs_.IsDirectory(dir_.Sub("d/e/f")));
  EXPECT_FALSE(*fs_.IsDirectory(dir_.Sub("x")));
  EXPECT_TRUE(*fs_.Exists(dir_.Sub("x")));
  EXPECT_TRUE(*fs_.Exists(dir_.Sub("d")));

  Status over_file = fs_.CreateDirs(dir_.Sub("x/sub"));
  EXPECT_FALSE(over_file.ok());
  Status file_as_dir = fs_.CreateDirs(dir_.Sub("x"));
  EXPECT_EQ(file_as_dir.code(), StatusCode::kIOError);

  ASSERT_TRUE(fs_.RemoveFile(dir_.Sub("x")).ok());
  EXPECT_EQ(SortedList(fs_, dir_.path()), (std::vector<std::string>{"d", "y"}));
  EXPECT_TRUE(fs_.SyncDir(dir_.path()).ok());
  EXPECT_TRUE(fs_.SyncDir(dir_.Sub("d/e/f")).ok());
}

TEST_F(PosixFileSystemTest, WriteFileAtomicallyCreatesAndReplaces) {
  const std::string path = dir_.Sub("identity");
  ASSERT_TRUE(WriteFileAtomically(fs_, path, "first").ok());
  EXPECT_EQ(*ReadSmallFile(fs_, path), "first");
  ASSERT_TRUE(WriteFileAtomically(fs_, path, "second, longer").ok());
  EXPECT_EQ(*ReadSmallFile(fs_, path), "second, longer");
  ASSERT_TRUE(WriteFileAtomically(fs_, path, "").ok());
  EXPECT_EQ(*ReadSmallFile(fs_, path), "");
  // No temporary files are left behind.
  EXPECT_EQ(SortedList(fs_, dir_.path()), std::vector<std::string>{"identity"});
}

TEST_F(PosixFileSystemTest, WriteFileAtomicallyFailsCleanlyWithoutADirectory) {
  Status status = WriteFileAtomically(fs_, dir_.Sub("missing/identity"), "x");
  EXPECT_TRUE(status.IsNotFound()) << status.ToString();
  EXPECT_TRUE(SortedList(fs_, dir_.path()).empty());
}

TEST_F(PosixFileSystemTest, SpaceReportsSomething) {
  Result<SpaceInfo> space = fs_.Space(dir_.path());
  ASSERT_TRUE(space.ok());
  EXPECT_GT(space->capacity_bytes, 0u);
  EXPECT_LE(space->available_bytes, space->capacity_bytes);
}

TEST(PathTest, JoinPath) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", "/abs"), "/abs");
  EXPECT_EQ(JoinPath("/srv/strata", "d3/blocks"), "/srv/strata/d3/blocks");
}

TEST(PathTest, DirName) {
  EXPECT_EQ(DirName("/srv/strata/d3"), "/srv/strata");
  EXPECT_EQ(DirName("/srv"), "/");
  EXPECT_EQ(DirName("file"), ".");
  EXPECT_EQ(DirName("a/b"), "a");
}

}  // namespace
}  // namespace strata
