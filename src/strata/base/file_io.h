// FileSystem is the one narrow interface through which drives touch files, so
// tests can put a fault-injecting layer underneath (EIO, ENOSPC, short writes,
// torn renames, bit flips) without real failing disks. PosixFileSystem is the
// production implementation. Implementations are thread-safe; the file objects
// they return are used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strata/base/status.h"

namespace strata {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data` or fails; a failed append leaves the file unusable.
  virtual Status Append(std::span<const std::byte> data) = 0;
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to out.size() bytes at `offset`; returns the count read, which is
  // short only at end of file.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<std::byte> out) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

struct SpaceInfo {
  uint64_t capacity_bytes = 0;
  uint64_t available_bytes = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates or truncates `path` for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates `path` and missing parents; OK if it exists as a directory.
  virtual Status CreateDirs(const std::string& path) = 0;
  // fsyncs a directory so that renames and creations inside it are durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Result<bool> IsDirectory(const std::string& path) = 0;
  virtual Result<bool> Exists(const std::string& path) = 0;
  virtual Result<SpaceInfo> Space(const std::string& path) = 0;
};

// The real file system. Default() is a process-wide instance.
class PosixFileSystem : public FileSystem {
 public:
  static FileSystem* Default();

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<SpaceInfo> Space(const std::string& path) override;
};

// Reads a whole small file (identity files, configs).
Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path);
// Writes a small file durably: temporary name, fsync, rename, directory fsync.
Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents);

std::string JoinPath(const std::string& a, const std::string& b);
std::string DirName(const std::string& path);

}  // namespace strata
